/**
 * The runtime's environment, declared once: every variable of each Cloud Run role with its type, default, rule and
 * description. The components write exactly these names (components/runtime-env.ts, typed from the schemas' input
 * keys), the runtime reads them through these schemas (runtime/listener/config.ts, runtime/dispatcher/config.ts),
 * and docs/runtime-environment.md is generated from them.
 *
 * Rules between variables (a topic needs a project, enrichment needs a token) stay with the role that reads them.
 */
import { z } from "zod";
import { TRIGGER_TABLE_RULE, TRIGGER_TABLE_VARIABLE, triggerTableFromJson } from "./runtime-env-triggers";
import { HUBSPOT_PROPERTY } from "./stack-config/rules";
import { DEFAULT_HUBSPOT_API_BASE_URL, PROXY_AUTH_SCHEMES, PROXY_SSL_TYPES } from "./hubspot-transport";
import { DEFAULT_FLUSH_INTERVAL_MS } from "./status-store";
import {
  boolean,
  csv,
  integer,
  ipAddress,
  json,
  oneOf,
  optional,
  patternOf,
  required,
  text,
  topic,
  url,
  withDefault,
} from "./runtime-env-values";

export { EnvError, parseEnv } from "./runtime-env-values";

/** The roles one image runs; ROLE picks one. */
export const RUNTIME_ROLES = ["listener", "dispatcher"] as const;
export type RuntimeRole = (typeof RUNTIME_ROLES)[number];

const MIB = 1024 * 1024;
const PROJECT_ID = text(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a GCP project id");
const HOST_PORT = text(/^[^\s/]+:\d{1,5}$/, "host:port");
// Firestore database ids: 4-63 of a-z, 0-9 and -, a letter first, no trailing hyphen
// (https://cloud.google.com/firestore/docs/manage-databases#database_id).
const FIRESTORE_DATABASE_ID = text(/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/, "a Firestore database id");
const LOOPBACK_HOST = "`0.0.0.0` on Cloud Run (`K_SERVICE` set), else `127.0.0.1`";
// What runtime/shared/log.ts accepts (WARN as WARNING), any case.
const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "WARNING", "ERROR"] as const;
// The stack config's rule: what it validates is what the dispatcher accepts.
const PROPERTY_LIST = csv(patternOf(HUBSPOT_PROPERTY), HUBSPOT_PROPERTY.rule);

/** Read by runtime/main.ts before either role. */
const ROLE_SHAPE = {
  ROLE: withDefault(oneOf(RUNTIME_ROLES), "listener", { description: "The role this container runs." }),
};

/** Variables both roles read the same way. */
const COMMON_SHAPE = {
  HOST: optional(text(), { whenUnset: LOOPBACK_HOST, description: "The interface the server listens on." }),
  K_SERVICE: optional(text(), {
    whenUnset: "unset (not on Cloud Run)",
    description: "Set by Cloud Run: the service's name; its presence makes the default HOST every interface.",
  }),
  PUBSUB_EMULATOR_HOST: optional(HOST_PORT, {
    whenUnset: "unset (Pub/Sub itself)",
    description: "The Pub/Sub emulator to talk to instead of Pub/Sub (tests, local runs).",
  }),
  LOG_LEVEL: withDefault(oneOf(LOG_LEVELS, { ignoreCase: true }), "INFO", {
    description: "The lowest severity logged, any case (the listener logs accepted batches at DEBUG).",
  }),
  // The status store (contract/status-store.ts, docs/status.md): both roles record their signals there.
  STATUS_DATABASE: optional(FIRESTORE_DATABASE_ID, {
    whenUnset: "unset (no status recorded)",
    description: "The Firestore database (id, in GOOGLE_CLOUD_PROJECT) the live status signals are written to.",
  }),
  STATUS_FLUSH_SECONDS: withDefault(integer(1, 3600), DEFAULT_FLUSH_INTERVAL_MS / 1000, {
    description: "The shortest interval between two status writes of one instance to one document.",
  }),
  FIRESTORE_EMULATOR_HOST: optional(HOST_PORT, {
    whenUnset: "unset (Firestore itself)",
    description: "The Firestore emulator to write status to instead of Firestore (tests, local runs).",
  }),
};

export const ROLE_ENV_SCHEMA = z.object(ROLE_SHAPE);

