import * as pulumi from "@pulumi/pulumi";
import {
  apiTarget,
  changedKeys,
  checkConnection,
  connectionFields,
  CONNECTION_REPLACE_KEYS,
  CONNECTION_UPDATE_KEYS,
  withConnectionDefaults,
  withoutUndefined,
  type ConnectionProps,
} from "./provider-inputs";
import { probeReadyz, settingsStatus, type StatusReport } from "./status";
import type { ApiTransport, ApiVersion, CredentialKind, HubSpotSettings, RegistrationStatus } from "./types";
import { checkMaxConcurrentRequests, checkTargetUrl } from "./validation";
import { deleteSettings, getSettings, putSettings } from "./webhooks-api";

/** The app's webhook settings: where HubSpot delivers (the listener) and how many requests at once. One per app. */
export interface WebhookSettingsProps extends ConnectionProps {
  targetUrl: string;
  maxConcurrentRequests: number;
  /** The listener's /readyz, probed for the status when reachable. */
  readyzUrl?: string;
}

export interface WebhookSettingsOutputs extends WebhookSettingsProps, StatusReport {}

async function statusOf(props: WebhookSettingsProps, actual: HubSpotSettings | undefined): Promise<StatusReport> {
  return settingsStatus(props, actual, await probeReadyz(props.readyzUrl));
}

function matches(props: WebhookSettingsProps, actual: HubSpotSettings | undefined): boolean {
  return (
    actual?.targetUrl === props.targetUrl && actual.throttling.maxConcurrentRequests === props.maxConcurrentRequests
  );
}

function declared(inputs: WebhookSettingsProps): WebhookSettingsProps {
  // Only the declared fields: drops `__provider` and stale computed outputs.
  const { targetUrl, maxConcurrentRequests, readyzUrl } = inputs;
  return withoutUndefined({ ...connectionFields(inputs), targetUrl, maxConcurrentRequests, readyzUrl });
}

/** Internal. Exported for testing (tests drive these methods directly against the HubSpot stand-in). */
export const webhookSettingsProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: WebhookSettingsProps, news: Partial<WebhookSettingsProps>) {
    const inputs = withConnectionDefaults(news);
    const failures = [
      ...checkConnection(inputs),
      ...checkTargetUrl(inputs.targetUrl),
      ...checkMaxConcurrentRequests(inputs.maxConcurrentRequests),
    ];
    return { inputs, failures };
  },

  async diff(_id: string, olds: WebhookSettingsOutputs, news: WebhookSettingsProps) {
    const replaces = changedKeys(olds, news, CONNECTION_REPLACE_KEYS);
    const updates = changedKeys(olds, news, [
      ...CONNECTION_UPDATE_KEYS,
      "targetUrl",
      "maxConcurrentRequests",
      "readyzUrl",
    ]);
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: WebhookSettingsProps) {
    const props = declared(inputs);
    const target = apiTarget(props);
    const existing = await getSettings(target);
    // Adopt settings that already say what we declare: zero writes.
    const actual = matches(props, existing)
      ? existing
      : await putSettings(target, props.targetUrl, props.maxConcurrentRequests);
    const outs: WebhookSettingsOutputs = { ...props, ...(await statusOf(props, actual)) };
    return { id: `${props.appId}/settings`, outs };
  },

  async read(id: string, state: WebhookSettingsOutputs) {
    const props = declared(state);
    const actual = await getSettings(apiTarget(props));
    // Gone in HubSpot (deleted in the app's UI): an empty id tells the engine, and the next `up` recreates it.
    if (!actual) return { id: "", props: {} };
    const seen: WebhookSettingsProps = {
      ...props,
      targetUrl: actual.targetUrl,
      maxConcurrentRequests: actual.throttling.maxConcurrentRequests,
    };
    return { id, props: { ...seen, ...(await statusOf(props, actual)) } };
  },

  async update(_id: string, olds: WebhookSettingsOutputs, news: WebhookSettingsProps) {
    const props = declared(news);
    const target = apiTarget(props);
    const settingsChanged = changedKeys(olds, props, ["targetUrl", "maxConcurrentRequests"]).length > 0;
    const actual = settingsChanged
      ? await putSettings(target, props.targetUrl, props.maxConcurrentRequests)
      : await getSettings(target);
    const outs: WebhookSettingsOutputs = { ...props, ...(await statusOf(props, actual)) };
    return { outs };
  },

  async delete(_id: string, state: WebhookSettingsOutputs) {
    const props = declared(state);
    if (props.retainOnDelete) return;
    const target = apiTarget(props);
    // DELETE pauses every subscription of the app: only when the settings are still ours.
    const actual = await getSettings(target);
    if (actual?.targetUrl === props.targetUrl) await deleteSettings(target);
  },
};

export interface WebhookSettingsArgs {
  appId: pulumi.Input<string>;
  targetUrl: pulumi.Input<string>;
  maxConcurrentRequests: pulumi.Input<number>;
  readyzUrl?: pulumi.Input<string>;
  retainOnDelete?: pulumi.Input<boolean>;
  apiVersion?: pulumi.Input<ApiVersion>;
  /** HubSpot's API root; https://api.hubapi.com by default (tests point it at the stand-in). */
  apiBaseUrl?: pulumi.Input<string>;
  credentialKind: pulumi.Input<CredentialKind>;
  /** Secret. When absent, read at call time from HUBSPOT_DEVELOPER_API_KEY / HUBSPOT_DEVELOPER_OAUTH_TOKEN. */
  credential?: pulumi.Input<string>;
  /** The destination address and proxy; made secret when it holds the proxy password. */
  transport?: pulumi.Input<ApiTransport>;
}

/** `pulumi-nodejs:dynamic/hubspot:WebhookSettings`. */
export class WebhookSettings extends pulumi.dynamic.Resource {
  declare readonly appId: pulumi.Output<string>;
  declare readonly targetUrl: pulumi.Output<string>;
  declare readonly maxConcurrentRequests: pulumi.Output<number>;
  declare readonly status: pulumi.Output<RegistrationStatus>;
  declare readonly statusMessage: pulumi.Output<string>;

  constructor(name: string, args: WebhookSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      credential: args.credential === undefined ? undefined : pulumi.secret(args.credential),
      transport: secretTransport(args.transport),
      status: undefined,
      statusMessage: undefined,
    };
    super(webhookSettingsProvider, name, props, secretCredential(opts), "hubspot", "WebhookSettings");
  }
}

/** Keeps the credential output secret in state whatever the caller passed. */
export function secretCredential(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "credential"] };
}

/**
 * The transport input, secret whenever it holds a proxy password, so state and previews keep the password encrypted
 * (an output named like a secret input is secret too). Without a password it stays plain, so a preview shows which
 * proxy or address changes.
 */
export function secretTransport(
  transport: pulumi.Input<ApiTransport> | undefined,
): pulumi.Output<ApiTransport> | undefined {
  if (transport === undefined) return undefined;
  return pulumi
    .output(transport)
    .apply((value) => (value?.proxy?.password !== undefined ? pulumi.secret(value) : pulumi.output(value)));
}
