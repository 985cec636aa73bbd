import { createHash } from "node:crypto";
import { SETTINGS_HASH_LENGTH, subscriptionKey } from "../contract/subscription-key";

/**
 * Every GCP name the components generate, derived from (connection name, environment, trigger name, per-stack
 * suffix). Internal. Exported for testing: the property test in test/components/naming.spec.ts proves that the
 * names are valid for any environment and any valid trigger/connection name, and unique across triggers and stacks.
 *
 * Uniqueness across stacks that share a project comes from `suffix`: the hex of a per-stack `random.RandomId`, kept in
 * state so names never change between runs. Within one stack, distinct kinds of names differ by a fixed infix
 * ("events", "trigger-<name>", "dead-letter", ...) that no other kind can produce.
 */

/** Length of the hash appended when a name is shortened: 7 hex digits, like a short git id. */
const HASH_LENGTH = 7;

/** Bytes of the per-stack `random.RandomId`; its hex (8 characters) ends every generated name. */
export const SUFFIX_BYTES = 4;
const SUFFIX_PATTERN = /^[0-9a-f]{8}$/;

export const LIMITS = {
  serviceAccountId: { min: 6, max: 30 },
  pubsub: { min: 3, max: 255 },
  cloudRunService: { max: 49 },
  secretId: { max: 255 },
  label: { max: 63 },
  compute: { max: 63 },
  // https://cloud.google.com/firestore/docs/manage-databases#database_id
  firestoreDatabase: { min: 4, max: 63 },
  // Seed "Nom de connexion": at most 49 characters.
  connection: { max: 49 },
  // Connectors v1 event subscription ids: an RFC 1035 label (components/managed/validation.ts).
  eventSubscription: { max: 63 },
} as const;

export const PATTERNS = {
  serviceAccountId: /^[a-z][-a-z0-9]*[a-z0-9]$/,
  // Pub/Sub: starts with a letter, then letters, digits, - _ . ~ + %; never "goog".
  pubsub: /^[a-zA-Z][-a-zA-Z0-9_.~+%]*$/,
  cloudRunService: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  secretId: /^[a-zA-Z0-9_-]+$/,
  labelKey: /^[a-z][a-z0-9_-]*$/,
  labelValue: /^[a-z0-9_-]*$/,
  compute: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  firestoreDatabase: /^[a-z][a-z0-9-]*[a-z0-9]$/,
} as const;

/** The names of one trigger's resources. */
export interface TriggerNames {
  /**
   * The stable part of the trigger's subscription name; the subscription itself is named
   * `versionedSubscriptionName(subscriptionKey, settings)`, which changes when a replace-forcing setting does.
   */
  subscriptionKey: string;
}

/** Every name one `HubSpotTrigger` stack generates. */
export interface ResourceNames {
  /** Value of the `env` label. */
  environmentLabel: string;
  serviceAccounts: { listener: string; trigger: string; push: string };
  eventsTopic: string;
  deadLetterTopic: string;
  deadLetterSubscription: string;
  services: { listener: string; dispatcher: string };
  secrets: { clientSecret: string; previousClientSecret: string; accessToken: string; proxyPassword: string };
  /** The Private Service Connect endpoint to `destination.serviceAttachment`: its address and forwarding rule. */
  hubspotEndpoint: { address: string; forwardingRule: string };
  psc: {
    neg: string;
    backendService: string;
    urlMap: string;
    targetProxy: string;
    forwardingRule: string;
    proxySubnet: string;
    ilbSubnet: string;
    natSubnet: string;
    serviceAttachment: string;
  };
  triggers: Record<string, TriggerNames>;
  /** The status store: a named Firestore database, never the project's `(default)`. */
  statusDatabase: string;
  /** The managed backend's Integration Connectors connection (seed "Nom de connexion" rule). */
  connection: string;
}

export interface NameInputs {
  /** Validated connection name: `[a-z][a-z0-9-]*[a-z0-9]`, at most 49 characters, not starting with "goog". */
  connectionName: string;
  /** The stack's environment (defaults to the Pulumi stack name): any string; sanitized here. */
  environment: string;
  /** Validated trigger names (same rule as the connection name), unique. */
  triggerNames: string[];
  /** Hex of the per-stack RandomId, 8 lowercase hex digits. */
  suffix: string;
}

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * Fits `base` into `max` characters. Unchanged when it fits; otherwise a prefix plus "-" plus a hash of the whole
 * base, so two long names sharing a prefix still differ, and the same input always gives the same name.
 */
