/**
 * The listener role's environment, validated at start (every problem listed at once, see shared/env.ts).
 * Variables and defaults are documented in the README ("Environment variables (listener role)").
 */
import { bool, EnvError, int, oneOf, optional, readEnv, str, url } from "../shared/env";
import { parseTopicPath } from "../shared/pubsub";

export interface ListenerConfig {
  port: number;
  host: string;
  /** Current client secret first, then the previous one (rotation). */
  secrets: Buffer[];
  publicUrl: string | undefined;
  projectId: string | undefined;
  /** Full topic paths; undefined: no Pub/Sub (local JSON-lines sink). */
  eventsTopic: string | undefined;
  deadLetterTopic: string | undefined;
  emulatorHost: string | undefined;
  allowLegacySignatures: boolean;
  maxSkewMs: number;
  dedupWindowMs: number;
  dedupMaxEntries: number;
  messageOrdering: boolean;
  localSinkFile: string | undefined;
  maxBodyBytes: number;
  publishTimeoutMs: number;
  sink: "pubsub" | "jsonl" | "noop";
}

const MIB = 1024 * 1024;

export const LISTENER_ENV = {
  PORT: int({ default: 8080, min: 0, max: 65535 }), // 0: any free port (tests)
  HOST: optional(str()),
  HUBSPOT_CLIENT_SECRET: str({ secret: true, pattern: /^\S{8,}$/, rule: "at least 8 characters, no whitespace" }),
  HUBSPOT_CLIENT_SECRET_PREVIOUS: optional(
    str({ secret: true, pattern: /^\S{8,}$/, rule: "at least 8 characters, no whitespace" }),
  ),
  PUBLIC_URL: optional(url({ protocols: ["https:", "http:"] })),
  GOOGLE_CLOUD_PROJECT: optional(str({ pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, rule: "a GCP project id" })),
  EVENTS_TOPIC: optional(str()),
  DEAD_LETTER_TOPIC: optional(str()),
  PUBSUB_EMULATOR_HOST: optional(str({ pattern: /^[^\s/]+:\d+$/, rule: "host:port" })),
  ALLOW_LEGACY_SIGNATURES: bool({ default: false }),
  SIGNATURE_MAX_SKEW_SECONDS: int({ default: 300, min: 1, max: 3600 }),
  DEDUP_WINDOW_SECONDS: int({ default: 600, min: 0, max: 86_400 }),
  // The replay cache allocates ~43 bytes per entry up front: 1,000,000 is ~43 MB of a 512 MiB Cloud Run instance.
  DEDUP_MAX_ENTRIES: int({ default: 100_000, min: 1, max: 1_000_000 }),
  MESSAGE_ORDERING: bool({ default: false }),
  LOCAL_SINK_FILE: optional(str()),
  MAX_BODY_BYTES: int({ default: MIB, min: 1024, max: 32 * MIB }),
  PUBLISH_TIMEOUT_MS: int({ default: 3000, min: 100, max: 60_000 }),
  LISTENER_SINK: oneOf(["auto", "pubsub", "jsonl", "noop"] as const, { default: "auto" }),
};

export function readListenerConfig(source: NodeJS.ProcessEnv): ListenerConfig {
  const env = readEnv(LISTENER_ENV, source);
  const problems: string[] = [];
  const topic = (name: "EVENTS_TOPIC" | "DEAD_LETTER_TOPIC"): string | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    try {
      return parseTopicPath(value, env.GOOGLE_CLOUD_PROJECT).path;
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const eventsTopic = topic("EVENTS_TOPIC");
  const deadLetterTopic = topic("DEAD_LETTER_TOPIC");
  const sink = env.LISTENER_SINK === "auto" ? (env.EVENTS_TOPIC ? "pubsub" : "jsonl") : env.LISTENER_SINK;
  if (sink === "pubsub") {
    if (!env.EVENTS_TOPIC) problems.push("EVENTS_TOPIC: is missing; the rule is: required when publishing to Pub/Sub");
    // Signed but malformed events must land somewhere durable, never be dropped.
    if (!env.DEAD_LETTER_TOPIC)
      problems.push("DEAD_LETTER_TOPIC: is missing; the rule is: required when EVENTS_TOPIC is set");
  }
  if (
    env.HUBSPOT_CLIENT_SECRET_PREVIOUS !== undefined &&
    env.HUBSPOT_CLIENT_SECRET_PREVIOUS === env.HUBSPOT_CLIENT_SECRET
  ) {
    problems.push(
      "HUBSPOT_CLIENT_SECRET_PREVIOUS: equals HUBSPOT_CLIENT_SECRET; the rule is: the secret before rotation, or unset",
    );
  }
  if (problems.length > 0) throw new EnvError(problems);
  const secrets = [Buffer.from(env.HUBSPOT_CLIENT_SECRET)];
  if (env.HUBSPOT_CLIENT_SECRET_PREVIOUS) secrets.push(Buffer.from(env.HUBSPOT_CLIENT_SECRET_PREVIOUS));
  return {
    port: env.PORT,
    // Cloud Run (K_SERVICE set) needs every interface; locally only loopback, so a laptop does not expose the port.
    host: env.HOST ?? (source.K_SERVICE ? "0.0.0.0" : "127.0.0.1"),
    secrets,
    publicUrl: env.PUBLIC_URL,
    projectId: env.GOOGLE_CLOUD_PROJECT ?? (eventsTopic ? eventsTopic.split("/")[1] : undefined),
    eventsTopic,
    deadLetterTopic,
    emulatorHost: env.PUBSUB_EMULATOR_HOST,
    allowLegacySignatures: env.ALLOW_LEGACY_SIGNATURES,
    maxSkewMs: env.SIGNATURE_MAX_SKEW_SECONDS * 1000,
    dedupWindowMs: env.DEDUP_WINDOW_SECONDS * 1000,
    dedupMaxEntries: env.DEDUP_MAX_ENTRIES,
    messageOrdering: env.MESSAGE_ORDERING,
    localSinkFile: env.LOCAL_SINK_FILE,
    maxBodyBytes: env.MAX_BODY_BYTES,
    publishTimeoutMs: env.PUBLISH_TIMEOUT_MS,
    sink,
  };
}
