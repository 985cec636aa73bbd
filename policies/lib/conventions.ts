/**
 * The cross-team conventions the rules rely on to know which resource plays which part: resource type tokens
 * (checked against @pulumi/gcp 9.37 by test/policies/conventions.spec.ts), the label-taking types, the members and
 * agents IAM rules single out, and the stack config keys violations name. What the rest of the package shares with the
 * pack (event types, names, labels, service account roles, HTTP paths) is contract/, read through the generated copy
 * in ../vendor/contract.
 */
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
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  /** Google's HubSpot connector as an Integration Connectors connection: the listener of backend `managed`. */
  connection: "gcp:integrationconnectors/connection:Connection",
  /** The connection's eventing settings @pulumi/gcp cannot set (components/managed/connection-eventing.ts). */
  connectionEventing: "pulumi-nodejs:dynamic/connectors:ConnectionEventing",
  /** One event subscription of the connection, writing to the events topic (components/managed/event-subscription.ts). */
  eventSubscription: "pulumi-nodejs:dynamic/connectors:EventSubscription",
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
  TYPES.connection,
];

/** Types whose labels argument is `userLabels` (Cloud Monitoring's name for them), not `labels`. */
export const USER_LABELLED_TYPES: readonly string[] = [TYPES.alertPolicy];

/** Members that make a binding public. */
export const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"] as const;

/** The Pub/Sub service agent of any project: `service-<projectNumber>@gcp-sa-pubsub.iam.gserviceaccount.com`. */
export const PUBSUB_SERVICE_AGENT = /^serviceAccount:service-\d+@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

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
  { variable: "HUBSPOT_PROXY_PASSWORD", resource: "proxy-password", config: "proxyPassword" },
] as const;
