/**
 * A webhook body -> its events, each with its exact bytes and either its value or the one reason it is malformed.
 * One rule for every event, whichever way it was parsed: an event is refused when its bytes are not UTF-8, are not
 * one JSON value, repeat a key in an object, or nest deeper than MAX_EVENT_DEPTH; its neighbours are unaffected.
 *
 * Values as sent: `JSON.parse` turns a number it cannot hold into another one (2^53 + 1 into 2^53, 1e400 into
 * Infinity, which serialises as null). A number that a double does not hold exactly is kept as its text, digits as
 * sent (lossless-json's `isSafeNumber` decides), so `raw` and `propertyValue` carry what HubSpot wrote.
 *
 * Fast path: the body is decoded and parsed once with `JSON.parse` (native, several times faster than the pure-JS
 * lossless parser). An element is parsed again on its own only when the scan (split.ts) saw a number that may not fit
 * a double; a repeated key shows as more colons than members, and only then is the key looked for by name.
 */
import { isUtf8 } from "node:buffer";
import { isSafeNumber, parse as parseLossless } from "lossless-json";
import { repeatedKey } from "./repeated-key";
import { splitBatch, type ElementSpan } from "./split";

/**
 * Levels of nesting an event may have: HubSpot's events are flat objects (depth 1). A deeper value gains nothing, and
 * serialising one about 8,000 levels deep throws, so events deeper than this are refused before anything walks them.
 */
export const MAX_EVENT_DEPTH = 32;

/** An element of the batch: its bytes as received, and its value or why it has none. */
export type ReceivedEvent = { bytes: Buffer; ok: true; value: unknown } | { bytes: Buffer; ok: false; detail: string };

export type ParseResult =
  | {
      ok: true;
      events: ReceivedEvent[];
      /** Bytes after the array's end, kept so nothing HubSpot signed is dropped silently. */
      trailing?: Buffer;
      /** The body ended before the array closed. */
      unclosed: boolean;
    }
  | { ok: false; problem: string };

/** Numbers a double holds exactly stay numbers; any other keeps its digits as sent, as a string. */
function numberAsSent(text: string): number | string {
  return isSafeNumber(text) ? Number(text) : text;
}

/** Members of every object inside `value` (duplicates were merged by the parser, so they are not counted twice). */
function countMembers(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  const pending: object[] = [value];
  while (pending.length > 0) {
    const item = pending.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(item)) {
      for (const element of item) if (typeof element === "object" && element !== null) pending.push(element);
      continue;
    }
    for (const key in item) {
      count++;
      const member = item[key];
      if (typeof member === "object" && member !== null) pending.push(member);
    }
  }
  return count;
}

function judge(bytes: Buffer, span: ElementSpan, parsed: { value: unknown } | undefined, index: number): ReceivedEvent {
  const position = `element ${index} (bytes ${span.start}-${span.end})`;
  if (span.start === span.end) return { bytes, ok: false, detail: `${position} is empty; the rule is a JSON value` };
  if (span.depth > MAX_EVENT_DEPTH) {
    return {
      bytes,
      ok: false,
      detail: `${position} is nested ${span.depth} levels deep; the rule is at most ${MAX_EVENT_DEPTH} (HubSpot events are flat objects)`,
    };
  }
  if (!parsed && !isUtf8(bytes)) {
    return { bytes, ok: false, detail: `${position} is not valid UTF-8; the rule is UTF-8 JSON (RFC 8259 8.1)` };
  }
  let text: string | undefined;
  let value: unknown;
  try {
    if (parsed && !span.longNumber) value = parsed.value;
    else {
      text = bytes.toString("utf8");
      // lossless-json keeps the first of two different values for a key when told to; counting below refuses both.
      value = span.longNumber
        ? parseLossless(text, null, { parseNumber: numberAsSent, onDuplicateKey: () => undefined })
        : JSON.parse(text);
    }
  } catch (error) {
    return { bytes, ok: false, detail: `${position} is not valid JSON (${(error as Error).message})` };
  }
  // A flat element (depth 1, every HubSpot event) needs no walk: its own keys are all its members.
  const members = span.depth === 1 && !Array.isArray(value) ? Object.keys(value as object).length : countMembers(value);
  if (members !== span.colons) {
    const key = repeatedKey(text ?? bytes.toString("utf8"));
    return {
      bytes,
      ok: false,
      detail: `${position} repeats the key ${JSON.stringify(key)} in one object; the rule is unique keys (RFC 8259 4), since which value HubSpot meant is unknown`,
    };
  }
  return { bytes, ok: true, value };
}

export function parseEventBatch(body: Buffer): ParseResult {
  const split = splitBatch(body);
  if (!split.ok) return split;
  let whole: unknown[] | undefined;
  // RFC 8259 8.1: JSON between systems is UTF-8. A body that is not is judged element by element (never decoded as a
  // whole, which would turn bad bytes into U+FFFD and publish a value HubSpot never sent).
  if (!split.unclosed && split.trailing === undefined && isUtf8(body)) {
    try {
      const value: unknown = JSON.parse(body.toString("utf8"));
      if (Array.isArray(value) && value.length === split.elements.length) whole = value;
    } catch {
      // Some element is not valid JSON: each is parsed alone below, so only that one is refused.
    }
  }
  const events = split.elements.map((span, index) =>
    judge(body.subarray(span.start, span.end), span, whole ? { value: whole[index] } : undefined, index),
  );
  return {
    ok: true,
    events,
    unclosed: split.unclosed,
    ...(split.trailing ? { trailing: body.subarray(split.trailing.start, split.trailing.end) } : {}),
  };
}