export const LISTENER_ENV_SCHEMA = z.object({
  ...ROLE_SHAPE,
  PORT: withDefault(integer(0, 65535), 8080, {
    description: "The port to listen on; Cloud Run sets it. 0 takes any free port (tests).",
  }),
  ...COMMON_SHAPE,
  HUBSPOT_CLIENT_SECRET: required(text(/^\S{8,}$/, "at least 8 characters, no whitespace"), {
    secret: true,
    description:
      "The HubSpot app's client secret, which signs every webhook request (from Secret Manager on Cloud Run).",
  }),
  HUBSPOT_CLIENT_SECRET_PREVIOUS: optional(text(/^\S{8,}$/, "at least 8 characters, no whitespace"), {
    secret: true,
    whenUnset: "unset (no rotation)",
    description: "The secret before a rotation, also accepted until it ends; must differ from HUBSPOT_CLIENT_SECRET.",
  }),
  PUBLIC_URL: optional(url(), {
    whenUnset: "`https://` + Host + path",
    description: "The exact webhook URL registered in HubSpot: v2 and v3 signatures cover it.",
  }),
  GOOGLE_CLOUD_PROJECT: optional(PROJECT_ID, {
    whenUnset: "the project of EVENTS_TOPIC",
    description: "The project of bare topic names and of log trace links.",
  }),
  EVENTS_TOPIC: optional(topic(), {
    whenUnset: "unset (local JSON-lines sink)",
    description: "Where each event is published; a bare name needs GOOGLE_CLOUD_PROJECT.",
  }),
  DEAD_LETTER_TOPIC: optional(topic(), {
    whenUnset: "required when publishing to Pub/Sub",
    description: "Where signed but malformed events go (may be in another project).",
  }),
  ALLOW_LEGACY_SIGNATURES: withDefault(boolean(), false, {
    description: "Accept v1/v2 signatures (X-HubSpot-Signature) besides v3.",
  }),
  SIGNATURE_MAX_SKEW_SECONDS: withDefault(integer(1, 3600), 300, {
    description: "The largest accepted difference between now and X-HubSpot-Request-Timestamp, either way.",
  }),
  DEDUP_WINDOW_SECONDS: withDefault(integer(0, 86_400), 600, {
    description: "How long an instance suppresses a replayed event; 0 turns replay suppression off.",
  }),
  // The replay cache allocates ~43 bytes per entry up front: 1,000,000 is ~43 MB of a 512 MiB Cloud Run instance.
  DEDUP_MAX_ENTRIES: withDefault(integer(1, 1_000_000), 100_000, {
    description: "The most replay keys an instance remembers (about 43 bytes each, allocated at start).",
  }),
  MESSAGE_ORDERING: withDefault(boolean(), false, {
    description: "Publish with ordering key `<objectType>:<objectId>` (the subscriptions must enable ordering).",
  }),
  LOCAL_SINK_FILE: optional(text(), {
    whenUnset: "unset (stdout)",
    description: "The file the JSON-lines sink appends to; ignored when publishing to Pub/Sub.",
  }),
  MAX_BODY_BYTES: withDefault(integer(1024, 32 * MIB), MIB, { description: "The largest request body accepted." }),
  PUBLISH_TIMEOUT_MS: withDefault(integer(100, 60_000), 3000, {
    description: "The whole budget of one publish, retries included; kept under HubSpot's 5 s timeout.",
  }),
  LISTENER_SINK: withDefault(oneOf(["auto", "pubsub", "jsonl", "noop"] as const), "auto", {
    description: "Where events go: auto (Pub/Sub when EVENTS_TOPIC is set, else JSON lines), or noop (benchmarks).",
  }),
});

/** Application Integration allows 50 concurrent executions per project by default. */
export const DEFAULT_MAX_CONCURRENT_EXECUTIONS = 50;
/** Below a 60 s push ack deadline with room for enrichment and the dead-letter publish. */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 45_000;
/** Pub/Sub's longest ack deadline is 600 s; an execution must end before the push request is abandoned. */
export const MAX_EXECUTION_TIMEOUT_MS = 590_000;

