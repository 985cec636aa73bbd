/**
 * Sends nothing: isolates the HTTP, signature, parsing and message-building cost in benchmarks. Each event's message
 * is still built and checked as the Pub/Sub sink builds it, so the comparison with a floor that serialises one message
 * per event is like for like.
 */
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { eventMessage, type EventSink, type PublishOutcome, type ReadyState } from "./sink";

const PUBLISHED: PublishOutcome = { status: "published" };

export class NoopSink implements EventSink {
  readonly kind = "noop";
  published = 0;
  deadLettered = 0;

  async publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]> {
    return payloads.map((payload) => {
      const built = eventMessage(payload, false);
      if (!built.ok) return built.outcome;
      this.published++;
      return PUBLISHED;
    });
  }
  async deadLetter(letters: readonly unknown[]): Promise<void> {
    this.deadLettered += letters.length;
  }
  async ready(): Promise<ReadyState> {
    return { ready: true, detail: "no-op sink" };
  }
  async close(): Promise<void> {}
}
