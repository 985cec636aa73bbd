/**
 * Pub/Sub plumbing shared by both roles, on `@google-cloud/pubsub`.
 *
 * API (stable):
 * - `createPubSub({ projectId, emulatorHost? })`: a client; with `emulatorHost` (PUBSUB_EMULATOR_HOST) it talks
 *   plain gRPC to the emulator, otherwise to pubsub.googleapis.com with Application Default Credentials.
 * - `parseTopicPath(value, defaultProject)`: `projects/P/topics/T` or a bare topic name -> `{ project, topic, path }`,
 *   with an error naming the rule when the value is neither.
 * - `openTopic(pubsub, path, options)`: a `Topic` whose publisher batches for throughput and gives up after
 *   `publishTimeoutMs` (the client's default retries a publish for 60 s per attempt, far past HubSpot's 5 s timeout;
 *   a publish that cannot succeed in time must fail so the caller answers 5xx and HubSpot retries).
 * - `publishDeadLetter(topic, data, attributes)`: publishes one message and resolves with its id only once Pub/Sub
 *   acknowledged it; `attributes` must carry `reason` (machine code) and `reasonDetail` (human text, no secret).
 */
import { createHash } from "node:crypto";
import { PubSub, type CallOptions, type Topic } from "@google-cloud/pubsub";
import { fitAttributeValue, PUBSUB_LIMITS } from "./pubsub-limits";

// What a dead letter keeps of data over the limit: room left for the attributes within the 10 MB request.
const DEAD_LETTER_KEPT_BYTES = 9_000_000;

export interface PubSubClientOptions {
  projectId: string;
  /** host:port of the Pub/Sub emulator (PUBSUB_EMULATOR_HOST). */
  emulatorHost?: string;
}

export function createPubSub(options: PubSubClientOptions): PubSub {
  if (options.emulatorHost) {
    // Explicit rather than relying on the client reading process.env, so tests can run several emulators.
    return new PubSub({ projectId: options.projectId, apiEndpoint: options.emulatorHost, emulatorMode: true });
  }
  return new PubSub({ projectId: options.projectId });
}

// The topic grammar is the environment contract's, so the schema and this reader accept the same values.
export { parseTopicPath, type TopicPath } from "../../contract/runtime-env-values";

export interface OpenTopicOptions {
  /** Give up on a publish after this long (ms), retries included. Default 3000: under HubSpot's 5 s timeout. */
  publishTimeoutMs?: number;
  /** Per-object ordering keys are used only when this is true (the topic's subscriptions must enable ordering). */
  messageOrdering?: boolean;
  /** Batch settings; defaults favour throughput while keeping added latency at 5 ms. */
  maxMessages?: number;
  maxMilliseconds?: number;
}

// Retried within the budget: the transient codes only (DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE).
// The client's own config also retries CANCELLED, UNKNOWN and INTERNAL, which is how one message the emulator cannot
// store made a whole batch retry for 3 s and then fail: those now fail at once, and the listener republishes each
// message of the failed RPC alone to find the one at fault (publish-failures.ts).
const RETRY_CODES = [4, 8, 10, 14];

export function publishCallOptions(publishTimeoutMs: number): CallOptions {
  return {
    timeout: publishTimeoutMs,
    retry: {
      retryCodes: RETRY_CODES,
      backoffSettings: {
        initialRetryDelayMillis: 50,
        retryDelayMultiplier: 2,
        maxRetryDelayMillis: 500,
        initialRpcTimeoutMillis: publishTimeoutMs,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: publishTimeoutMs,
        totalTimeoutMillis: publishTimeoutMs,
      },
    },
  };
}

export function openTopic(pubsub: PubSub, path: string, options: OpenTopicOptions = {}): Topic {
  const publishTimeoutMs = options.publishTimeoutMs ?? 3000;
  return pubsub.topic(path, {
    messageOrdering: options.messageOrdering ?? false,
    // HubSpot batches are <= 100 events; a 5 ms window lets concurrent requests share RPCs under load.
    batching: {
      maxMessages: options.maxMessages ?? 1000,
      maxMilliseconds: options.maxMilliseconds ?? 5,
      maxBytes: 9 * 1024 * 1024,
    },
    gaxOpts: publishCallOptions(publishTimeoutMs),
  });
}

export interface DeadLetterAttributes {
  /** Machine code, e.g. `invalid-event`, `integration-rejected`. */
  reason: string;
  /** Human text; never a secret. */
  reasonDetail: string;
  [name: string]: string;
}

/**
 * A dead letter must never be refused itself: attribute values are made to fit (they are our own texts), and data
 * beyond Pub/Sub's 10 MB (possible: the listener accepts bodies up to 32 MiB) keeps its first 9 MB, with the full
 * length and SHA-256 in attributes so the loss is stated, never silent.
 */
export async function publishDeadLetter(topic: Topic, data: Buffer, attributes: DeadLetterAttributes): Promise<string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) safe[name] = fitAttributeValue(value);
  if (data.length <= PUBSUB_LIMITS.dataBytes) return topic.publishMessage({ data, attributes: safe });
  safe.dataTruncated = "true";
  safe.dataBytes = String(data.length);
  safe.dataSha256 = createHash("sha256").update(data).digest("hex");
  return topic.publishMessage({ data: data.subarray(0, DEAD_LETTER_KEPT_BYTES), attributes: safe });
}
