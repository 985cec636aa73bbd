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
import { subscriptionStatus, type StatusReport } from "./status";
import type { ApiTransport, ApiVersion, CredentialKind, RegistrationStatus } from "./types";
import { checkSubscription, MAX_SUBSCRIPTIONS_PER_APP, subscriptionKey } from "./validation";
import {
  createSubscription,
  deleteSubscription,
  findIdentical,
  getSubscription,
  listSubscriptions,
  setSubscriptionActive,
} from "./webhooks-api";
import { secretCredential, secretTransport } from "./webhook-settings";

/**
 * One HubSpot subscription (event type, and property for propertyChange). One resource each, so `pulumi preview`
 * shows exactly which subscription is added, paused or removed, and the app's other subscriptions are never touched.
 */
export interface WebhookSubscriptionProps extends ConnectionProps {
  eventType: string;
  propertyName?: string;
  active: boolean;
}

export interface WebhookSubscriptionOutputs extends WebhookSubscriptionProps, StatusReport {
  subscriptionId: string;
  /** True when `create` found an identical subscription in HubSpot and took it over instead of duplicating it. */
  adopted: boolean;
}

function declared(inputs: WebhookSubscriptionProps): WebhookSubscriptionProps {
  // Only the declared fields: drops `__provider` and stale computed outputs.
  const { eventType, propertyName, active } = inputs;
  return withoutUndefined({
    ...connectionFields(inputs),
    eventType,
    active,
    propertyName: propertyName || undefined,
  });
}

/** Internal. Exported for testing (tests drive these methods directly against the HubSpot stand-in). */
export const webhookSubscriptionProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: WebhookSubscriptionProps, news: Partial<WebhookSubscriptionProps>) {
    const inputs = { ...withConnectionDefaults(news), active: news.active ?? true };
    const failures = [
      ...checkConnection(inputs),
      ...checkSubscription(
        { eventType: inputs.eventType as string, propertyName: inputs.propertyName },
        "subscription",
      ),
    ];
    return { inputs, failures };
  },

  async diff(_id: string, olds: WebhookSubscriptionOutputs, news: WebhookSubscriptionProps) {
    // HubSpot can patch only `active`: another event type or property is another subscription.
    const replaces = changedKeys(olds, news, [...CONNECTION_REPLACE_KEYS, "eventType", "propertyName"]);
    const updates = changedKeys(olds, news, [...CONNECTION_UPDATE_KEYS, "active"]);
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: WebhookSubscriptionProps) {
    const props = declared(inputs);
    const target = apiTarget(props);
    const existing = await listSubscriptions(target);
    const identical = findIdentical(existing, props);
    let actual = identical;
    if (identical && identical.active !== props.active) {
      actual = await setSubscriptionActive(target, identical.id, props.active);
    } else if (!identical) {
      if (existing.length >= MAX_SUBSCRIPTIONS_PER_APP) {
        throw new Error(
          `cannot create ${subscriptionKey(props)} for app ${props.appId}: it already has ${existing.length} subscriptions, HubSpot's limit is ${MAX_SUBSCRIPTIONS_PER_APP} per app`,
        );
      }
      actual = await createSubscription(target, props, props.active);
    }
    const subscriptionId = String(actual?.id);
    const outs: WebhookSubscriptionOutputs = {
      ...props,
      subscriptionId,
      adopted: identical !== undefined,
      ...subscriptionStatus(props.active, actual),
    };
    return { id: subscriptionId, outs };
  },

  async read(id: string, state: WebhookSubscriptionOutputs) {
    const props = declared(state);
    const actual = await getSubscription(apiTarget(props), id);
    // Deleted in HubSpot's UI: an empty id tells the engine, and the next `up` recreates it.
    if (!actual) return { id: "", props: {} };
    const seen: WebhookSubscriptionOutputs = {
      ...props,
      eventType: actual.eventType,
      active: actual.active,
      ...(actual.propertyName ? { propertyName: actual.propertyName } : {}),
      subscriptionId: String(actual.id),
      adopted: state.adopted ?? false,
      ...subscriptionStatus(props.active, actual),
    };
    return { id, props: seen };
  },

  async update(id: string, olds: WebhookSubscriptionOutputs, news: WebhookSubscriptionProps) {
    const props = declared(news);
    const base = { subscriptionId: id, adopted: olds.adopted ?? false };
    if (olds.active === props.active) {
      // Only connection details changed (credential rotation, API version): nothing to write to HubSpot.
      return { outs: { ...props, ...base, status: olds.status, statusMessage: olds.statusMessage } };
    }
    const actual = await setSubscriptionActive(apiTarget(props), id, props.active);
    return { outs: { ...props, ...base, ...subscriptionStatus(props.active, actual) } };
  },

  async delete(id: string, state: WebhookSubscriptionOutputs) {
    const props = declared(state);
    if (props.retainOnDelete) return;
    await deleteSubscription(apiTarget(props), id);
  },
};

export interface WebhookSubscriptionArgs {
  appId: pulumi.Input<string>;
  eventType: pulumi.Input<string>;
  propertyName?: pulumi.Input<string>;
  /** Default true. */
  active?: pulumi.Input<boolean>;
  retainOnDelete?: pulumi.Input<boolean>;
  apiVersion?: pulumi.Input<ApiVersion>;
  apiBaseUrl?: pulumi.Input<string>;
  credentialKind: pulumi.Input<CredentialKind>;
  /** Secret. When absent, read at call time from HUBSPOT_DEVELOPER_API_KEY / HUBSPOT_DEVELOPER_OAUTH_TOKEN. */
  credential?: pulumi.Input<string>;
  /** The destination address and proxy; made secret when it holds the proxy password. */
  transport?: pulumi.Input<ApiTransport>;
}

/** `pulumi-nodejs:dynamic/hubspot:WebhookSubscription`. */
export class WebhookSubscription extends pulumi.dynamic.Resource {
  declare readonly subscriptionId: pulumi.Output<string>;
  declare readonly eventType: pulumi.Output<string>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly status: pulumi.Output<RegistrationStatus>;
  declare readonly statusMessage: pulumi.Output<string>;

  constructor(name: string, args: WebhookSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      credential: args.credential === undefined ? undefined : pulumi.secret(args.credential),
      transport: secretTransport(args.transport),
      subscriptionId: undefined,
      adopted: undefined,
      status: undefined,
      statusMessage: undefined,
    };
    super(webhookSubscriptionProvider, name, props, secretCredential(opts), "hubspot", "WebhookSubscription");
  }
}
