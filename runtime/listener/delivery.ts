/**
 * A batch's accepted events published and its malformed ones dead-lettered, each event on its own: what Pub/Sub
 * refuses becomes a dead letter with the event's bytes as received, what fails transiently is counted as unhandled
 * (the caller answers 503), and what is handled is remembered so HubSpot's retry publishes only the rest.
 * Each fresh event is claimed while it is published (in-flight.ts), so a concurrent copy waits instead of publishing
 * it again.
 */
import type { AcceptedEvent } from "./events/triage";
import type { InFlightEvents } from "./in-flight";
import type { ReplayCache } from "./replay-cache";
import type { DeadLetter, EventSink, PublishOutcome } from "./sinks/sink";

/** What became of a batch's events. */
export interface Delivery {
  published: number;
  /** Dead letters written: malformed events, bytes outside any event, events Pub/Sub refused. */
  deadLettered: DeadLetter[];
  /** Events neither published nor dead-lettered (transient failures, here or in a concurrent delivery). */
  unhandled: number;
  /** This delivery's events Pub/Sub acknowledged (the status store counts them as verified deliveries). */
  publishedEvents: AcceptedEvent[];
  /** This delivery's events Pub/Sub failed to take, transiently (the status store counts them per event type). */
  publishFailed: AcceptedEvent[];
  /** Copies of events another delivery was publishing. */
  joined: number;
  firstError?: unknown;
}

export interface DeliveriesDeps {
  sink: EventSink;
  replayCache: ReplayCache;
  inFlight: InFlightEvents;
  now: () => number;
}

export class Deliveries {
  constructor(private readonly deps: DeliveriesDeps) {}

  /**
   * Claims are settled before waiting on other deliveries' claims: two deliveries waiting on each other's events
   * would otherwise never finish.
   */
  async deliver(fresh: readonly AcceptedEvent[], malformed: DeadLetter[]): Promise<Delivery> {
    const delivery: Delivery = {
      published: 0,
      deadLettered: [],
      unhandled: 0,
      publishedEvents: [],
      publishFailed: [],
      joined: 0,
    };
    const claim = this.deps.inFlight.claim(fresh.map((event) => event.payload.dedupKey));
    const own = claim.owned.map((index) => fresh[index]);
    const handled = new Set<string>();
    try {
      const [outcomes, malformedOk] = await Promise.all([this.publish(own), this.deadLetter(malformed, delivery)]);
      if (!malformedOk) delivery.unhandled += malformed.length;
      const refused: DeadLetter[] = [];
      const refusedKeys: string[] = [];
      outcomes.forEach((outcome, index) => {
        const key = own[index].payload.dedupKey;
        if (outcome.status === "published") {
          handled.add(key);
          delivery.published++;
          delivery.publishedEvents.push(own[index]);
        } else if (outcome.status === "rejected") {
          refused.push({ data: own[index].bytes, reason: outcome.reason, reasonDetail: outcome.detail });
          refusedKeys.push(key);
        } else {
          delivery.unhandled++;
          delivery.publishFailed.push(own[index]);
          delivery.firstError ??= outcome.error;
        }
      });
      if (await this.deadLetter(refused, delivery)) for (const key of refusedKeys) handled.add(key);
      else delivery.unhandled += refused.length;
      // Remembered before the claim ends, so a copy arriving right after finds them in the cache.
      this.deps.replayCache.remember(handled, this.deps.now());
    } finally {
      claim.settle(handled);
    }
    for (const handledElsewhere of await Promise.all(claim.waits)) {
      delivery.joined++;
      if (!handledElsewhere) delivery.unhandled++;
    }
    return delivery;
  }

  private async publish(events: readonly AcceptedEvent[]): Promise<PublishOutcome[]> {
    if (events.length === 0) return [];
    try {
      return await this.deps.sink.publish(events.map((event) => event.payload));
    } catch (error) {
      // The contract says publish never rejects; if a sink does, nothing of it is known to be durable.
      return events.map(() => ({ status: "failed", error }));
    }
  }

  /** Dead-letters `letters`; false (never a throw) when Pub/Sub did not acknowledge them all. */
  private async deadLetter(letters: DeadLetter[], delivery: Delivery): Promise<boolean> {
    if (letters.length === 0) return true;
    try {
      await this.deps.sink.deadLetter(letters);
      delivery.deadLettered.push(...letters);
      return true;
    } catch (error) {
      delivery.firstError ??= error;
      return false;
    }
  }
}
