/**
 * Where accepted events go. Three implementations: Pub/Sub (production), JSON lines on stdout or a file (local use,
 * the default when no topic is configured) and a no-op (benchmarks of the HTTP path alone).
 * Contract: `publish` resolves only when every message of the batch is durably accepted and rejects if any is not,
 * so the transport can answer 2xx or 503 truthfully.
 */
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";

export interface DeadLetter {
  /** The offending event's JSON as received (re-serialized from the lossless parse). */
  data: Buffer;
  reason: string;
  reasonDetail: string;
}

export interface ReadyState {
  ready: boolean;
  detail: string;
}

export interface EventSink {
  readonly kind: "pubsub" | "jsonl" | "noop";
  publish(payloads: readonly ConnectorEventPayload[]): Promise<void>;
  deadLetter(letters: readonly DeadLetter[]): Promise<void>;
  ready(): Promise<ReadyState>;
  /** Flush what is buffered and release connections. */
  close(): Promise<void>;
}

/** Pub/Sub attributes per the project's conventions (also written by the JSON-lines sink for parity). */
export function eventAttributes(payload: ConnectorEventPayload): Record<string, string> {
  return {
    eventType: payload.eventType,
    objectType: payload.objectType,
    portalId: payload.portalId,
    objectId: payload.objectId,
    eventId: payload.eventId,
    dedupKey: payload.dedupKey,
    // Lets a subscription filter on the property of a propertyChange (two triggers may watch different properties).
    ...(payload.propertyName !== undefined ? { propertyName: payload.propertyName } : {}),
  };
}
