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
  type ConnectorsApiError,
} from "./connectors-api";
import { isUnknown } from "../hubspot/validation";
import {
  checkConnectionName,
  checkEventTypeId,
  checkProjectId,
  checkServiceAccount,
  checkSubscriptionId,
  checkTopicId,
} from "./validation";

/**
 * One event subscription on a managed connection (`projects.locations.connections.eventSubscriptions`): the
 * connector's events of one type, written to a Pub/Sub topic (the stack's events topic, so the rest of the pipeline is
 * unchanged) as the given service account. The Pub/Sub destination exists only in the newer typed client of
 * `googleapis` 188 (EventSubscriptionDestination.pubsub; revision 20240701 of the discovery document has only
 * `endpoint`), and its `type` enum there has no Pub/Sub value, so `type` is not sent: `pubsub` selects the destination.
 * Outputs `status.state` (CREATING / UPDATING / ACTIVE / SUSPENDED / ERROR) and its description: the status the
 * console shows for a trigger; `read` (pulumi refresh) refreshes it.
 */

export interface PubSubDestination {
  projectId: string;
  topicId: string;
  /** Attributes added to every message. */
  attributes?: Record<string, string>;
}

export interface EventSubscriptionProps extends ApiSettings {
  connectionName: string;
  eventSubscriptionId: string;
  eventTypeId: string;
  pubsub: PubSubDestination;
  serviceAccount: string;
}

export interface EventSubscriptionOutputs extends EventSubscriptionProps {
  /** The subscription's resource name (also the resource's id). */
  subscriptionName: string;
  /** status.state: CREATING, UPDATING, ACTIVE, SUSPENDED or ERROR. */
  state: string;
  stateDescription: string;
}

const TRANSITIONAL = new Set(["CREATING", "UPDATING"]);
const SETTINGS = ["rootUrl", "retry", "polling"] as const;

/** Only the declared fields: drops `__provider` and stale computed outputs. Internal. Exported for testing. */
export function declaredSubscription(inputs: Partial<EventSubscriptionProps>): EventSubscriptionProps {
  const pubsub = inputs.pubsub ?? { projectId: "", topicId: "" };
  return {
    connectionName: inputs.connectionName as string,
    eventSubscriptionId: inputs.eventSubscriptionId as string,
    eventTypeId: inputs.eventTypeId as string,
    // A destination not known until apply (preview) stays the engine's unknown value.
    pubsub: isUnknown(pubsub)
      ? pubsub
      : {
          projectId: pubsub.projectId,
          topicId: pubsub.topicId,
          ...(pubsub.attributes && Object.keys(pubsub.attributes).length > 0 ? { attributes: pubsub.attributes } : {}),
        },
    serviceAccount: inputs.serviceAccount as string,
    ...(inputs.rootUrl ? { rootUrl: inputs.rootUrl } : {}),
    ...(inputs.retry ? { retry: inputs.retry } : {}),
    ...(inputs.polling ? { polling: inputs.polling } : {}),
  };
}

/** The request body: what the stack declares, nothing output-only. Internal. Exported for testing. */
export function subscriptionBody(props: EventSubscriptionProps): connectors_v1.Schema$EventSubscription {
  return {
    eventTypeId: props.eventTypeId,
    destinations: { pubsub: { ...props.pubsub }, serviceAccount: props.serviceAccount },
  };
}

function resourceName(props: EventSubscriptionProps): string {
  return `${props.connectionName}/eventSubscriptions/${props.eventSubscriptionId}`;
}

/** The updateMask paths whose declared value differs from `olds`. */
function changedPaths(olds: Partial<EventSubscriptionProps>, news: EventSubscriptionProps): string[] {
  const before = declaredSubscription(olds);
  const paths: string[] = [];
  if (before.eventTypeId !== news.eventTypeId) paths.push("eventTypeId");
  if (!sameJson(before.pubsub, news.pubsub) || before.serviceAccount !== news.serviceAccount)
    paths.push("destinations");
  return paths;
}

async function getSubscription(api: Api, name: string): Promise<connectors_v1.Schema$EventSubscription | undefined> {
  return call(
    api,
    `eventSubscriptions.get ${name}`,
    () => api.client.projects.locations.connections.eventSubscriptions.get({ name }, REQUEST_OPTIONS),
    { allowNotFound: true },
  );
}

async function patchSubscription(api: Api, props: EventSubscriptionProps, paths: readonly string[]): Promise<void> {
  const name = resourceName(props);
  const updateMask = paths.join(",");
  const label = `eventSubscriptions.patch ${name} (updateMask ${updateMask})`;
  const started = await required(api, label, () =>
    api.client.projects.locations.connections.eventSubscriptions.patch(
      { name, updateMask, requestBody: subscriptionBody(props) },
      REQUEST_OPTIONS,
    ),
  );
  await waitForOperation(api, label, started);
}

/** The subscription once it has left CREATING / UPDATING, or as it stands when the settle bound is reached. */
async function settled(api: Api, props: EventSubscriptionProps): Promise<connectors_v1.Schema$EventSubscription> {
  const name = resourceName(props);
  return settle(
    api,
    async () => {
      const found = await getSubscription(api, name);
      if (!found) throw new Error(`event subscription ${name} disappeared right after it was written`);
      return found;
    },
    (subscription) => TRANSITIONAL.has(subscription.status?.state ?? ""),
  );
}

function status(subscription: connectors_v1.Schema$EventSubscription): { state: string; stateDescription: string } {
  return {
    state: subscription.status?.state ?? "STATE_UNSPECIFIED",
    stateDescription: subscription.status?.description ?? "",
  };
}

