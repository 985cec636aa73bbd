import type * as pulumi from "@pulumi/pulumi";
import type { EventType } from "../contract/events";
import type { ProxyAuthScheme, ProxySslType } from "../contract/hubspot-transport";
import type { ApiVersion, CredentialKind } from "./hubspot/types";

/**
 * The arguments of `HubSpotTrigger`, owned by the library. `pulumi.Input` where a value may come from another
 * resource or be secret (project, region, image, secrets, network); plain where the value decides which resources
 * exist or how they are named (triggers, admins, scaling numbers, enabled flags, names). Every section is optional:
 * `defaults.ts` fills in what is left out, in one place.
 */

/** One trigger: which HubSpot events start which Application Integration. Seed: "Type d'événement". */
export interface TriggerArgs {
  /** Seed naming rule: [a-z][a-z0-9-]*[a-z0-9], at most 49 characters, never starting with "goog". */
  readonly name: string;
  /** At least one, each once. */
  readonly eventTypes: readonly EventType[];
  /** HubSpot properties watched by the *.propertyChange types (one HubSpot subscription each). Default []. */
  readonly propertyNames?: readonly string[];
  /** Application Integration to execute. Default `integration.name`; one of the two is required. */
  readonly integration?: string;
  /** Trigger id passed to `:execute`. Default `api_trigger/<integration>`, as the integration editor names it. */
  readonly triggerId?: string;
  readonly description?: string;
  /**
   * What happens in HubSpot to this trigger's subscriptions when the stack stops declaring them (seed, on edit:
   * "Conserver" / "Supprimer"). Default: `registration.retainOnDelete` ("keep" when true). A subscription several
   * triggers share is kept when any of them says keep.
   */
  readonly onRemove?: "keep" | "delete";
}

/** A secret Secret Manager already holds: only its accessor binding is created. */
export interface ExistingSecretArgs {
  /** A secret id in `project`, or `projects/P/secrets/S` in another project. */
  readonly secret: string;
  /** A version number or "latest". Default "latest". */
  readonly version?: string;
}

/**
 * Where a secret's value comes from: a value (a Pulumi secret, e.g. `config.requireSecret(...)`), stored by the
 * component in a Secret Manager secret it creates; or an existing Secret Manager secret.
 * Seed: "sélectionnez le secret Secret Manager ... puis la version".
 */
export type SecretArgs = pulumi.Input<string> | ExistingSecretArgs;

export interface ScalingArgs {
  /** Seed's connection-node defaults: min 2, max 50; min <= max. */
  readonly minInstances?: number;
  readonly maxInstances?: number;
  /** Requests one instance serves at once (Cloud Run `maxInstanceRequestConcurrency`), 1..1000. Default 80. */
  readonly concurrency?: number;
}

export interface DeadLetterArgs {
  /** Project of the dead-letter topic. Default: `project`. Seed: "ID du projet de lettres mortes". */
  readonly projectId?: pulumi.Input<string>;
  /** Topic name; generated when absent. Seed: "File d'attente de lettres mortes". */
  readonly topic?: pulumi.Input<string>;
  /**
   * An existing topic, `projects/P/topics/T`, instead of one the component creates (not with `projectId`/`topic`):
   * never created nor deleted; the component binds its publishers and attaches its own retention subscription.
   */
  readonly existingTopic?: pulumi.Input<string>;
  /** 5..100 (Pub/Sub's bounds). Default 10. */
  readonly maxDeliveryAttempts?: number;
  /** How long the retention subscription keeps dead letters: 7..31 days. Default 7. */
  readonly retentionDays?: number;
}

/**
 * Existing service accounts, by email, used instead of the ones the component creates (seed: "compte de service").
 * Each gets the same narrow roles a created one would; none may be a Google default account, and no two roles may
 * share one (a shared account holds both roles' rights).
 */
export interface ServiceAccountsArgs {
  /** Runs the listener: reads the client secret, publishes events. */
  readonly listener?: pulumi.Input<string>;
  /** The seed's trigger service account: runs the dispatcher, holds roles/integrations.integrationInvoker. */
  readonly trigger?: pulumi.Input<string>;
  /** Signs the push subscriptions' OIDC tokens; the only invoker of the dispatcher. */
  readonly push?: pulumi.Input<string>;
}

