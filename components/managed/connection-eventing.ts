import * as pulumi from "@pulumi/pulumi";
import type { connectors_v1 } from "googleapis";
import {
  connectorsApi,
  REQUEST_OPTIONS,
  call,
  required,
  sameJson,
  settle,
  waitForOperation,
  type Api,
  type ApiSettings,
  type ApiSettingsArgs,
} from "./connectors-api";
import { isUnknown } from "../hubspot/validation";
import { checkConnectionName, checkProjectId, checkStringList, checkTopicId } from "./validation";

/**
 * The eventing settings of an Integration Connectors connection that `@pulumi/gcp` 9.37's
 * `integrationconnectors.Connection` cannot set: the dead-letter topic and private connectivity with its allow-listed
 * projects (Connection.eventingConfig in the discovery document revision 20240701, `privateConnectivityAllowlistedProjects`
 * only in the newer typed client of `googleapis` 188). Written by PATCH with an updateMask naming exactly these fields,
 * so what the gcp resource manages on the same connection is never touched. Outputs the connection's
 * `eventingRuntimeData.eventsListenerEndpoint`: the managed webhook URL to register in HubSpot.
 */

export interface DeadLetter {
  projectId: string;
  /** The topic id, not its full name (Connection.eventingConfig.deadLetterConfig.topic). */
  topic: string;
}

/**
 * The event listener's authentication (Connection.eventingConfig.listenerAuthConfig, which `@pulumi/gcp` 9.37 lacks):
 * the app's client secret, as a Secret Manager version, under the connector's variable key.
 */
export interface ListenerAuth {
  authType: string;
  authKey: string;
  /** The `additionalVariables` key holding the secret. */
  secretVariable: string;
  /** `projects/P/secrets/S/versions/V`. */
  secretVersion: string;
}

export interface ConnectionEventingProps extends ApiSettings {
  connectionName: string;
  deadLetter?: DeadLetter;
  listenerAuth?: ListenerAuth;
  privateConnectivityEnabled: boolean;
  privateConnectivityAllowlistedProjects: string[];
  /**
   * Any value that changes when the connection is updated by something else, e.g. the gcp Connection's `updateTime`.
   * Its update may name the whole `eventingConfig` in its own updateMask and so clear these fields: a change here
   * writes all of them again.
   */
  reapplyWhen?: string;
}

export interface ConnectionEventingOutputs extends ConnectionEventingProps {
  /** The managed webhook URL; empty until Google has provisioned the listener. */
  eventsListenerEndpoint: string;
  /** With private connectivity: the listener's PSC service attachment (eventingRuntimeData.eventsListenerPscSa). */
  eventsListenerPscSa: string;
  /** eventingRuntimeData.status.state: ACTIVE, ERROR or INGRESS_ENDPOINT_REQUIRED (empty when not reported). */
  eventingState: string;
  eventingStatusDescription: string;
}

type ManagedField =
  "deadLetter" | "privateConnectivityEnabled" | "privateConnectivityAllowlistedProjects" | "listenerAuth";

/** Each managed input and the Connection field it writes (the updateMask path). */
export const UPDATE_MASK_PATHS: Record<ManagedField, string> = {
  deadLetter: "eventingConfig.deadLetterConfig",
  privateConnectivityEnabled: "eventingConfig.privateConnectivityEnabled",
  privateConnectivityAllowlistedProjects: "eventingConfig.privateConnectivityAllowlistedProjects",
  listenerAuth: "eventingConfig.listenerAuthConfig",
};
const MANAGED_FIELDS = Object.keys(UPDATE_MASK_PATHS) as ManagedField[];

/** The fields the stack writes: the listener's authentication only when declared (else the console's stays). */
function declaredFields(props: ConnectionEventingProps): ManagedField[] {
  return MANAGED_FIELDS.filter((field) => field !== "listenerAuth" || props.listenerAuth !== undefined);
}
const SETTINGS = ["rootUrl", "retry", "polling"] as const;

