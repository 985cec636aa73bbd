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

/**
 * Levels of nesting an event may have: HubSpot's events are flat objects (depth 1). A deeper event would be published
 * inside `raw`, and beyond about 8,000 levels `JSON.stringify` throws in the sink: a 503 HubSpot would retry for a
 * day. So events deeper than this are dead-lettered instead (triage), whatever field carries the depth.
 */
export const MAX_EVENT_DEPTH = 32;

export type ParseResult =
  | {
      ok: true;
      events: unknown[];
      /** Some value is nested deeper than an event may be: triage must check each event's depth. */
      nestedTooDeep: boolean;
    }
  | { ok: false; problem: string };

const INTEGER = /^-?\d+$/;

function parseNumber(text: string): number | string {
  if (INTEGER.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : text;
  }
  return Number(text);
}

interface Scan {
  /** A number that may have lost digits: an integer-valued number outside the safe range. */
  unsafeInteger: boolean;
  /** Deepest nesting of arrays and objects (a scalar is 0, `[]` is 1). */
  depth: number;
}

/**
 * One pass over a parsed value for both questions the fast path asks; with `stopAtDepth`, it returns as soon as
 * that depth is reached (then `unsafeInteger` may be incomplete: callers asking about depth only use it).
 */
function scan(value: unknown, stopAtDepth = Number.POSITIVE_INFINITY): Scan {
  // Iterative, not recursive: a hostile body nested 100,000 deep must not overflow the stack here. Two parallel
  // stacks rather than one of pairs: no allocation per value on the hot path.
  const pending: unknown[] = [value];
  const levels: number[] = [0];
  const result: Scan = { unsafeInteger: false, depth: 0 };
  while (pending.length > 0) {
    const item = pending.pop();
    const level = levels.pop() ?? 0;
    if (typeof item === "number") {
      if (Number.isInteger(item) && !Number.isSafeInteger(item)) result.unsafeInteger = true;
    } else if (item !== null && typeof item === "object") {
      if (level + 1 > result.depth) result.depth = level + 1;
      if (result.depth >= stopAtDepth) return result;
      if (Array.isArray(item)) {
        for (const element of item) {
          pending.push(element);
          levels.push(level + 1);
        }
      } else {
        for (const key in item) {
          pending.push((item as Record<string, unknown>)[key]);
          levels.push(level + 1);
        }
      }
    }
  }
  return result;
}

/** True when `value` nests arrays and objects more than `max` levels deep; stops at the first such level. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  return scan(value, max + 1).depth > max;
}

function parseScanned(text: string): { value: unknown; depth: number } {
  const fast: unknown = JSON.parse(text);
  const { unsafeInteger, depth } = scan(fast);
  return { value: unsafeInteger ? parseLossless(text, null, parseNumber) : fast, depth };
}

/** JSON text -> value, with unsafe integers as strings. Throws SyntaxError on invalid JSON. */
export function parseJsonLossless(text: string): unknown {
  return parseScanned(text).value;
}

export function parseEventBatch(body: Buffer): ParseResult {
  // RFC 8259 8.1: JSON between systems is UTF-8. Decoding invalid bytes would turn them into U+FFFD and publish a
  // value HubSpot never sent (and overlong forms are a classic filter bypass), so the body is refused instead.
  if (!isUtf8(body)) return { ok: false, problem: "body is not valid UTF-8; the rule is UTF-8 JSON (RFC 8259 8.1)" };
  let value: unknown;
  let depth: number;
  try {
    ({ value, depth } = parseScanned(body.toString("utf8")));
  } catch (error) {
    return { ok: false, problem: `body is not valid JSON (${(error as Error).message})` };
  }
  if (!Array.isArray(value))
    return { ok: false, problem: `body is ${describe(value)}; the rule is a JSON array of events` };
  // The batch array is one level above its events.
  return { ok: true, events: value, nestedTooDeep: depth > MAX_EVENT_DEPTH + 1 };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a JSON ${typeof value}`;
}
