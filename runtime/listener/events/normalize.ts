/**
 * One HubSpot webhook event -> one ConnectorEventPayload, or the reason it cannot be one.
 *
 * Two shapes arrive for the same change: legacy subscriptions (`contact.creation`, `deal.propertyChange`, ...) and
 * generic ones (`object.creation` with `objectTypeId` 0-1 contact, 0-3 deal, 0-2 company). Both map to the legacy
 * eventType so a trigger filter on `contact.creation` sees either. Older HubSpot examples name the field `eventType`
 * instead of `subscriptionType`; both are read.
 *
 * Company events (opt-in) are normalised like the others, and the listener publishes them like any type no trigger
 * lists: "off unless listed" is kept where the trigger list is known. HubSpot sends an event only for a subscription
 * of the app, and the stack registers (api), renders (project) or lists (manual) exactly the triggers' types; each
 * trigger's push subscription filters on its own types; the dispatcher acknowledges any other type without executing.
 * So without a trigger listing a company type, no company subscription is made, and a company event that still
 * arrives (a subscription made by hand) reaches the events topic for its consumers but runs no integration. The
 * listener holds no trigger list on purpose: every trigger edit would redeploy it, and events of a newly listed type
 * reaching the previous revision would be refused.
 */
import {
  PAYLOAD_SCHEMA_VERSION,
  type ConnectorEventPayload,
  type ObjectType,
} from "../../shared/connector-event-payload";
import { dedupKey } from "./dedup-key";
import { isoTime } from "./iso-time";

export type RejectReason = "invalid-event" | "unsupported-event-type";

export type NormalizeResult =
  { ok: true; payload: ConnectorEventPayload } | { ok: false; reason: RejectReason; detail: string };

const OBJECT_TYPES: readonly ObjectType[] = ["contact", "deal", "company"];
const OBJECT_TYPE_IDS: Readonly<Record<string, ObjectType>> = { "0-1": "contact", "0-3": "deal", "0-2": "company" };
const CHANGES = ["creation", "propertyChange", "deletion"] as const;
type Change = (typeof CHANGES)[number];

// Years 2000..9999 in ms: anything else is not an event time.
const MIN_EPOCH_MS = 946_684_800_000;
const MAX_EPOCH_MS = 253_402_300_799_999;
// A decimal integer of at most 19 digits; only those are worth a BigInt bound check (a 900 KiB run of digits is not).
const INT64_TEXT = /^-?\d{1,19}$/;
const DECIMAL_TEXT = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT64_RULE = "the rule is an integer from -2^63 to 2^63-1";