/** Only the declared fields: drops `__provider` and stale computed outputs. Internal. Exported for testing. */
export function declaredEventing(inputs: Partial<ConnectionEventingProps>): ConnectionEventingProps {
  return {
    connectionName: inputs.connectionName as string,
    // A dead letter not known until apply (preview) stays the engine's unknown value, not an empty object.
    ...(isUnknown(inputs.deadLetter)
      ? { deadLetter: inputs.deadLetter }
      : inputs.deadLetter
        ? { deadLetter: { projectId: inputs.deadLetter.projectId, topic: inputs.deadLetter.topic } }
        : {}),
    privateConnectivityEnabled: inputs.privateConnectivityEnabled ?? false,
    privateConnectivityAllowlistedProjects: inputs.privateConnectivityAllowlistedProjects ?? [],
    ...(isUnknown(inputs.listenerAuth)
      ? { listenerAuth: inputs.listenerAuth }
      : inputs.listenerAuth
        ? {
            listenerAuth: {
              authType: inputs.listenerAuth.authType,
              authKey: inputs.listenerAuth.authKey,
              secretVariable: inputs.listenerAuth.secretVariable,
              secretVersion: inputs.listenerAuth.secretVersion,
            },
          }
        : {}),
    ...(inputs.reapplyWhen !== undefined ? { reapplyWhen: inputs.reapplyWhen } : {}),
    ...(inputs.rootUrl ? { rootUrl: inputs.rootUrl } : {}),
    ...(inputs.retry ? { retry: inputs.retry } : {}),
    ...(inputs.polling ? { polling: inputs.polling } : {}),
  };
}

/** The PATCH body for `fields`: a field left out of the body but named in the mask is cleared, as FieldMask says. */
export function eventingPatch(
  props: ConnectionEventingProps,
  fields: readonly ManagedField[],
): {
  updateMask: string;
  body: connectors_v1.Schema$Connection;
} {
  const eventingConfig: connectors_v1.Schema$EventingConfig = {};
  if (fields.includes("deadLetter") && props.deadLetter) {
    eventingConfig.deadLetterConfig = { projectId: props.deadLetter.projectId, topic: props.deadLetter.topic };
  }
  if (fields.includes("privateConnectivityEnabled")) {
    eventingConfig.privateConnectivityEnabled = props.privateConnectivityEnabled;
  }
  if (
    fields.includes("privateConnectivityAllowlistedProjects") &&
    props.privateConnectivityAllowlistedProjects.length
  ) {
    eventingConfig.privateConnectivityAllowlistedProjects = props.privateConnectivityAllowlistedProjects;
  }
  if (fields.includes("listenerAuth") && props.listenerAuth) {
    const auth = props.listenerAuth;
    eventingConfig.listenerAuthConfig = {
      authType: auth.authType,
      authKey: auth.authKey,
      additionalVariables: [{ key: auth.secretVariable, secretValue: { secretVersion: auth.secretVersion } }],
    };
  }
  return { updateMask: fields.map((field) => UPDATE_MASK_PATHS[field]).join(","), body: { eventingConfig } };
}

function changedFields(olds: Partial<ConnectionEventingProps>, news: ConnectionEventingProps): ManagedField[] {
  const before = declaredEventing(olds);
  const fields = before.listenerAuth !== undefined ? MANAGED_FIELDS : declaredFields(news);
  if (before.reapplyWhen !== news.reapplyWhen) return fields;
  return fields.filter((field) => !sameJson(before[field], news[field]));
}

async function patchEventing(api: Api, props: ConnectionEventingProps, fields: readonly ManagedField[]): Promise<void> {
  const { updateMask, body } = eventingPatch(props, fields);
  const name = props.connectionName;
  const label = `connections.patch ${name} (updateMask ${updateMask})`;
  const started = await required(api, label, () =>
    api.client.projects.locations.connections.patch({ name, updateMask, requestBody: body }, REQUEST_OPTIONS),
  );
  await waitForOperation(api, label, started);
}

async function getConnection(api: Api, name: string): Promise<connectors_v1.Schema$Connection | undefined> {
  return call(
    api,
    `connections.get ${name}`,
    () => api.client.projects.locations.connections.get({ name }, REQUEST_OPTIONS),
    { allowNotFound: true },
  );
}