export interface RetryArgs {
  /** Pub/Sub retry backoff bounds, durations like "10s" (0s..600s, min <= max). Defaults "10s" and "600s". */
  readonly minimumBackoff?: pulumi.Input<string>;
  readonly maximumBackoff?: pulumi.Input<string>;
}

export interface PscConsumerArgs {
  /** Consumer project id or number allowed to connect. */
  readonly project: string;
  /** Endpoints it may create, >= 1. */
  readonly connectionLimit: number;
}

/** Seed: "Activer la connectivité privée" and "Rattachement de service". */
export interface PrivateServiceConnectSettings {
  /** Default false: nothing below is created. */
  readonly enabled?: boolean;
  /** VPC network (name or self link) that hosts the internal load balancer. Default "default". */
  readonly network?: pulumi.Input<string>;
  /** CIDR of the PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT). */
  readonly natSubnetCidr?: pulumi.Input<string>;
  /** CIDR of the proxy-only subnet (purpose REGIONAL_MANAGED_PROXY) the internal Application LB needs. */
  readonly proxySubnetCidr?: pulumi.Input<string>;
  /** CIDR of the subnet that holds the load balancer's forwarding rule. */
  readonly ilbSubnetCidr?: pulumi.Input<string>;
  /** ACCEPT_MANUAL list: nobody can connect until a consumer is listed. Default []. */
  readonly consumerAcceptList?: readonly PscConsumerArgs[];
}

/** Seed: "Propriétés des contacts / entreprises / offres": what the dispatcher reads back from HubSpot per object. */
export interface EnrichmentArgs {
  /** Default: on when any property list is non-empty. Needs `accessToken`. */
  readonly enabled?: boolean;
  readonly contactProperties?: readonly string[];
  readonly companyProperties?: readonly string[];
  readonly dealProperties?: readonly string[];
}

/** Seed "Destinations": HubSpot's API as every outbound call (enrichment, registration) reaches it. */
export interface DestinationArgs {
  /** HubSpot's API base URL, https only. Default https://api.hubapi.com. TLS is verified against its host name. */
  readonly host?: string;
  /**
   * A Private Service Connect service attachment (`projects/P/regions/R/serviceAttachments/S`) that leads to `host`:
   * the stack creates an endpoint to it in `egress`'s subnetwork and the dispatcher calls HubSpot through it.
   */
  readonly serviceAttachment?: pulumi.Input<string>;
}

/** Seed proxy fields: the proxy every outbound HubSpot call goes through. The password is `proxyPassword`. */
export interface ProxyArgs {
  /** Default false. */
  readonly enabled?: boolean;
  readonly host?: string;
  /** Default 3128. */
  readonly port?: number;
  /** Default NONE. */
  readonly authScheme?: ProxyAuthScheme;
  readonly username?: string;
  /** Default AUTO. */
  readonly sslType?: ProxySslType;
}

/** Cloud Run Direct VPC egress for the dispatcher (the component that calls HubSpot). */
export interface EgressArgs {
  /** VPC network name or self link; default: the subnetwork's. */
  readonly network?: pulumi.Input<string>;
  /** Subnetwork in `region`; default: the one named as the network. Holds the PSC endpoint of a service attachment. */
  readonly subnetwork?: pulumi.Input<string>;
  /** Route all the dispatcher's traffic through the VPC, not only private ranges. Default false. */
  readonly allTraffic?: boolean;
}

export interface SignatureArgs {
  /** Accept v1/v2 signatures (X-HubSpot-Signature) besides v3. Default false. */
  readonly allowLegacy?: boolean;
  /** Largest accepted |now - X-HubSpot-Request-Timestamp|, seconds; 1..300 (HubSpot's 5 minutes). Default 300. */
  readonly maxSkewSeconds?: number;
}

/** Build runtime/Dockerfile in `pulumi up` and push it to an Artifact Registry repository the component creates. */
export interface ImageBuildArgs {
  /** Repository id, created in `region`. */
  readonly repository: string;
  /** Tag pushed with each build (Cloud Run runs the pushed digest). Default "latest". */
  readonly tag?: string;
}

