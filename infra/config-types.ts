import type * as pulumi from "@pulumi/pulumi";

/**
 * The stack configuration after validation: the contract between `infra/config.ts` (which reads and checks the
 * `hubspot-trigger:*` keys of `Pulumi.<stack>.yaml`) and the program that turns it into components.
 * Defaults are applied here already; nothing downstream re-checks or re-defaults.
 */

import type { EventType } from "../contract/events";
export { EVENT_TYPES, type EventType } from "../contract/events";

export const REGISTRATION_MODES = ["api", "project", "manual"] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** One trigger: which HubSpot events start which Application Integration. Seed: "Type d'événement". */
export interface TriggerConfig {
  /** Seed naming rule: [a-z][a-z0-9-]*[a-z0-9], at most 49 characters, never starting with "goog". */
  name: string;
  /** At least one; no duplicates. */
  eventTypes: EventType[];
  /** HubSpot property names watched by the *.propertyChange types (one HubSpot subscription each); [] otherwise. */
  propertyNames: string[];
  /** Application Integration to execute; defaults to `integration.name`. */
  integration: string;
  /** Trigger id passed to `:execute`; defaults to `api_trigger/<integration>` as the integration editor names it. */
  triggerId: string;
  description?: string;
}

/** Where a secret's value comes from. Seed: "sélectionnez le secret Secret Manager ... puis la version". */
export type SecretSource =
  /** Created by this stack from Pulumi secret config (`pulumi config set --secret ...`). */
  | { kind: "managed"; value: pulumi.Output<string> }
  /** An existing Secret Manager secret (`projects/P/secrets/S` or a bare secret id in this project) and version. */
  | { kind: "existing"; secret: string; version: string };

export interface ScalingConfig {
  /** Seed's connection-node defaults: min 2, max 50; min <= max. */
  minInstances: number;
  maxInstances: number;
  /** Requests one instance serves at once (Cloud Run `maxInstanceRequestConcurrency`), 1..1000, default 80. */
  concurrency: number;
}

export interface DeadLetterConfig {
  /** Project holding the dead-letter topic; defaults to the stack's project. Seed: "ID du projet de lettres mortes". */
  projectId?: string;
  /** Topic name; generated when absent. Seed: "File d'attente de lettres mortes". */
  topic?: string;
  /** 5..100 (Pub/Sub's bounds), default 10. */
  maxDeliveryAttempts: number;
  /** How long the retention subscription keeps dead letters: 7..31 days, default 7. */
  retentionDays: number;
}

export interface RetryConfig {
  /** Pub/Sub retry policy backoff bounds, as durations like "10s" (0s..600s, min <= max). */
  minimumBackoff: string;
  maximumBackoff: string;
}

export interface PscConsumer {
  /** Consumer project id or number allowed to connect. */
  project: string;
  /** Endpoints it may create, >= 1. */
  connectionLimit: number;
}

/** Seed: "Activer la connectivité privée" and "Rattachement de service". */
export interface PrivateServiceConnectConfig {
  enabled: boolean;
  /** VPC network (name or self link) that hosts the internal load balancer. */
  network: string;
  /** CIDR of the PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT). */
  natSubnetCidr: string;
  /** CIDR of the proxy-only subnet (purpose REGIONAL_MANAGED_PROXY) the internal Application LB needs. */
  proxySubnetCidr: string;
  /** CIDR of the subnet that holds the load balancer's forwarding rule. */
  ilbSubnetCidr: string;
  /** ACCEPT_MANUAL list; may be empty in dev (nobody can connect until a consumer is added), required in prod. */
  consumerAcceptList: PscConsumer[];
}

/** Seed: "Propriétés des contacts / entreprises / offres": what the dispatcher reads back from HubSpot per object. */
export interface EnrichmentConfig {
  enabled: boolean;
  contactProperties: string[];
  companyProperties: string[];
  dealProperties: string[];
}