/** What the connection reports: its managed fields as Google holds them, and the eventing runtime data. */
function observed(
  props: ConnectionEventingProps,
  connection: connectors_v1.Schema$Connection,
): ConnectionEventingOutputs {
  const config = connection.eventingConfig ?? {};
  const deadLetter = config.deadLetterConfig;
  const runtime = connection.eventingRuntimeData ?? {};
  const listener = config.listenerAuthConfig;
  const listenerSecret = listener?.additionalVariables?.find((variable) => variable.secretValue)?.secretValue;
  return {
    ...props,
    deadLetter:
      deadLetter?.projectId || deadLetter?.topic
        ? { projectId: deadLetter.projectId ?? "", topic: deadLetter.topic ?? "" }
        : undefined,
    privateConnectivityEnabled: config.privateConnectivityEnabled ?? false,
    privateConnectivityAllowlistedProjects: config.privateConnectivityAllowlistedProjects ?? [],
    // Reported only when declared: a console-set listener authentication is not this resource's to show as drift.
    listenerAuth:
      props.listenerAuth && listener
        ? {
            authType: listener.authType ?? "",
            authKey: listener.authKey ?? "",
            secretVariable: listener.additionalVariables?.find((variable) => variable.secretValue)?.key ?? "",
            secretVersion: listenerSecret?.secretVersion ?? "",
          }
        : undefined,
    eventsListenerEndpoint: runtime.eventsListenerEndpoint ?? "",
    eventsListenerPscSa: runtime.eventsListenerPscSa ?? "",
    eventingState: runtime.status?.state ?? "",
    eventingStatusDescription: runtime.status?.description ?? "",
  };
}

/** Eventing is enabled but Google has not yet provisioned the listener (and reports no error). */
function listenerPending(connection: connectors_v1.Schema$Connection): boolean {
  const enabled = ["ONLY_EVENTING", "EVENTING_AND_CONNECTION"].includes(connection.eventingEnablementType ?? "");
  const runtime = connection.eventingRuntimeData;
  return enabled && !runtime?.eventsListenerEndpoint && runtime?.status?.state !== "ERROR";
}

