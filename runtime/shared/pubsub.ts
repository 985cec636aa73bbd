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
import { PubSub, type CallOptions, type Topic } from "@google-cloud/pubsub";

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

// gRPC codes the client's own config retries on (CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED,
// INTERNAL, UNAVAILABLE); we keep them and only shorten the total budget.
const RETRY_CODES = [1, 2, 4, 8, 10, 13, 14];

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

export async function publishDeadLetter(topic: Topic, data: Buffer, attributes: DeadLetterAttributes): Promise<string> {
  // Pub/Sub caps attribute values at 1024 bytes; a long detail must not make the dead letter itself fail.
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) safe[name] = truncateUtf8(value, 1024);
  return topic.publishMessage({ data, attributes: safe });
}

function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value;
  return (
    Buffer.from(value)
      .subarray(0, maxBytes - 3)
      .toString("utf8")
      .replace(/\uFFFD$/, "") + "..."
  );
}
