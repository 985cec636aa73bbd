/**
 * Production sink: one Pub/Sub message per event on the events topic, dead letters on the dead-letter topic (which
 * may live in another project). `publish` waits for every message's acknowledgement (Promise.allSettled, so a
 * failure never leaves siblings unobserved) and rejects if any failed: the listener then answers 503 and HubSpot
 * retries the whole batch. With ordering on, a failed ordering key is resumed so later batches can publish (the
 * client drops an idle failed key's queue by itself; a key with messages still queued stays paused until resumed).
 */
import type { PubSub, Topic } from "@google-cloud/pubsub";
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { openTopic, publishDeadLetter } from "../../shared/pubsub";
import { eventAttributes, type DeadLetter, type EventSink, type ReadyState } from "./sink";

export interface PubSubSinkOptions {
  pubsub: PubSub;
  /** Full paths `projects/P/topics/T`. */
  eventsTopic: string;
  deadLetterTopic: string;
  messageOrdering: boolean;
  publishTimeoutMs: number;
}

// gRPC PERMISSION_DENIED: the listener's account may publish but not read topic metadata; the API still answered.
const PERMISSION_DENIED = 7;
const READY_CACHE_MS = 10_000;

export class PublishError extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly firstError: unknown,
  ) {
    super(
      `${failed} of ${total} messages were not acknowledged: ${(firstError as Error)?.message ?? String(firstError)}`,
    );
    this.name = "PublishError";
  }
}

export class PubSubSink implements EventSink {
  readonly kind = "pubsub";
  private readonly events: Topic;
  private readonly deadLetters: Topic;
  private lastReady: { at: number; state: ReadyState } | undefined;

  constructor(private readonly options: PubSubSinkOptions) {
    this.events = openTopic(options.pubsub, options.eventsTopic, {
      messageOrdering: options.messageOrdering,
      publishTimeoutMs: options.publishTimeoutMs,
    });
    // Dead letters are rare: no batching delay.
    this.deadLetters = openTopic(options.pubsub, options.deadLetterTopic, {
      publishTimeoutMs: options.publishTimeoutMs,
      maxMilliseconds: 0,
    });
  }

  async publish(payloads: readonly ConnectorEventPayload[]): Promise<void> {
    const ordering = this.options.messageOrdering;
    const results = await Promise.allSettled(
      payloads.map((payload) =>
        this.events.publishMessage({
          data: Buffer.from(JSON.stringify(payload)),
          attributes: eventAttributes(payload),
          ...(ordering ? { orderingKey: `${payload.objectType}:${payload.objectId}` } : {}),
        }),
      ),
    );
    this.throwIfAnyFailed(results, (index) => {
      if (ordering) this.events.resumePublishing(`${payloads[index].objectType}:${payloads[index].objectId}`);
    });
  }

  async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    const results = await Promise.allSettled(
      letters.map((letter) =>
        publishDeadLetter(this.deadLetters, letter.data, { reason: letter.reason, reasonDetail: letter.reasonDetail }),
      ),
    );
    this.throwIfAnyFailed(results, () => {});
  }

  async ready(): Promise<ReadyState> {
    const now = Date.now();
    if (this.lastReady && now - this.lastReady.at < READY_CACHE_MS) return this.lastReady.state;
    const state = await this.checkTopic();
    this.lastReady = { at: now, state };
    return state;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.flush(), this.deadLetters.flush()]);
    await this.options.pubsub.close();
  }

  private async checkTopic(): Promise<ReadyState> {
    try {
      await this.events.getMetadata({ timeout: 2000, retry: null });
      return { ready: true, detail: `topic ${this.options.eventsTopic} reachable` };
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === PERMISSION_DENIED)
        return { ready: true, detail: `topic ${this.options.eventsTopic} reachable (no metadata permission)` };
      return { ready: false, detail: `topic ${this.options.eventsTopic} unreachable: ${(error as Error).message}` };
    }
  }

  private throwIfAnyFailed(results: PromiseSettledResult<string>[], onFailure: (index: number) => void): void {
    let failed = 0;
    let firstCause: unknown;
    results.forEach((result, index) => {
      if (result.status === "fulfilled") return;
      failed++;
      firstCause ??= result.reason;
      onFailure(index);
    });
    if (failed > 0) throw new PublishError(failed, results.length, firstCause);
  }
}
