/**
 * The identity of a change, for replay suppression and for consumers' idempotency: HubSpot's eventId is not unique
 * on its own, and a retried delivery carries a new attemptNumber, so we hash what identifies the change itself:
 * portal, object type and id, event type, property name and value, and occurredAt.
 */
import { createHash } from "node:crypto";

export interface DedupFields {
  portalId: string;
  objectType: string;
  objectId: string;
  eventType: string;
  propertyName?: string;
  propertyValue?: string;
  occurredAtMs: number;
}

export function dedupKey(fields: DedupFields): string {
  // JSON array as the framing: no separator character can be smuggled inside a value to collide two changes.
  const canonical = JSON.stringify([
    fields.portalId,
    fields.objectType,
    fields.objectId,
    fields.eventType,
    fields.propertyName ?? null,
    fields.propertyValue ?? null,
    fields.occurredAtMs,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}
