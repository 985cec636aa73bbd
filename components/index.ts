// The component library: what users import to build a HubSpot trigger on Google Cloud in their own program.
export { HubSpotTrigger, PUSH_PATH, WEBHOOK_PATH } from "./hubspot-trigger";
export type { SecretOutput, TriggerOutput } from "./hubspot-trigger";
export type {
  AlertsArgs,
  DeadLetterArgs,
  EnrichmentArgs,
  ExistingSecretArgs,
  HubSpotTriggerArgs,
  ImageBuildArgs,
  IntegrationArgs,
  PrivateServiceConnectSettings,
  PscConsumerArgs,
  RegistrationArgs,
  RetryArgs,
  ScalingArgs,
  SecretArgs,
  ServiceAccountsArgs,
  SignatureArgs,
  TriggerArgs,
} from "./args";
export { DEFAULTS } from "./defaults";
export { TriggerIdentity, ACCOUNT_ROLES } from "./identity";
export type { Grantee, RuntimeAccount, TriggerIdentityArgs } from "./identity";
export { TriggerSecrets } from "./secrets";
export type { SecretReference, SecretSpec, TriggerSecretsArgs } from "./secrets";
export { DeadLetterQueue } from "./dead-letter";
export type { DeadLetterQueueArgs } from "./dead-letter";
export { EventBus } from "./event-bus";
export type { EventBusArgs, EventBusTrigger } from "./event-bus";
export { RuntimeServices } from "./runtime-services";
export type { RuntimeServiceArgs, RuntimeServicesArgs } from "./runtime-services";
export { PrivateServiceConnect } from "./private-service-connect";
export { TriggerMonitoring } from "./monitoring";
export type { AlertThresholds, MonitoringArgs } from "./monitoring";
export type { PrivateServiceConnectArgs } from "./private-service-connect";
export { StatusStore } from "./status/store";
export type { StatusStoreArgs } from "./status/store";
export { LiveStatus } from "./status/live-status";
export type { LiveStatusInputs, LiveStatusState } from "./status/live-status";
export { stackOutputs, STACK_OUTPUT_NAMES } from "./outputs";
export type { StackOutputs } from "./outputs";
export { resourceNames } from "./naming";
export type { ResourceNames } from "./naming";