/** `hubspot-trigger:imageBuild` when enabled: `pulumi up` builds runtime/Dockerfile and pushes it. */
export interface ImageBuildConfig {
  /** Artifact Registry repository id the stack creates in `region`. Default `<connectionName>-<environment>-runtime`. */
  repository: string;
  /** Tag pushed with each build (Cloud Run runs the pushed digest). Default "latest". */
  tag?: string;
}

export interface SignatureConfig {
  /** Accept v1/v2 signatures (X-HubSpot-Signature) besides v3. Default false. */
  allowLegacy: boolean;
  /** Largest accepted |now - X-HubSpot-Request-Timestamp|, seconds; 1..300 (HubSpot's 5 minutes), default 300. */
  maxSkewSeconds: number;
}

/** How the listener URL gets into HubSpot (issue 4). */
export interface RegistrationConfig {
  mode: RegistrationMode;
  /** Public app id (required for `api`). */
  appId?: string;
  /** HubSpot webhook throttling, >= 5, default 10. */
  maxConcurrentRequests: number;
  /** Leave subscriptions in HubSpot when the stack deletes them (seed: "Conserver"). Default false. */
  retainOnDelete: boolean;
  /** Webhooks API path version. Default "v3". */
  apiVersion: "v3" | "2026-03";
  /** Developer API key or OAuth token for `api` mode, from secret config; absent in other modes. */
  credential?: { kind: "developerApiKey" | "oauthToken"; value: pulumi.Output<string> };
}

export interface StackConfig {
  /** The GCP project everything but an external dead-letter topic lives in (`gcp:project`). */
  project: string;
  /** Seed: "Région". Cloud Run, subnets and the Application Integration location. Default `gcp:region` or europe-west1. */
  region: string;
  /** Seed: "Nom de connexion": prefix of every resource name; same rules as trigger names. Default "hubspot". */
  connectionName: string;
  /** Value of the `env` label; defaults to the stack name. */
  environment: string;
  /** Extra labels on every resource that takes labels; `app` and `env` are always added. */
  labels: Record<string, string>;
  /** Container image of `runtime/` (both roles), built and pushed by the user. Exactly one of image and imageBuild. */
  image?: string;
  /** Present when the stack builds the image itself (`imageBuild.enabled`). */
  imageBuild?: ImageBuildConfig;
  /**
   * Default Application Integration, its location (default: region) and the project's concurrent-executions quota
   * (Application Integration's default 50; raise it only after Google raised the quota), which sizes the dispatcher.
   */
  integration: { name: string; location: string; concurrentExecutions?: number };
  triggers: TriggerConfig[];
  /** Members granted roles/connectors.admin (seed: "Administrateur des connecteurs"), e.g. "group:platform@acme.com". */
  admins: string[];
  scaling: ScalingConfig;
  deadLetter: DeadLetterConfig;
  retry: RetryConfig;
  /** Pub/Sub ordering keys per HubSpot object. Default false. */
  messageOrdering: boolean;
  /** Portals that install the HubSpot app (1 for a private app): sizes the capacity check. Default 1. */
  expectedPortals: number;
  /** How long a listener instance remembers a dedupKey to suppress replays, seconds. Default 600. */
  dedupWindowSeconds: number;
  privateServiceConnect: PrivateServiceConnectConfig;
  /** Seed: "Code secret du client": the app's client secret, the signature key. */
  clientSecret: SecretSource;
  /** The previous client secret, accepted during a rotation. */
  previousClientSecret?: SecretSource;
  /** Seed: "Jeton d'accès à l'application privée": used by enrichment. */
  accessToken?: SecretSource;
  enrichment: EnrichmentConfig;
  signature: SignatureConfig;
  /** Cloud Run deletion protection. Default false (true is recommended for prod). */
  deletionProtection: boolean;
  /** Enable the Google APIs the stack uses (never disabled on destroy). Default true; false where a platform team owns it. */
  enableApis: boolean;
  registration: RegistrationConfig;
}
