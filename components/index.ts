// The component library: what users import to build a HubSpot trigger on Google Cloud in their own program.
export { HubSpotTrigger, PUSH_PATH, WEBHOOK_PATH } from "./hubspot-trigger";
export type { HubSpotTriggerArgs, SecretOutput, TriggerOutput } from "./hubspot-trigger";
export { TriggerIdentity, ACCOUNT_ROLES } from "./identity";
export type { Grantee, TriggerIdentityArgs } from "./identity";
export { TriggerSecrets } from "./secrets";
export type { SecretReference, SecretSpec, TriggerSecretsArgs } from "./secrets";
export { DeadLetterQueue } from "./dead-letter";
export type { DeadLetterQueueArgs } from "./dead-letter";
export { EventBus } from "./event-bus";
export type { EventBusArgs, EventBusTrigger } from "./event-bus";
export { ListenerService } from "./listener-service";
export type { ListenerServiceArgs, RuntimeServiceArgs } from "./listener-service";
export { PrivateServiceConnect } from "./private-service-connect";
export type { PrivateServiceConnectArgs } from "./private-service-connect";
export { stackOutputs, STACK_OUTPUT_NAMES } from "./outputs";
export type { StackOutputs } from "./outputs";
export { resourceNames } from "./naming";
export type { ResourceNames } from "./naming";