export const DISPATCHER_ENV_SCHEMA = z.object({
  ...ROLE_SHAPE,
  PORT: withDefault(integer(1, 65535), 8080, { description: "The port to listen on; Cloud Run sets it." }),
  ...COMMON_SHAPE,
  GOOGLE_CLOUD_PROJECT: required(PROJECT_ID, {
    description: "The service's project, and INTEGRATION_PROJECT's default.",
  }),
  DEAD_LETTER_TOPIC: required(topic({ fullPath: true }), {
    description: "Where events that cannot be executed go (may be in another project).",
  }),
  [TRIGGER_TABLE_VARIABLE]: required(json(TRIGGER_TABLE_RULE, triggerTableFromJson), {
    description: "The trigger table: which push subscription executes which integration trigger (see below).",
  }),
  INTEGRATION_PROJECT: optional(PROJECT_ID, {
    whenUnset: "GOOGLE_CLOUD_PROJECT",
    description: "The project of the integrations.",
  }),
  INTEGRATION_LOCATION: required(text(/^[a-z]+(-[a-z0-9]+)+$/, "a GCP region such as europe-west1"), {
    description: "The region of the integrations.",
  }),
  INTEGRATIONS_ENDPOINT: withDefault(url(), "https://integrations.googleapis.com", {
    description: "The Application Integration API; plain http only on loopback (stand-ins).",
  }),
  MAX_CONCURRENT_EXECUTIONS: withDefault(integer(1, 10_000), DEFAULT_MAX_CONCURRENT_EXECUTIONS, {
    description: "Concurrent executions per instance; beyond it a push is answered 429 and retried.",
  }),
  EXECUTION_TIMEOUT_MS: withDefault(integer(100, MAX_EXECUTION_TIMEOUT_MS), DEFAULT_EXECUTION_TIMEOUT_MS, {
    description: "How long one execution may take; must stay below the subscription's ack deadline.",
  }),
  MAX_DELIVERY_ATTEMPTS: optional(integer(5, 100), {
    whenUnset: "unknown: a failure on the last attempt is counted as a failure only",
    description:
      "The push subscriptions' dead-letter maxDeliveryAttempts: a failure on that attempt is counted in the status store as a dead letter, since Pub/Sub forwards the message there.",
  }),
  HUBSPOT_ACCESS_TOKEN: optional(text(/^\S+$/, "a private-app token without spaces"), {
    secret: true,
    whenUnset: "required when an ENRICHMENT_*_PROPERTIES list is set",
    description: "The token enrichment reads HubSpot with (from Secret Manager on Cloud Run).",
  }),
  HUBSPOT_API_BASE_URL: withDefault(url(), DEFAULT_HUBSPOT_API_BASE_URL, {
    description: "The HubSpot API; plain http only on loopback (stand-ins). TLS is verified against its host name.",
  }),
  HUBSPOT_API_ADDRESS: optional(ipAddress(), {
    whenUnset: "unset (the base URL's host is resolved by DNS)",
    description:
      "The IP to connect to for HUBSPOT_API_BASE_URL (a Private Service Connect endpoint); TLS still verified against the base URL's host name.",
  }),
  HUBSPOT_PROXY_HOST: optional(
    text(
      /^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/,
      "a host name or IP address",
    ),
    {
      whenUnset: "unset (no proxy: HubSpot is called directly)",
      description: "The proxy every HubSpot call goes through (the seed's proxy); needs HUBSPOT_PROXY_PORT.",
    },
  ),
  HUBSPOT_PROXY_PORT: optional(integer(1, 65535), {
    whenUnset: "required with HUBSPOT_PROXY_HOST",
    description: "The proxy's port.",
  }),
  HUBSPOT_PROXY_AUTH_SCHEME: withDefault(oneOf(PROXY_AUTH_SCHEMES), "NONE", {
    description: "How the dispatcher authenticates to the proxy: NONE, BASIC or DIGEST (RFC 7616, tunnels only).",
  }),
  HUBSPOT_PROXY_USERNAME: optional(text(/^[^:\s]+$/, "no colon, no whitespace"), {
    whenUnset: "required with BASIC and DIGEST",
    description: "The proxy user.",
  }),
  HUBSPOT_PROXY_PASSWORD: optional(text(/^[^\r\n]+$/, "a single line"), {
    secret: true,
    whenUnset: "required with BASIC and DIGEST",
    description: "The proxy user's password (from Secret Manager on Cloud Run); never logged.",
  }),
  HUBSPOT_PROXY_SSL_TYPE: withDefault(oneOf(PROXY_SSL_TYPES), "AUTO", {
    description:
      "AUTO|NEVER: plain HTTP to the proxy, https tunnelled; ALWAYS: TLS to the proxy, then the tunnel; TUNNEL: every destination tunnelled (docs/proxy.md).",
  }),
  ENRICHMENT_CONTACT_PROPERTIES: withDefault(PROPERTY_LIST, [], {
    description: "Contact properties read into each contact event; all three lists empty: no enrichment.",
  }),
  ENRICHMENT_COMPANY_PROPERTIES: withDefault(PROPERTY_LIST, [], {
    description: "Company properties read into each company event.",
  }),
  ENRICHMENT_DEAL_PROPERTIES: withDefault(PROPERTY_LIST, [], {
    description: "Deal properties read into each deal event.",
  }),
});

export type ListenerEnvName = keyof z.input<typeof LISTENER_ENV_SCHEMA>;
export type DispatcherEnvName = keyof z.input<typeof DISPATCHER_ENV_SCHEMA>;
export type ListenerEnv = z.output<typeof LISTENER_ENV_SCHEMA>;
export type DispatcherEnv = z.output<typeof DISPATCHER_ENV_SCHEMA>;

function namesOf<S extends z.ZodRawShape>(shape: S): { readonly [K in keyof S]: K } {
  return Object.fromEntries(Object.keys(shape).map((name) => [name, name])) as { readonly [K in keyof S]: K };
}

/** Each role's variable names, for code that names one variable (`LISTENER_ENV.EVENTS_TOPIC`). */
export const LISTENER_ENV = namesOf(LISTENER_ENV_SCHEMA.shape);
export const DISPATCHER_ENV = namesOf(DISPATCHER_ENV_SCHEMA.shape);
