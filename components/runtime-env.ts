import * as pulumi from "@pulumi/pulumi";
import type { EventType } from "../contract/events";
import type { ProxySettings } from "../contract/hubspot-transport";
import type { EnrichmentConfig, SignatureConfig } from "./args";
import type { DispatcherEnvName, ListenerEnvName } from "../contract/runtime-env";
import { serializeTriggerTable } from "../contract/runtime-env-triggers";

/** A secret env var: Cloud Run reads the value from Secret Manager at start; it never passes through Pulumi. */
export interface SecretEnvRef {
  secret: pulumi.Input<string>;
  version: pulumi.Input<string>;
}

/** The environment of one Cloud Run container, split by how the value is delivered. */
export interface RuntimeEnv {
  plain: Record<string, pulumi.Input<string>>;
  secrets: Record<string, SecretEnvRef>;
}

/** Cloud Run sets PORT itself (it is reserved); HOST makes the server listen on every interface. */
const HOST = "0.0.0.0";

/** A role's variables by name: a name the role's schema (contract/runtime-env.ts) does not declare fails to compile. */
type EnvValues<Name extends string, Value> = { [K in Name]?: Value };

/** The variables that are set, in the order written (the order of the Cloud Run container's env list). */
function definedOnly<Value>(values: Partial<Record<string, Value>>): Record<string, Value> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, Value] => entry[1] !== undefined));
}

export interface ListenerEnvArgs {
  project: pulumi.Input<string>;
  /** The exact webhook URL registered in HubSpot: signatures v2/v3 cover it. */
  publicUrl: pulumi.Input<string>;
  /** Events topic name (in `project`). */
  eventsTopic: pulumi.Input<string>;
  /** Full `projects/P/topics/T` path: the dead letter may live in another project. */
  deadLetterTopic: pulumi.Input<string>;
  clientSecret: SecretEnvRef;
  previousClientSecret?: SecretEnvRef;
  signature: SignatureConfig;
  dedupWindowSeconds: number;
  messageOrdering: boolean;
  /** The status store's Firestore database id (STATUS_DATABASE). */
  statusDatabase?: pulumi.Input<string>;
}

/** The listener role's env, as its schema declares it (contract/runtime-env.ts; runtime/ reads it through it). */
export function listenerEnv(args: ListenerEnvArgs): RuntimeEnv {
  const secrets: EnvValues<ListenerEnvName, SecretEnvRef> = {
    HUBSPOT_CLIENT_SECRET: args.clientSecret,
    HUBSPOT_CLIENT_SECRET_PREVIOUS: args.previousClientSecret,
  };
  const plain: EnvValues<ListenerEnvName, pulumi.Input<string>> = {
    ROLE: "listener",
    HOST,
    PUBLIC_URL: args.publicUrl,
    GOOGLE_CLOUD_PROJECT: args.project,
    EVENTS_TOPIC: args.eventsTopic,
    DEAD_LETTER_TOPIC: args.deadLetterTopic,
    ALLOW_LEGACY_SIGNATURES: String(args.signature.allowLegacy),
    SIGNATURE_MAX_SKEW_SECONDS: String(args.signature.maxSkewSeconds),
    DEDUP_WINDOW_SECONDS: String(args.dedupWindowSeconds),
    MESSAGE_ORDERING: String(args.messageOrdering),
    STATUS_DATABASE: args.statusDatabase,
  };
  return { plain: definedOnly(plain), secrets: definedOnly(secrets) };
}

/** One entry of DISPATCHER_TRIGGERS: which subscription's pushes execute which integration trigger. */
export interface DispatcherTrigger {
  name: string;
  /** Short subscription name (the push body carries the full path; the dispatcher matches the last segment). */
  subscription: pulumi.Input<string>;
  eventTypes: EventType[];
  /** Properties its propertyChange types watch; [] = every property. */
  propertyNames: string[];
  integration: string;
  triggerId: string;
}

