// HubSpot webhook registration: the component, its dynamic resources and the project/manual renderers.
export { HubSpotRegistration, type HubSpotRegistrationArgs, type RegistrationMode } from "./registration";
export { WebhookSettings, type WebhookSettingsArgs } from "./webhook-settings";
export { WebhookSubscription, type WebhookSubscriptionArgs } from "./webhook-subscription";
export { renderHsmeta, hsmetaText, type HsmetaDocument, type HsmetaInput } from "./hsmeta";
export { manualSteps } from "./manual-steps";
export { subscriptionsFromTriggers, type TriggerSubscriptions } from "./subscriptions";
export type { ApiVersion, CredentialKind, ObjectSubscriptionSpec, RegistrationStatus, SubscriptionSpec } from "./types";
export { CREDENTIAL_ENV } from "./types";