class Invalid extends Error {
  constructor(
    readonly reason: RejectReason,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * int64 ids arrive as numbers (safe range) or, from the lossless parser, as decimal strings. Nineteen digits do not
 * make an int64 (2^63 has 19 too): a consumer storing the id as BIGINT would overflow, so the value is checked.
 */
function id(event: Record<string, unknown>, field: string): string {
  const value = event[field];
  // toFixed(0), not String(): the same digits for a safe integer, but String() goes through V8's number-to-string
  // cache, which keeps every converted id alive long enough to be promoted; at 20,000 events/s that was most of the
  // old-generation garbage in the soak (1.3 MiB/s, a major GC every 5 s); with toFixed, almost none.
  if (typeof value === "number" && Number.isSafeInteger(value)) return value.toFixed(0);
  if (typeof value === "string" && DECIMAL_TEXT.test(value)) {
    if (INT64_TEXT.test(value)) {
      const integer = BigInt(value);
      if (integer >= INT64_MIN && integer <= INT64_MAX) return value;
    }
    throw new Invalid("invalid-event", `${field} is ${show(value)}, beyond int64; ${INT64_RULE}`);
  }
  throw new Invalid("invalid-event", `${field} is ${show(value)}; ${INT64_RULE}`);
}

function optionalText(event: Record<string, unknown>, field: string): string | undefined {
  const value = event[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Invalid("invalid-event", `${field} is ${show(value)}; the rule is a string`);
}

function show(value: unknown): string {
  if (value === undefined) return "missing";
  const text = jsonText(value) ?? tooDeep(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

/**
 * `JSON.stringify(value)`, or undefined when the value is nested too deeply for it: V8's stringify recurses and
 * throws a RangeError beyond about 8,000 levels, while our parsers accept any depth (a signed hostile body can hold
 * 100,000). Such an event must become a dead letter with a reason, never a 500 that HubSpot retries for a day.
 */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Says what a value too deep for `jsonText` is, without walking it (walking it is what overflowed). */
export function tooDeep(value: unknown): string {
  return `${Array.isArray(value) ? "an array" : "an object"} nested too deeply to show`;
}

function eventKind(event: Record<string, unknown>): { objectType: ObjectType; change: Change } {
  const type = event.subscriptionType ?? event.eventType;
  if (typeof type !== "string")
    throw new Invalid(
      "invalid-event",
      `subscriptionType is ${show(type)}; the rule is a string like "contact.creation"`,
    );
  const dot = type.indexOf(".");
  const prefix = type.slice(0, dot);
  const change = type.slice(dot + 1) as Change;
  if (dot === -1 || !CHANGES.includes(change)) {
    throw new Invalid(
      "unsupported-event-type",
      `subscriptionType ${show(type)} is not handled; the rule is <object>.${CHANGES.join("|")}`,
    );
  }
  if (prefix === "object") {
    const objectType = OBJECT_TYPE_IDS[String(event.objectTypeId)];
    if (!objectType) {
      throw new Invalid(
        "unsupported-event-type",
        `objectTypeId ${show(event.objectTypeId)} is not handled; the rule is one of ${Object.keys(OBJECT_TYPE_IDS).join(", ")}`,
      );
    }
    return { objectType, change };
  }
  if (!(OBJECT_TYPES as readonly string[]).includes(prefix)) {
    throw new Invalid(
      "unsupported-event-type",
      `subscriptionType ${show(type)} is not handled; the rule is an object among ${OBJECT_TYPES.join(", ")} or object.* with objectTypeId`,
    );
  }
  return { objectType: prefix as ObjectType, change };
}

function occurredAt(event: Record<string, unknown>): number {
  const value = event.occurredAt;
  if (typeof value !== "number" || !Number.isInteger(value) || value < MIN_EPOCH_MS || value > MAX_EPOCH_MS) {
    throw new Invalid("invalid-event", `occurredAt is ${show(value)}; the rule is epoch milliseconds (an integer)`);
  }
  return value;
}

function attemptNumber(event: Record<string, unknown>): number {
  const value = event.attemptNumber ?? 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new Invalid("invalid-event", `attemptNumber is ${show(value)}; the rule is an integer >= 0`);
  }
  return value;
}

export function normalizeEvent(raw: unknown, receivedAt: string): NormalizeResult {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: "invalid-event", detail: `event is ${show(raw)}; the rule is a JSON object` };
  }
  const event = raw as Record<string, unknown>;
  try {
    const { objectType, change } = eventKind(event);
    const eventType = `${objectType}.${change}`;
    const objectId = id(event, "objectId");
    const portalId = id(event, "portalId");
    const epochMillis = occurredAt(event);
    const propertyName = optionalText(event, "propertyName");
    const propertyValue = optionalText(event, "propertyValue");
    if (change === "propertyChange" && !propertyName) {
      throw new Invalid(
        "invalid-event",
        `propertyName is ${show(event.propertyName)}; the rule is a non-empty string on propertyChange events`,
      );
    }
    const payload: ConnectorEventPayload = {
      schemaVersion: PAYLOAD_SCHEMA_VERSION,
      eventType,
      objectType,
      objectId,
      portalId,
      appId: id(event, "appId"),
      eventId: id(event, "eventId"),
      subscriptionId: id(event, "subscriptionId"),
      occurredAt: { epochMillis, iso: isoTime(epochMillis) },
      attemptNumber: attemptNumber(event),
      receivedAt,
      dedupKey: dedupKey({
        portalId,
        objectType,
        objectId,
        eventType,
        propertyName,
        propertyValue,
        occurredAtMs: epochMillis,
      }),
      raw: event,
    };
    if (propertyName !== undefined) payload.propertyName = propertyName;
    if (propertyValue !== undefined) payload.propertyValue = propertyValue;
    const changeSource = optionalText(event, "changeSource");
    if (changeSource !== undefined) payload.changeSource = changeSource;
    const changeFlag = optionalText(event, "changeFlag");
    if (changeFlag !== undefined) payload.changeFlag = changeFlag;
    const sourceId = optionalText(event, "sourceId");
    if (sourceId !== undefined) payload.sourceId = sourceId;
    return { ok: true, payload };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.reason, detail: error.message };
    throw error;
  }
}