export interface DispatcherEnvArgs {
  project: pulumi.Input<string>;
  deadLetterTopic: pulumi.Input<string>;
  triggers: DispatcherTrigger[];
  integrationProject: pulumi.Input<string>;
  integrationLocation: pulumi.Input<string>;
  executionTimeoutSeconds: number;
  /** Concurrent integration executions per dispatcher instance; Application Integration allows 50 per project. */
  maxConcurrentExecutions: number;
  /** The push subscriptions' dead-letter maxDeliveryAttempts, so the status store knows a last attempt. */
  maxDeliveryAttempts?: number;
  accessToken?: SecretEnvRef;
  enrichment: EnrichmentConfig;
  /** How enrichment reaches HubSpot: base URL, the PSC endpoint's address, the proxy (its password from Secret Manager). */
  hubspot: {
    baseUrl: string;
    address?: pulumi.Input<string>;
    proxy?: Omit<ProxySettings, "password">;
    proxyPassword?: SecretEnvRef;
  };
  /** The status store's Firestore database id (STATUS_DATABASE). */
  statusDatabase?: pulumi.Input<string>;
}

/** The dispatcher role's env, as its schema declares it. Throws when enrichment has no token to read with. */
export function dispatcherEnv(args: DispatcherEnvArgs): RuntimeEnv {
  const triggers = pulumi.all(
    args.triggers.map((t) =>
      pulumi.output(t.subscription).apply((subscription) => ({
        name: t.name,
        subscription,
        eventTypes: t.eventTypes,
        propertyNames: t.propertyNames,
        integration: t.integration,
        triggerId: t.triggerId,
      })),
    ),
  );
  const plain: EnvValues<DispatcherEnvName, pulumi.Input<string>> = {
    ROLE: "dispatcher",
    HOST,
    GOOGLE_CLOUD_PROJECT: args.project,
    DEAD_LETTER_TOPIC: args.deadLetterTopic,
    DISPATCHER_TRIGGERS: triggers.apply(serializeTriggerTable),
    INTEGRATION_PROJECT: args.integrationProject,
    INTEGRATION_LOCATION: args.integrationLocation,
    MAX_CONCURRENT_EXECUTIONS: String(args.maxConcurrentExecutions),
    EXECUTION_TIMEOUT_MS: String(args.executionTimeoutSeconds * 1000),
    MAX_DELIVERY_ATTEMPTS: args.maxDeliveryAttempts === undefined ? undefined : String(args.maxDeliveryAttempts),
    STATUS_DATABASE: args.statusDatabase,
  };
  const secrets: EnvValues<DispatcherEnvName, SecretEnvRef> = {};
  if (args.enrichment.enabled) {
    if (!args.accessToken) {
      throw new Error("enrichment.enabled is true but no accessToken is configured: enrichment reads HubSpot with it");
    }
    plain.ENRICHMENT_CONTACT_PROPERTIES = args.enrichment.contactProperties.join(",");
    plain.ENRICHMENT_COMPANY_PROPERTIES = args.enrichment.companyProperties.join(",");
    plain.ENRICHMENT_DEAL_PROPERTIES = args.enrichment.dealProperties.join(",");
  }
  if (args.accessToken) secrets.HUBSPOT_ACCESS_TOKEN = args.accessToken;
  plain.HUBSPOT_API_BASE_URL = args.hubspot.baseUrl;
  plain.HUBSPOT_API_ADDRESS = args.hubspot.address;
  const proxy = args.hubspot.proxy;
  if (proxy) {
    plain.HUBSPOT_PROXY_HOST = proxy.host;
    plain.HUBSPOT_PROXY_PORT = String(proxy.port);
    plain.HUBSPOT_PROXY_AUTH_SCHEME = proxy.authScheme;
    plain.HUBSPOT_PROXY_USERNAME = proxy.username;
    plain.HUBSPOT_PROXY_SSL_TYPE = proxy.sslType;
    secrets.HUBSPOT_PROXY_PASSWORD = args.hubspot.proxyPassword;
  }
  return { plain: definedOnly(plain), secrets: definedOnly(secrets) };
}