export function shorten(base: string, max: number): string {
  if (base.length <= max) return base;
  const head = base.slice(0, max - HASH_LENGTH - 1).replace(/[-_.]+$/, "");
  return `${head}-${shortHash(base)}`;
}

/**
 * An environment (often the Pulumi stack name: letters, digits, `-`, `_`, `.`) as a DNS-label-like word: lowercase,
 * other characters as hyphens, starting with a letter, at most 20 characters so every composed name stays readable.
 * A hash is added whenever sanitizing changed the value, so "Dev" and "dev" do not share a name part.
 */
export function environmentPart(environment: string): string {
  const sanitized = environment
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const part = sanitized === "" ? "env" : /^[a-z]/.test(sanitized) ? sanitized : `e${sanitized}`;
  if (part === environment && part.length <= 20) return part;
  const head = part.slice(0, 20 - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${head}-${shortHash(environment)}`;
}

/** A label value (at most 63 of `[a-z0-9_-]`) from any string; a hash keeps distinct inputs distinct when shortened. */
export function labelValue(value: string): string {
  const sanitized = value.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
  if (sanitized === value && sanitized.length <= LIMITS.label.max) return sanitized;
  return `${sanitized.slice(0, LIMITS.label.max - HASH_LENGTH - 1)}-${shortHash(value)}`;
}

function withSuffix(base: string, suffix: string, max: number): string {
  return `${shorten(base, max - suffix.length - 1)}-${suffix}`;
}

/** Service accounts: 6-30 characters. The role word is short so the connection name keeps most of the room. */
function serviceAccountId(connectionName: string, role: string, suffix: string): string {
  return withSuffix(`${connectionName}-${role}`, suffix, LIMITS.serviceAccountId.max);
}

/** Throws when a derived name breaks its rule: a bug here must never reach GCP as a confusing API error. */
function check(kind: string, name: string, pattern: RegExp, max: number, min = 1): string {
  if (name.length < min || name.length > max || !pattern.test(name) || name.startsWith("goog")) {
    throw new Error(`generated ${kind} name "${name}" breaks its rule (${min}-${max} characters matching ${pattern})`);
  }
  return name;
}

/** Derives every name of one stack. Throws on an invalid suffix; inputs are assumed validated by the config. */
export function resourceNames(inputs: NameInputs): ResourceNames {
  const { connectionName: conn, suffix } = inputs;
  if (!SUFFIX_PATTERN.test(suffix)) {
    throw new Error(`name suffix "${suffix}" must be ${SUFFIX_BYTES * 2} lowercase hex digits (a random.RandomId hex)`);
  }
  const env = environmentPart(inputs.environment);
  const stem = `${conn}-${env}`;
  const pubsub = (part: string) =>
    check("Pub/Sub", withSuffix(`${stem}-${part}`, suffix, LIMITS.pubsub.max), PATTERNS.pubsub, LIMITS.pubsub.max, 3);
  const run = (part: string) =>
    check(
      "Cloud Run service",
      withSuffix(`${stem}-${part}`, suffix, LIMITS.cloudRunService.max),
      PATTERNS.cloudRunService,
      LIMITS.cloudRunService.max,
    );
  const secret = (part: string) =>
    check("secret", withSuffix(`${stem}-${part}`, suffix, LIMITS.secretId.max), PATTERNS.secretId, LIMITS.secretId.max);
  const compute = (part: string) =>
    check("compute", withSuffix(`${stem}-${part}`, suffix, LIMITS.compute.max), PATTERNS.compute, LIMITS.compute.max);
  const account = (role: string) =>
    check(
      "service account",
      serviceAccountId(conn, role, suffix),
      PATTERNS.serviceAccountId,
      LIMITS.serviceAccountId.max,
      LIMITS.serviceAccountId.min,
    );

  const triggers: Record<string, TriggerNames> = {};
  for (const trigger of inputs.triggerNames) {
    // Room for "-" and the settings hash, so the versioned name still fits Pub/Sub's 255.
    const key = check(
      "Pub/Sub",
      withSuffix(`${stem}-trigger-${trigger}`, suffix, LIMITS.pubsub.max - SETTINGS_HASH_LENGTH - 1),
      PATTERNS.pubsub,
      LIMITS.pubsub.max,
      3,
    );
    triggers[trigger] = { subscriptionKey: key };
  }
  return {
    environmentLabel: labelValue(inputs.environment),
    serviceAccounts: { listener: account("listen"), trigger: account("trigger"), push: account("push") },
    eventsTopic: pubsub("events"),
    deadLetterTopic: pubsub("dead-letter"),
    deadLetterSubscription: pubsub("dead-letter-retention"),
    services: { listener: run("listener"), dispatcher: run("dispatcher") },
    secrets: {
      clientSecret: secret("client-secret"),
      previousClientSecret: secret("previous-client-secret"),
      accessToken: secret("access-token"),
      proxyPassword: secret("proxy-password"),
    },
    hubspotEndpoint: { address: compute("hubspot-api-address"), forwardingRule: compute("hubspot-api-endpoint") },
    psc: {
      neg: compute("neg"),
      backendService: compute("backend"),
      urlMap: compute("url-map"),
      targetProxy: compute("proxy"),
      forwardingRule: compute("forwarding-rule"),
      proxySubnet: compute("proxy-only-subnet"),
      ilbSubnet: compute("ilb-subnet"),
      natSubnet: compute("psc-nat-subnet"),
      serviceAttachment: compute("attachment"),
    },
    triggers,
    connection: check(
      "connection",
      withSuffix(stem, suffix, LIMITS.connection.max),
      PATTERNS.compute,
      LIMITS.connection.max,
    ),
    statusDatabase: check(
      "Firestore database",
      withSuffix(`${stem}-status`, suffix, LIMITS.firestoreDatabase.max),
      PATTERNS.firestoreDatabase,
      LIMITS.firestoreDatabase.max,
      LIMITS.firestoreDatabase.min,
    ),
  };
}

/**
 * The id of a trigger's event subscription for one event type on the managed connection: one per pair, since a
 * subscription has a single `eventTypeId`. Unique within the connection (trigger names are unique).
 */
export function eventSubscriptionId(triggerName: string, eventType: string): string {
  const base = `${triggerName}-${eventType.replace(".", "-").toLowerCase()}`;
  const id = base.length <= LIMITS.eventSubscription.max ? base : shorten(base, LIMITS.eventSubscription.max);
  return check("event subscription", id, PATTERNS.compute, LIMITS.eventSubscription.max);
}

/** The settings Pub/Sub can only change by replacing a subscription (filter, topic, enableMessageOrdering). */
export interface ImmutableSubscriptionSettings {
  filter: string;
  messageOrdering: boolean;
}

/**
 * A trigger subscription's name: its key plus a hash of the settings that force replacement. Editing one of them
 * gives a new name, and a new name makes Pulumi create the new subscription before deleting the old one (its default
 * for a replacement; with the same name it would have to delete first). The topic is not hashed: it only changes with
 * the connection name or environment, which change the key too. Throws when the result breaks Pub/Sub's rules.
 */
export function versionedSubscriptionName(key: string, settings: ImmutableSubscriptionSettings): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([settings.filter, settings.messageOrdering]))
    .digest("hex")
    .slice(0, SETTINGS_HASH_LENGTH);
  const name = check("Pub/Sub", `${key}-${hash}`, PATTERNS.pubsub, LIMITS.pubsub.max, 3);
  if (subscriptionKey(name) !== key) {
    throw new Error(`subscription key "${key}" must end with the 8-hex stack suffix so "${name}" maps back to it`);
  }
  return name;
}

/**
 * The deterministic URL Cloud Run gives every service (`https://<service>-<project number>.<region>.run.app`). The
 * listener needs its own public URL in its env (signatures cover the URL HubSpot called) before the service exists,
 * so it cannot come from the service's `uri` output. Service names stop at 49 characters so that this host label
 * (name + "-" + 12-digit number) fits DNS's 63.
 */
export function deterministicRunUrl(serviceName: string, projectNumber: string, region: string): string {
  return `https://${serviceName}-${projectNumber}.${region}.run.app`;
}