/** Internal. Exported for testing (tests drive these methods directly against the Connectors stand-in). */
export const eventSubscriptionProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: EventSubscriptionProps, news: Partial<EventSubscriptionProps>) {
    const inputs = declaredSubscription(news);
    const failures = [
      ...checkConnectionName(news.connectionName),
      ...checkSubscriptionId(news.eventSubscriptionId),
      ...checkEventTypeId(news.eventTypeId),
      ...(isUnknown(news.pubsub)
        ? []
        : news.pubsub
          ? [
              ...checkProjectId(news.pubsub.projectId, "pubsub.projectId"),
              ...checkTopicId(news.pubsub.topicId, "pubsub.topicId"),
            ]
          : [{ property: "pubsub", reason: "is missing: the events topic the connector writes to" }]),
      ...checkServiceAccount(news.serviceAccount, "serviceAccount"),
    ];
    return { inputs, failures };
  },

  async diff(_id: string, olds: EventSubscriptionOutputs, news: EventSubscriptionProps) {
    // Another connection or id is another subscription; the event type and destination are patched in place.
    const replaces = (["connectionName", "eventSubscriptionId"] as const).filter((key) => olds[key] !== news[key]);
    const settings = SETTINGS.filter((key) => !sameJson(olds[key], news[key]));
    const changes = replaces.length + changedPaths(olds, news).length + settings.length > 0;
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: EventSubscriptionProps) {
    const props = declaredSubscription(inputs);
    const api = connectorsApi(props);
    const name = resourceName(props);
    const label = `eventSubscriptions.create ${name}`;
    try {
      const started = await required(api, label, () =>
        api.client.projects.locations.connections.eventSubscriptions.create(
          {
            parent: props.connectionName,
            eventSubscriptionId: props.eventSubscriptionId,
            requestBody: subscriptionBody(props),
          },
          REQUEST_OPTIONS,
        ),
      );
      await waitForOperation(api, label, started);
    } catch (error) {
      // Left over from an interrupted `up` (or a create retried after a lost answer): take it over and make it
      // what the stack declares, rather than failing on a subscription that is ours by name.
      if ((error as Partial<ConnectorsApiError>).status !== 409) throw error;
      await patchSubscription(api, props, ["eventTypeId", "destinations"]);
    }
    const subscription = await settled(api, props);
    const outs: EventSubscriptionOutputs = { ...props, subscriptionName: name, ...status(subscription) };
    return { id: name, outs };
  },

  async read(id: string, state: EventSubscriptionOutputs) {
    const props = declaredSubscription(state);
    const found = await getSubscription(connectorsApi(props), id);
    // Deleted in the console: an empty id tells the engine, and the next `up` recreates it.
    if (!found) return { id: "", props: {} };
    const destination = found.destinations ?? {};
    const seen: EventSubscriptionOutputs = {
      ...props,
      eventTypeId: found.eventTypeId ?? "",
      pubsub: declaredSubscription({
        pubsub: {
          projectId: destination.pubsub?.projectId ?? "",
          topicId: destination.pubsub?.topicId ?? "",
          ...(destination.pubsub?.attributes ? { attributes: destination.pubsub.attributes } : {}),
        },
      }).pubsub,
      serviceAccount: destination.serviceAccount ?? "",
      subscriptionName: id,
      ...status(found),
    };
    return { id, props: seen };
  },

  async update(id: string, olds: EventSubscriptionOutputs, news: EventSubscriptionProps) {
    const props = declaredSubscription(news);
    const api = connectorsApi(props);
    const paths = changedPaths(olds, props);
    if (paths.length > 0) await patchSubscription(api, props, paths);
    const subscription = paths.length > 0 ? await settled(api, props) : await getSubscription(api, id);
    if (!subscription) throw new Error(`event subscription ${id} no longer exists: run pulumi refresh, then up`);
    return { outs: { ...props, subscriptionName: id, ...status(subscription) } };
  },

  async delete(id: string, state: EventSubscriptionOutputs) {
    const api = connectorsApi(declaredSubscription(state));
    const label = `eventSubscriptions.delete ${id}`;
    const started = await call(
      api,
      label,
      () => api.client.projects.locations.connections.eventSubscriptions.delete({ name: id }, REQUEST_OPTIONS),
      { allowNotFound: true },
    );
    // Already gone (deleted in the console, or with its connection): nothing to wait for.
    if (started) await waitForOperation(api, label, started);
  },
};

export interface EventSubscriptionArgs extends ApiSettingsArgs {
  /** The connection's resource name, e.g. `gcp.integrationconnectors.Connection`'s `id`. */
  connectionName: pulumi.Input<string>;
  /** The subscription's id on the connection, e.g. the trigger's name and event type. */
  eventSubscriptionId: pulumi.Input<string>;
  /** One of the connector's event types (HubSpot: deal.creation, contact.propertyChange, ...). */
  eventTypeId: pulumi.Input<string>;
  /** The stack's events topic. */
  pubsub: pulumi.Input<{
    projectId: pulumi.Input<string>;
    topicId: pulumi.Input<string>;
    attributes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  }>;
  /** The service account the connector delivers as (it needs roles/pubsub.publisher on the topic). */
  serviceAccount: pulumi.Input<string>;
}

/** `pulumi-nodejs:dynamic/connectors:EventSubscription`. */
export class EventSubscription extends pulumi.dynamic.Resource {
  declare readonly subscriptionName: pulumi.Output<string>;
  /** CREATING, UPDATING, ACTIVE, SUSPENDED or ERROR: the trigger's status. */
  declare readonly state: pulumi.Output<string>;
  declare readonly stateDescription: pulumi.Output<string>;

  constructor(name: string, args: EventSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { ...args, subscriptionName: undefined, state: undefined, stateDescription: undefined };
    super(eventSubscriptionProvider, name, props, opts, "connectors", "EventSubscription");
  }
}
