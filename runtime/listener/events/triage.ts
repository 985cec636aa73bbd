/**
 * A parsed batch -> what to publish, what to dead-letter, what to skip as a replay. Pure: the replay test is passed
 * in, and nothing is remembered here (the caller remembers keys only once their events are durably handled).
 * Every dead letter carries the event's bytes exactly as received.
 */
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import type { DeadLetter } from "../sinks/sink";
import { normalizeEvent } from "./normalize";
import type { ReceivedEvent } from "./parse";

export interface AcceptedEvent {
  payload: ConnectorEventPayload;
  /** The event's bytes as received: what its dead letter holds if Pub/Sub refuses it. */
  bytes: Buffer;
}

export interface TriagedBatch {
  fresh: AcceptedEvent[];
  rejected: DeadLetter[];
  /** Events skipped: seen in this batch already, or `isReplay` said so. */
  replays: number;
}

export function triageBatch(
  events: readonly ReceivedEvent[],
  receivedAt: string,
  isReplay: (dedupKey: string) => boolean,
): TriagedBatch {
  const batch: TriagedBatch = { fresh: [], rejected: [], replays: 0 };
  const keys = new Set<string>();
  for (const event of events) {
    if (!event.ok) {
      batch.rejected.push({ data: event.bytes, reason: "invalid-event", reasonDetail: event.detail });
      continue;
    }
    const result = normalizeEvent(event.value, receivedAt);
    if (!result.ok) {
      batch.rejected.push({ data: event.bytes, reason: result.reason, reasonDetail: result.detail });
      continue;
    }
    const key = result.payload.dedupKey;
    if (keys.has(key) || isReplay(key)) {
      batch.replays++;
      continue;
    }
    keys.add(key);
    batch.fresh.push({ payload: result.payload, bytes: event.bytes });
  }
  return batch;
}
