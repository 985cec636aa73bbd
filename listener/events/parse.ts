/**
 * Parses a webhook body (a JSON array of events) without losing int64 precision. HubSpot ids (objectId, eventId,
 * portalId...) are int64; `JSON.parse` rounds any integer above 2^53. We parse with lossless-json, turning only
 * integers outside the safe range into decimal strings (every other number stays a number).
 *
 * Fast path, written by hand because lossless-json is a pure-JS parser several times slower than `JSON.parse`:
 * `JSON.parse` first, then a walk over the parsed numbers; only when one of them is an integer-valued number beyond
 * 2^53 (the only case where the two parsers can differ) is the body parsed again losslessly. Today's HubSpot ids are
 * far below 2^53, so almost every delivery takes the fast path; a scan of the text for long digit runs (the previous
 * approach) cost more than the walk, because it read every byte of the body again.
 */
import { isUtf8 } from "node:buffer";
import { parse as parseLossless } from "lossless-json";

export type ParseResult = { ok: true; events: unknown[] } | { ok: false; problem: string };

const INTEGER = /^-?\d+$/;

function parseNumber(text: string): number | string {
  if (INTEGER.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : text;
  }
  return Number(text);
}

/** True when a number in `value` may have lost digits: an integer-valued number outside the safe range. */
function holdsUnsafeInteger(value: unknown): boolean {
  // Iterative, not recursive: a hostile body nested 100,000 deep must not overflow the stack here.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "number") {
      if (Number.isInteger(item) && !Number.isSafeInteger(item)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (item !== null && typeof item === "object") {
      for (const key in item) pending.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/** JSON text -> value, with unsafe integers as strings. Throws SyntaxError on invalid JSON. */
export function parseJsonLossless(text: string): unknown {
  const fast: unknown = JSON.parse(text);
  return holdsUnsafeInteger(fast) ? parseLossless(text, null, parseNumber) : fast;
}

export function parseEventBatch(body: Buffer): ParseResult {
  // RFC 8259 8.1: JSON between systems is UTF-8. Decoding invalid bytes would turn them into U+FFFD and publish a
  // value HubSpot never sent (and overlong forms are a classic filter bypass), so the body is refused instead.
  if (!isUtf8(body)) return { ok: false, problem: "body is not valid UTF-8; the rule is UTF-8 JSON (RFC 8259 8.1)" };
  let value: unknown;
  try {
    value = parseJsonLossless(body.toString("utf8"));
  } catch (error) {
    return { ok: false, problem: `body is not valid JSON (${(error as Error).message})` };
  }
  if (!Array.isArray(value))
    return { ok: false, problem: `body is ${describe(value)}; the rule is a JSON array of events` };
  return { ok: true, events: value };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a JSON ${typeof value}`;
}
