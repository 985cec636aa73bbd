/**
 * A message written by an Integration Connectors event subscription (the managed backend) -> ConnectorEventPayload v1,
 * or the reason it cannot be one. No HTTP, no Pub/Sub client: the push handler decides what to do with the result.
 *
 * What Google documents of the message (the sources, and what they leave open, are in docs/connector-events.md):
 * - attributes: only those the event subscription's Pub/Sub destination declares (`PubSub.attributes`), so the stack
 *   declares a marker (contract/connector-events.ts) and the format is recognised by it, never by the data's shape;
 * - data: for each event, JSON holding HubSpot's webhook event payload (the HubSpot trigger's `ConnectorEventPayload`
 *   output; the connector version's event types publish `eventPayloadSchema`, "schema of webhook event payload").
 *
 * The event inside is a HubSpot webhook event, so it is judged and mapped by the listener's own code: the same parse
 * rules (UTF-8, one JSON value, no repeated key, depth, int64 ids kept digit for digit), the same normalisation
 * (legacy and generic `object.*` types, ids as decimal strings, occurredAt as epoch ms + ISO) and the same dedupKey,
 * so one HubSpot change has one dedupKey whichever backend received it.
 */
import { CONNECTOR_EVENT_ATTRIBUTES, CONNECTOR_EVENT_SOURCE } from "../../contract/connector-events";
import { normalizeEvent } from "../listener/events/normalize";
import { parseEventBatch } from "../listener/events/parse";
import type { ConnectorEventPayload } from "../shared/connector-event-payload";
import type { PushMessage } from "./push-envelope";

/** Dead-letter reasons of connector events (the listener uses `unsupported-event-type` for the same case). */
export type ConnectorEventReason = "invalid-connector-event" | "unsupported-event-type";

export type ConnectorEventResult =
  { ok: true; payload: ConnectorEventPayload } | { ok: false; reason: ConnectorEventReason; detail: string };

/** True for messages an event subscription of the stack wrote: they carry the marker attribute, ours never do. */
export function isConnectorEvent(attributes: Readonly<Record<string, string>>): boolean {
  return attributes[CONNECTOR_EVENT_ATTRIBUTES.source] === CONNECTOR_EVENT_SOURCE;
}

/** The trigger subscription key the event subscription serves, when it names one. */
export function connectorEventTarget(attributes: Readonly<Record<string, string>>): string | undefined {
  return attributes[CONNECTOR_EVENT_ATTRIBUTES.triggerSubscription];
}

const OPEN = Buffer.from("[");
const CLOSE = Buffer.from("]");
// The listener's element positions count the "[" added below; the message's own data is what a reader looks at.
const ELEMENT_POSITION = /^element 0 \(bytes \d+-\d+\)/;

function invalid(detail: string): ConnectorEventResult {
  return { ok: false, reason: "invalid-connector-event", detail };
}

export function mapConnectorEvent(message: PushMessage): ConnectorEventResult {
  // The data as the one element of a batch: the listener's parser then applies every rule an event body gets, and
  // anything that is not exactly one JSON value (two values, a cut-off one, bytes after it) shows as such.
  const parsed = parseEventBatch(Buffer.concat([OPEN, message.data, CLOSE]));
  if (!parsed.ok || parsed.unclosed || parsed.trailing !== undefined || parsed.events.length !== 1) {
    const count = parsed.ok ? parsed.events.length : 0;
    return invalid(
      `message.data is not one JSON value (${count === 0 ? "empty or unreadable" : `${count} values`}); the rule is one HubSpot webhook event object per message`,
    );
  }
  const [event] = parsed.events;
  if (!event.ok) return invalid(event.detail.replace(ELEMENT_POSITION, "message.data"));
  if (Array.isArray(event.value)) {
    return invalid(
      "message.data is a JSON array; the rule is one HubSpot webhook event object per message (one message per event)",
    );
  }
  // When the connector published the event: the closest thing to the listener's "accepted the batch" time.
  const receivedAt = new Date(Date.parse(message.publishTime)).toISOString();
  const normalized = normalizeEvent(event.value, receivedAt);
  if (!normalized.ok) {
    return {
      ok: false,
      reason: normalized.reason === "unsupported-event-type" ? "unsupported-event-type" : "invalid-connector-event",
      detail: `message.data: ${normalized.detail}`,
    };
  }
  const declared = message.attributes[CONNECTOR_EVENT_ATTRIBUTES.eventType];
  if (declared === undefined) {
    return invalid(
      `attribute ${CONNECTOR_EVENT_ATTRIBUTES.eventType} is missing; the rule is the event subscription's eventTypeId, declared on its Pub/Sub destination`,
    );
  }
  // The subscription filters routed the message by this attribute: an event of another type would run a trigger
  // that never asked for it, so a disagreement is refused rather than resolved either way.
  if (declared !== normalized.payload.eventType) {
    return invalid(
      `attribute ${CONNECTOR_EVENT_ATTRIBUTES.eventType} is ${JSON.stringify(declared)} but the event is ${JSON.stringify(normalized.payload.eventType)}; the rule is the same event type in both`,
    );
  }
  return normalized;
}
