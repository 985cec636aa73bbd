/**
 * Production sink: one Pub/Sub message per event on the events topic, dead letters on the dead-letter topic (which
 * may live in another project). `publish` answers one outcome per event (sink.ts): a message Pub/Sub would refuse
 * is never sent (sink.ts `eventMessage`), and one it refuses anyway is found and reported alone while its neighbours
 * are published (isolating-publish.ts); the caller dead-letters it.
 */
import type { PubSub, Topic } from "@google-cloud/pubsub";
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { openTopic, publishDeadLetter } from "../../shared/pubsub";
import type { MessageShape } from "../../shared/pubsub-limits";
import { grpcCode } from "../../shared/publish-failures";
import { publishIsolating } from "./isolating-publish";
import { eventMessage, type DeadLetter, type EventSink, type PublishOutcome, type ReadyState } from "./sink";

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
  /** The same topic without batching: a message republished here travels alone, so a refusal is its own. */
  private readonly eventsAlone: Topic;
  private readonly deadLetters: Topic;
  private lastReady: { at: number; state: ReadyState } | undefined;

  constructor(private readonly options: PubSubSinkOptions) {
    this.events = openTopic(options.pubsub, options.eventsTopic, {
      messageOrdering: options.messageOrdering,
      publishTimeoutMs: options.publishTimeoutMs,
    });
    this.eventsAlone = openTopic(options.pubsub, options.eventsTopic, {
      messageOrdering: options.messageOrdering,
      publishTimeoutMs: options.publishTimeoutMs,
      maxMessages: 1,
      maxMilliseconds: 0,
    });
    // Dead letters are rare: no batching delay.
    this.deadLetters = openTopic(options.pubsub, options.deadLetterTopic, {
      publishTimeoutMs: options.publishTimeoutMs,
      maxMilliseconds: 0,
    });
  }

  async publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]> {
    const outcomes = new Array<PublishOutcome>(payloads.length);
    const messages: MessageShape[] = [];
    const sentAt: number[] = [];
    payloads.forEach((payload, index) => {
      const built = eventMessage(payload, this.options.messageOrdering);
      if (!built.ok) outcomes[index] = built.outcome;
      else {
        messages.push(built.message);
        sentAt.push(index);
      }
    });
    const sent = await publishIsolating(this.events, this.eventsAlone, messages);
    sent.forEach((outcome, k) => {
      outcomes[sentAt[k]] =
        outcome.status === "refused"
          ? {
              status: "rejected",
              reason: "pubsub-rejected",
              detail: `Pub/Sub refused this event's message when published alone: ${outcome.detail}`,
            }
          : outcome;
    });
    return outcomes;
  }

  async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    const results = await Promise.allSettled(
      letters.map((letter) =>
        publishDeadLetter(this.deadLetters, letter.data, { reason: letter.reason, reasonDetail: letter.reasonDetail }),
      ),
    );
    let failed = 0;
    let firstCause: unknown;
    for (const result of results) {
      if (result.status === "fulfilled") continue;
      failed++;
      firstCause ??= result.reason;
    }
    if (failed > 0) throw new PublishError(failed, results.length, firstCause);
  }

  async ready(): Promise<ReadyState> {
    const now = Date.now();
    if (this.lastReady && now - this.lastReady.at < READY_CACHE_MS) return this.lastReady.state;
    const state = await this.checkTopic();
    this.lastReady = { at: now, state };
    return state;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.flush(), this.eventsAlone.flush(), this.deadLetters.flush()]);
    await this.options.pubsub.close();
  }

  private async checkTopic(): Promise<ReadyState> {
    try {
      await this.events.getMetadata({ timeout: 2000, retry: null });
      return { ready: true, detail: `topic ${this.options.eventsTopic} reachable` };
    } catch (error) {
      if (grpcCode(error) === PERMISSION_DENIED)
        return { ready: true, detail: `topic ${this.options.eventsTopic} reachable (no metadata permission)` };
      return { ready: false, detail: `topic ${this.options.eventsTopic} unreachable: ${(error as Error).message}` };
    }
  }
}
