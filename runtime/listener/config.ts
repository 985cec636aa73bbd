/**
 * The listener role's environment, validated at start against the contract's schema (contract/runtime-env.ts; every
 * variable, default and rule in docs/runtime-environment.md), plus the rules between variables. Every problem is
 * listed at once.
 */
import { EnvError, LISTENER_ENV_SCHEMA, parseEnv } from "../../contract/runtime-env";
import { parseTopicPath } from "../shared/pubsub";
import type { StatusStoreConfig } from "../shared/status";

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
  /** Where status signals go; undefined: not recorded (STATUS_DATABASE unset). */
  status?: StatusStoreConfig;
}

/**
 * Rules between variables, read on the raw values: they are reported together with every problem of the variables
 * themselves, not only once those are fixed.
 */
function rotationProblems(source: NodeJS.ProcessEnv): string[] {
  const previous = source.HUBSPOT_CLIENT_SECRET_PREVIOUS;
  if (previous === undefined || previous === "" || previous !== source.HUBSPOT_CLIENT_SECRET) return [];
  return [
    "HUBSPOT_CLIENT_SECRET_PREVIOUS: equals HUBSPOT_CLIENT_SECRET; the rule is: the secret before rotation, or unset",
  ];
}

export function readListenerConfig(source: NodeJS.ProcessEnv): ListenerConfig {
  const problems = rotationProblems(source);
  let env: ReturnType<typeof parseEnv<typeof LISTENER_ENV_SCHEMA>>;
  try {
    env = parseEnv(LISTENER_ENV_SCHEMA, source);
  } catch (error) {
    if (error instanceof EnvError) throw new EnvError([...error.problems, ...problems]);
    throw error;
  }
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
  if (problems.length > 0) throw new EnvError(problems);
  const secrets = [Buffer.from(env.HUBSPOT_CLIENT_SECRET)];
  const projectId = env.GOOGLE_CLOUD_PROJECT ?? (eventsTopic ? eventsTopic.split("/")[1] : undefined);
  if (env.HUBSPOT_CLIENT_SECRET_PREVIOUS) secrets.push(Buffer.from(env.HUBSPOT_CLIENT_SECRET_PREVIOUS));
  return {
    port: env.PORT,
    // Cloud Run (K_SERVICE set) needs every interface; locally only loopback, so a laptop does not expose the port.
    host: env.HOST ?? (env.K_SERVICE ? "0.0.0.0" : "127.0.0.1"),
    secrets,
    publicUrl: env.PUBLIC_URL,
    projectId,
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
    status: env.STATUS_DATABASE
      ? {
          databaseId: env.STATUS_DATABASE,
          projectId,
          flushIntervalMs: env.STATUS_FLUSH_SECONDS * 1000,
          emulatorHost: env.FIRESTORE_EMULATOR_HOST,
        }
      : undefined,
  };
}