export interface IntegrationArgs {
  /** The Application Integration a trigger executes when it names none. */
  readonly name?: string;
  /** Its location. Default: `region`. */
  readonly location?: pulumi.Input<string>;
  /**
   * The project's concurrent-executions quota (Application Integration's default 50; raise it only after Google
   * raised the quota): sizes the dispatcher.
   */
  readonly concurrentExecutions?: number;
}

/** Cloud Monitoring alert policies and a dashboard (docs/alerts.md). Percentages are of requests or executions. */
export interface AlertsArgs {
  /** Default true. */
  readonly enabled?: boolean;
  /** Existing channels `projects/P/notificationChannels/N` every policy notifies. Default []. */
  readonly notificationChannels?: readonly string[];
  /** Alert when the dead-letter retention subscription holds more messages than this. Default 0. */
  readonly deadLetterBacklog?: number;
  /** Alert when a trigger's push subscription holds a message older than this, seconds. Default 900. */
  readonly messageAgeSeconds?: number;
  /** Default 5. */
  readonly listener5xxPercent?: number;
  /** Default 10. */
  readonly signatureRejectionPercent?: number;
  /** Default 10. */
  readonly executionFailurePercent?: number;
  /** The sliding window of the three ratios, seconds. Default 300. */
  readonly windowSeconds?: number;
}

/** Connectors v1 AuthConfig.authType values. */
export type ConnectorAuthType =
  | "USER_PASSWORD"
  | "OAUTH2_JWT_BEARER"
  | "OAUTH2_CLIENT_CREDENTIALS"
  | "SSH_PUBLIC_KEY"
  | "OAUTH2_AUTH_CODE_FLOW"
  | "GOOGLE_AUTHENTICATION"
  | "AUTH_TYPE_UNSPECIFIED";

/**
 * The connector-specific keys of the connection (Google documents them only in the connector version's templates;
 * docs/managed-backend.md#connector-keys). Defaults: `MANAGED_DEFAULTS.connectorKeys` of the stack config.
 */
export interface ConnectorKeysArgs {
  readonly authType?: ConnectorAuthType;
  readonly authKey?: string;
  readonly tokenVariable?: string;
  readonly listenerAuthType?: ConnectorAuthType;
  readonly listenerAuthKey?: string;
  readonly clientSecretVariable?: string;
  readonly destination?: string;
}

/**
 * `backend: "managed"`: Google's HubSpot connector receives the webhooks (an Integration Connectors connection with
 * event subscription only) instead of the listener service. Seed: the connection form.
 */
export interface ManagedBackendArgs {
  /** `projects/P/locations/global/providers/gcp/connectors/hubspot/versions/N`. Required. */
  readonly connectorVersion: pulumi.Input<string>;
  /** Connection nodes. Defaults 2 and 50 (seed); min <= max. */
  readonly minNodes?: number;
  readonly maxNodes?: number;
  /**
   * An existing account the connection runs as (seed "Compte de service"); default the listener account the component
   * creates. Not a Google default account.
   */
  readonly serviceAccount?: pulumi.Input<string>;
  /** Seed "Activer la connectivité privée". */
  readonly privateConnectivity?: { readonly enabled?: boolean; readonly allowlistedProjects?: readonly string[] };
  readonly connectorKeys?: ConnectorKeysArgs;
}

/** How the webhook URL gets into HubSpot. Without it nothing is registered there. */
export interface RegistrationArgs {
  /** api: through HubSpot's API (public apps); project: an hsmeta file for `hs project upload`; manual: steps. */
  readonly mode: "api" | "project" | "manual";
  /** Public app id (required for `api`). */
  readonly appId?: pulumi.Input<string>;
  /** HubSpot webhook throttling, >= 5. Default 10. */
  readonly maxConcurrentRequests?: number;
  /** Leave subscriptions in HubSpot when the stack deletes them (seed: "Conserver"). Default false. */
  readonly retainOnDelete?: boolean;
  /** Webhooks API path version. Default "v3". */
  readonly apiVersion?: ApiVersion;
  /** Developer API key or OAuth token for `api` mode (a secret). */
  readonly credential?: { readonly kind: CredentialKind; readonly value: pulumi.Input<string> };
}

