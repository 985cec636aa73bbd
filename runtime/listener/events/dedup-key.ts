/**
 * The identity of a change, for replay suppression and for consumers' idempotency: HubSpot's eventId is not unique
 * on its own, and a retried delivery carries a new attemptNumber, so we hash what identifies the change itself:
 * portal, object type and id, event type, property name and value, and occurredAt.
 */
import * as crypto from "node:crypto";

// One-shot hashing (Node >= 20.12) skips the Hash object a hundred events per delivery would otherwise allocate. Read
// once here: a namespace property read on every call showed up in the profile.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;
const sha256Hex: (text: string) => string = oneShotHash
  ? (text) => oneShotHash("sha256", text)
  : (text) => crypto.createHash("sha256").update(text).digest("hex");

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
  // The text of JSON.stringify([portalId, objectType, objectId, eventType, propertyName ?? null,
  // propertyValue ?? null, occurredAtMs]), written out without building the array (the profile's largest share of
  // this function): a JSON array as the framing, so no separator can be smuggled inside a value to collide two
  // changes. Byte for byte the same text, pinned by test/listener/fixed-vectors.spec.ts.
  const canonical =
    "[" +
    JSON.stringify(fields.portalId) +
    "," +
    JSON.stringify(fields.objectType) +
    "," +
    JSON.stringify(fields.objectId) +
    "," +
    JSON.stringify(fields.eventType) +
    "," +
    (fields.propertyName === undefined ? "null" : JSON.stringify(fields.propertyName)) +
    "," +
    (fields.propertyValue === undefined ? "null" : JSON.stringify(fields.propertyValue)) +
    "," +
    JSON.stringify(fields.occurredAtMs) +
    "]";
  return sha256Hex(canonical);
}
