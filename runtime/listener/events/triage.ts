/**
 * A parsed batch -> what to publish, what to dead-letter, what to skip as a replay. Pure: the replay test is passed
 * in, and nothing is remembered here (the caller remembers keys only after Pub/Sub acknowledged them).
 */
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { jsonText, normalizeEvent, tooDeep, type RejectReason } from "./normalize";
import { MAX_EVENT_DEPTH, nestedDeeperThan } from "./parse";

export interface RejectedEvent {
  /**
   * The event's JSON as parsed (integers beyond 2^53 as strings); for an event nested too deeply to serialize, only a
   * JSON string saying so (the event itself cannot be kept).
   */
  data: Buffer;
  reason: RejectReason;
  reasonDetail: string;
}

export interface TriagedBatch {
  fresh: ConnectorEventPayload[];
  rejected: RejectedEvent[];
  /** dedupKeys of `fresh`, in order. */
  keys: Set<string>;
  /** Events skipped: seen in this batch already, or `isReplay` said so. */
  replays: number;
}

export function triageBatch(
  events: readonly unknown[],
  receivedAt: string,
  isReplay: (dedupKey: string) => boolean,
  /** The parser saw nesting deeper than an event may have (`ParseResult.nestedTooDeep`): check each event. */
  checkDepth = false,
): TriagedBatch {
  const batch: TriagedBatch = { fresh: [], rejected: [], keys: new Set(), replays: 0 };
  for (const raw of events) {
    const result =
      checkDepth && nestedDeeperThan(raw, MAX_EVENT_DEPTH)
        ? ({
            ok: false,
            reason: "invalid-event",
            detail: `event is nested more than ${MAX_EVENT_DEPTH} levels deep; the rule is a flat HubSpot event object`,
          } as const)
        : normalizeEvent(raw, receivedAt);
    if (!result.ok) {
      batch.rejected.push({
        data: Buffer.from(jsonText(raw) ?? JSON.stringify(tooDeep(raw))),
        reason: result.reason,
        reasonDetail: result.detail,
      });
      continue;
    }
    const key = result.payload.dedupKey;
    if (batch.keys.has(key) || isReplay(key)) {
      batch.replays++;
      continue;
    }
    batch.keys.add(key);
    batch.fresh.push(result.payload);
  }
  return batch;
}