export interface HubSpotTriggerArgs {
  /** The GCP project everything but an external dead-letter topic lives in. */
  readonly project: pulumi.Input<string>;
  /** Seed: "Région". Cloud Run, subnets, Artifact Registry and the default integration location. */
  readonly region: pulumi.Input<string>;
  /** Seed: "Nom de connexion": prefix of every resource name; same rules as trigger names. Default "hubspot". */
  readonly connectionName?: string;
  /** Value of the `env` label and part of every name. Default: the Pulumi stack name. */
  readonly environment?: string;
  /** Extra labels on every resource that takes labels; `app`, `env` and `component` are always set. */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Container image of `runtime/` (both roles), pushed by you. Exactly one of `image` and `imageBuild`. A plain
   * string in another project's Artifact Registry also gets Cloud Run's pull grant on that repository.
   */
  readonly image?: pulumi.Input<string>;
  readonly imageBuild?: ImageBuildArgs;
  readonly integration?: IntegrationArgs;
  /** At least one. */
  readonly triggers: readonly TriggerArgs[];
  /** Members granted roles/connectors.admin (seed: "Administrateur des connecteurs"). Default []. */
  readonly admins?: readonly string[];
  /** The listener's scaling; the dispatcher's is derived from it and the integration quota. */
  readonly scaling?: ScalingArgs;
  readonly deadLetter?: DeadLetterArgs;
  /** Existing runtime accounts; a role left out gets an account the component creates. */
  readonly serviceAccounts?: ServiceAccountsArgs;
  readonly retry?: RetryArgs;
  /** Pub/Sub ordering keys per HubSpot object. Default false. */
  readonly messageOrdering?: boolean;
  /** Portals that install the HubSpot app (1 for a private app): sizes the capacity check. Default 1. */
  readonly expectedPortals?: number;
  /** How long a listener instance remembers a dedupKey to suppress replays, seconds. Default 600. */
  readonly dedupWindowSeconds?: number;
  readonly privateServiceConnect?: PrivateServiceConnectSettings;
  /** Seed: "Code secret du client": the app's client secret, the signature key. */
  readonly clientSecret: SecretArgs;
  /** The previous client secret, accepted during a rotation. */
  readonly previousClientSecret?: SecretArgs;
  /** Seed: "Jeton d'accès à l'application privée": read by enrichment. */
  readonly accessToken?: SecretArgs;
  readonly enrichment?: EnrichmentArgs;
  readonly destination?: DestinationArgs;
  readonly proxy?: ProxyArgs;
  /** Seed "Mot de passe du proxy": required with proxy.authScheme BASIC or DIGEST. */
  readonly proxyPassword?: SecretArgs;
  /** Without it the dispatcher has no VPC egress; required with `destination.serviceAttachment`. */
  readonly egress?: EgressArgs;
  readonly signature?: SignatureArgs;
  /** Cloud Run deletion protection. Default false (true is recommended for production). */
  readonly deletionProtection?: boolean;
  /** Enable the Google APIs the stack uses in `project`. Default true; false where a platform team owns them. */
  readonly enableApis?: boolean;
  readonly registration?: RegistrationArgs;
  /** Who receives HubSpot's webhooks: the listener service (default "self-hosted") or Google's connector. */
  readonly backend?: "self-hosted" | "managed";
  /** Required with `backend: "managed"`, refused otherwise. */
  readonly managed?: ManagedBackendArgs;
  readonly alerts?: AlertsArgs;
  /** Longest integration execution the dispatcher waits for, seconds. Default 120: sets the push ack deadline. */
  readonly executionTimeoutSeconds?: number;
  /** Concurrent executions per dispatcher instance. Default: sized with the instance count to the project quota. */
  readonly maxConcurrentExecutions?: number;
  /** Secret Manager user-managed replication regions. Default: automatic replication. */
  readonly secretReplicaLocations?: readonly string[];
}

/** The sections as the sub-components take them, every default filled in (`defaults.ts`). */
export type ScalingConfig = Required<ScalingArgs>;
export type SignatureConfig = Required<SignatureArgs>;
export interface EnrichmentConfig {
  readonly enabled: boolean;
  contactProperties: string[];
  companyProperties: string[];
  dealProperties: string[];
}
export type PscConsumer = PscConsumerArgs;
