// The managed backend's dynamic providers: what Google's HubSpot connector needs beyond `@pulumi/gcp`'s Connection.
export {
  ConnectionEventing,
  UPDATE_MASK_PATHS,
  type ConnectionEventingArgs,
  type ConnectionEventingOutputs,
  type DeadLetter,
} from "./connection-eventing";
export {
  EventSubscription,
  type EventSubscriptionArgs,
  type EventSubscriptionOutputs,
  type PubSubDestination,
} from "./event-subscription";
export {
  ACCESS_TOKEN_ENV,
  DEFAULT_POLLING_POLICY,
  DEFAULT_RETRY_POLICY,
  type ApiSettings,
  type PollingPolicy,
  type RetryPolicy,
} from "./connectors-api";
export {
  ManagedBackend,
  proxyConfigVariables,
  triggerStatus,
  type ManagedBackendArgs,
  type ManagedTrigger,
  type ManagedTriggerStatus,
} from "./managed-backend";
export { resolveManaged, type ResolvedManaged } from "./resolve";