async function observe(api: Api, props: ConnectionEventingProps): Promise<ConnectionEventingOutputs> {
  const name = props.connectionName;
  // The webhook URL is the point of this resource: wait (within settleTimeoutMs) for Google to provision it.
  const connection = await settle(
    api,
    async () => {
      const found = await getConnection(api, name);
      if (!found) throw new Error(`connection ${name} no longer exists`);
      return found;
    },
    listenerPending,
  );
  // The declared values stay the state's inputs; only the runtime outputs come from Google (drift is `read`'s job).
  const seen = observed(props, connection);
  return {
    ...props,
    eventsListenerEndpoint: seen.eventsListenerEndpoint,
    eventsListenerPscSa: seen.eventsListenerPscSa,
    eventingState: seen.eventingState,
    eventingStatusDescription: seen.eventingStatusDescription,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Internal. Exported for testing (tests drive these methods directly against the Connectors stand-in). */
export const connectionEventingProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: ConnectionEventingProps, news: Partial<ConnectionEventingProps>) {
    const inputs = declaredEventing(news);
    const failures = [
      ...checkConnectionName(news.connectionName),
      ...(news.deadLetter && !isUnknown(news.deadLetter)
        ? [
            ...checkProjectId(news.deadLetter.projectId, "deadLetter.projectId"),
            ...checkTopicId(news.deadLetter.topic, "deadLetter.topic"),
          ]
        : []),
      ...checkStringList(
        news.privateConnectivityAllowlistedProjects,
        "privateConnectivityAllowlistedProjects",
        checkProjectId,
      ),
    ];
    const allowList = inputs.privateConnectivityAllowlistedProjects;
    if (Array.isArray(allowList) && allowList.length > 0 && inputs.privateConnectivityEnabled === false) {
      failures.push({
        property: "privateConnectivityAllowlistedProjects",
        reason:
          "is set while privateConnectivityEnabled is false: the allow list applies to the private-connectivity service attachment only",
      });
    }
    return { inputs, failures };
  },

  async diff(_id: string, olds: ConnectionEventingOutputs, news: ConnectionEventingProps) {
    const replaces = olds.connectionName === news.connectionName ? [] : ["connectionName"];
    const settings = SETTINGS.filter((key) => !sameJson(olds[key], news[key]));
    const changes = replaces.length + changedFields(olds, news).length + settings.length > 0;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: ConnectionEventingProps) {
    const props = declaredEventing(inputs);
    const api = connectorsApi(props);
    // All managed fields at once: the stack becomes the source of truth for them, whatever the console set before.
    await patchEventing(api, props, declaredFields(props));
    return { id: props.connectionName, outs: withoutUndefined(await observe(api, props)) };
  },

  async read(id: string, state: ConnectionEventingOutputs) {
    const props = declaredEventing(state);
    const connection = await getConnection(connectorsApi(props), id);
    // Deleted outside the stack: an empty id tells the engine, and the next `up` recreates what depends on it.
    if (!connection) return { id: "", props: {} };
    return { id, props: withoutUndefined(observed(props, connection)) };
  },

  async update(_id: string, olds: ConnectionEventingOutputs, news: ConnectionEventingProps) {
    const props = declaredEventing(news);
    const api = connectorsApi(props);
    const fields = changedFields(olds, props);
    if (fields.length > 0) await patchEventing(api, props, fields);
    return { outs: withoutUndefined(await observe(api, props)) };
  },

  async delete(id: string, state: ConnectionEventingOutputs) {
    const props = declaredEventing(state);
    const api = connectorsApi(props);
    // Already gone (the connection was deleted first, or by hand): nothing to reset.
    if (!(await getConnection(api, id))) return;
    // Back to what a connection created without these settings has: no dead letter, no private connectivity.
    const cleared: ConnectionEventingProps = {
      ...props,
      deadLetter: undefined,
      privateConnectivityEnabled: false,
      privateConnectivityAllowlistedProjects: [],
      listenerAuth: undefined,
    };
    await patchEventing(api, cleared, declaredFields(props));
  },
};

export interface ConnectionEventingArgs extends ApiSettingsArgs {
  /** The connection's resource name, e.g. `gcp.integrationconnectors.Connection`'s `id`. */
  connectionName: pulumi.Input<string>;
  /** Where the connection writes events it could not deliver (the seed's dead-letter project and topic). */
  deadLetter?: pulumi.Input<{ projectId: pulumi.Input<string>; topic: pulumi.Input<string> }>;
  /** The event listener's authentication (the client secret); absent: left as the console set it. */
  listenerAuth?: pulumi.Input<{
    authType: pulumi.Input<string>;
    authKey: pulumi.Input<string>;
    secretVariable: pulumi.Input<string>;
    secretVersion: pulumi.Input<string>;
  }>;
  /** Default false. */
  privateConnectivityEnabled?: pulumi.Input<boolean>;
  /** Projects allowed to reach the eventing service attachment; only with private connectivity. */
  privateConnectivityAllowlistedProjects?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Pass the gcp Connection's `updateTime`: when something else updates the connection (its updateMask may cover the
   * whole eventingConfig), the managed fields are written again.
   */
  reapplyWhen?: pulumi.Input<string>;
}

/** `pulumi-nodejs:dynamic/connectors:ConnectionEventing`. */
export class ConnectionEventing extends pulumi.dynamic.Resource {
  /** The managed webhook URL (the connection's event listener endpoint). */
  declare readonly eventsListenerEndpoint: pulumi.Output<string>;
  /** With private connectivity: the service attachment in front of the listener (empty until provisioned). */
  declare readonly eventsListenerPscSa: pulumi.Output<string>;
  declare readonly eventingState: pulumi.Output<string>;
  declare readonly eventingStatusDescription: pulumi.Output<string>;

  constructor(name: string, args: ConnectionEventingArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      eventsListenerEndpoint: undefined,
      eventsListenerPscSa: undefined,
      eventingState: undefined,
      eventingStatusDescription: undefined,
    };
    super(connectionEventingProvider, name, props, opts, "connectors", "ConnectionEventing");
  }
}
