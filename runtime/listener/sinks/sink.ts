/**
 * Where accepted events go. Three implementations: Pub/Sub (production), JSON lines on stdout or a file (local use,
 * the default when no topic is configured) and a no-op (benchmarks of the HTTP path alone).
 * Contract: `publish` answers one outcome per payload, in order, and never rejects: an event is `published` only once
 * it is durably accepted; `rejected` is about that event alone (it can never be published: dead-letter it); `failed`
 * is transient (the batch must be answered 503 so HubSpot retries). `deadLetter` resolves only when every letter is
 * durably accepted and rejects otherwise.
 */
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { messageProblems, type MessageShape } from "../../shared/pubsub-limits";

/** Machine codes of dead letters written by the listener (attribute `reason`). */
export type ListenerDeadLetterReason = "invalid-event" | "unsupported-event-type" | "pubsub-rejected";

export interface DeadLetter {
  /** The offending event's bytes exactly as received (or the body's bytes that belong to no event). */
  data: Buffer;
  reason: ListenerDeadLetterReason;
  reasonDetail: string;
}

export type PublishOutcome =
  | { status: "published" }
  | { status: "rejected"; reason: ListenerDeadLetterReason; detail: string }
  | { status: "failed"; error: unknown };

export interface ReadyState {
  ready: boolean;
  detail: string;
}

export interface EventSink {
  readonly kind: "pubsub" | "jsonl" | "noop";
  publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]>;
  deadLetter(letters: readonly DeadLetter[]): Promise<void>;
  ready(): Promise<ReadyState>;
  /** Flush what is buffered and release connections. */
  close(): Promise<void>;
}

/** Pub/Sub attributes per the project's conventions (also written by the JSON-lines sink for parity). */
export function eventAttributes(payload: ConnectorEventPayload): Record<string, string> {
  const attributes: Record<string, string> = {
    eventType: payload.eventType,
    objectType: payload.objectType,
    portalId: payload.portalId,
    objectId: payload.objectId,
    eventId: payload.eventId,
    dedupKey: payload.dedupKey,
  };
  // Lets a subscription filter on the property of a propertyChange (two triggers may watch different properties).
  if (payload.propertyName !== undefined) attributes.propertyName = payload.propertyName;
  return attributes;
}

/** Per-object ordering: every change of one object reaches a subscriber in the order it was published. */
function orderingKeyOf(payload: ConnectorEventPayload): string {
  return `${payload.objectType}:${payload.objectId}`;
}

/**
 * The message an event becomes, or why Pub/Sub would refuse it. Checked here, before publishing, in every sink: a
 * refused message fails the whole batched RPC it travels in, and the emulator refuses none of it (pubsub-limits.ts).
 * An attribute is never cut to fit: a subscription filtering on a shortened propertyName would match the wrong events.
 */
export function eventMessage(
  payload: ConnectorEventPayload,
  ordering: boolean,
): { ok: true; message: MessageShape } | { ok: false; outcome: PublishOutcome } {
  const message: MessageShape = {
    data: Buffer.from(JSON.stringify(payload)),
    attributes: eventAttributes(payload),
    ...(ordering ? { orderingKey: orderingKeyOf(payload) } : {}),
  };
  const problems = messageProblems(message);
  if (problems.length === 0) return { ok: true, message };
  return {
    ok: false,
    outcome: {
      status: "rejected",
      reason: "invalid-event",
      detail: `Pub/Sub would refuse this event's message: ${problems.join("; ")}`,
    },
  };
}
