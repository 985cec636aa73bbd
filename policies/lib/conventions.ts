/**
 * The cross-team conventions the rules rely on to know which resource plays which part: resource type tokens
 * (checked against @pulumi/gcp 9.37 by test/policies/conventions.spec.ts), the machine-readable service account
 * descriptions, the `component` label values and the HubSpot dynamic resource types.
 */
/**
 * The HubSpot trigger's event types. The pack keeps its own copy because it is published and installed alone (no
 * import may leave policies/); test/policies/self-contained.spec.ts keeps it equal to infra/config-types.ts.
 */
export const EVENT_TYPES = [
  "deal.creation",
  "deal.propertyChange",
  "deal.deletion",
  "contact.creation",
  "contact.propertyChange",
  "contact.deletion",
] as const;

export const TYPES = {
  serviceAccount: "gcp:serviceaccount/account:Account",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  topic: "gcp:pubsub/topic:Topic",
  subscription: "gcp:pubsub/subscription:Subscription",
  cloudRunService: "gcp:cloudrunv2/service:Service",
  serviceAttachment: "gcp:compute/serviceAttachment:ServiceAttachment",
  forwardingRule: "gcp:compute/forwardingRule:ForwardingRule",
  address: "gcp:compute/address:Address",
  artifactRepository: "gcp:artifactregistry/repository:Repository",
  webhookSettings: "pulumi-nodejs:dynamic/hubspot:WebhookSettings",
  webhookSubscription: "pulumi-nodejs:dynamic/hubspot:WebhookSubscription",
} as const;

/**
 * GCP types this package may create whose arguments take `labels` (@pulumi/gcp 9.37; SecretVersion, Account,
 * ServiceAttachment, subnets, NEGs, backend services, URL maps and target proxies take none).
 */
export const LABELLED_TYPES: readonly string[] = [
  TYPES.secret,
  TYPES.topic,
  TYPES.subscription,
  TYPES.cloudRunService,
  TYPES.forwardingRule,
  TYPES.address,
  TYPES.artifactRepository,
];

/** Service account `description` values: the account's role, machine-readable. */
export const ACCOUNT_ROLES = {
  listener: "hubspot-trigger:listener",
  trigger: "hubspot-trigger:trigger",
  push: "hubspot-trigger:push",
} as const;
export type AccountRole = keyof typeof ACCOUNT_ROLES;

export const COMPONENTS = ["listener", "dispatcher", "events", "dead-letter", "secrets", "psc", "image"] as const;
export type Component = (typeof COMPONENTS)[number];

export const APP_LABEL = "hubspot-trigger";

/** Members that make a binding public. */
export const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"] as const;

/** The Pub/Sub service agent of any project: `service-<projectNumber>@gcp-sa-pubsub.iam.gserviceaccount.com`. */
export const PUBSUB_SERVICE_AGENT = /^serviceAccount:service-\d+@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

/** Path of the HubSpot webhook on the listener (cross-team convention). */
export const WEBHOOK_PATH = "/webhooks/hubspot";

/** Seed naming rule for connection and trigger names: lowercase letters, digits, hyphens; letter first; no "goog". */
export function triggerNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > 49) return `is ${name.length} characters long (at most 49)`;
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(name) && !/^[a-z]$/.test(name)) {
    return "must be lowercase letters, digits and hyphens, start with a letter and end with a letter or digit";
  }
  if (name.startsWith("goog")) return 'must not start with "goog"';
  return undefined;
}

export function isSupportedEventType(value: string): boolean {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Minimum HubSpot accepts for webhook throttling (`maxConcurrentRequests`). */
export const HUBSPOT_MIN_CONCURRENT_REQUESTS = 5;

/**
 * `hubspot-trigger:<path>`: the stack config key (Pulumi.<stack>.yaml) a violation message names when setting it
 * fixes the violation. `path` starts with a key the project's Pulumi.yaml declares (checked by
 * test/policies/messages.spec.ts); a dotted or indexed rest points inside an object value.
 */
export function configKey(path: string): string {
  return `hubspot-trigger:${path}`;
}

/** Each secret the stack creates: the Cloud Run variable carrying it, its resource-name key and its config key. */
export const SECRETS = [
  { variable: "HUBSPOT_CLIENT_SECRET_PREVIOUS", resource: "previous-client-secret", config: "previousClientSecret" },
  { variable: "HUBSPOT_CLIENT_SECRET", resource: "client-secret", config: "clientSecret" },
  { variable: "HUBSPOT_ACCESS_TOKEN", resource: "access-token", config: "accessToken" },
] as const;
