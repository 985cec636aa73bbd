/**
 * A webhook body's bytes -> the byte span of each element of its top-level JSON array, without parsing the elements.
 * Every event is then judged on its own (parse.ts): a malformed event is dead-lettered with its exact bytes and never
 * costs its neighbours, whatever is wrong with it (invalid UTF-8, invalid JSON, a repeated key, a huge number).
 *
 * Why a scanner written here: JSON parsers (JSON.parse, lossless-json) give all or nothing, and none reports where
 * each element starts and ends. The scan only follows strings and brackets, so it is one loop over the bytes (the
 * structural characters are ASCII, and UTF-8 never uses bytes below 0x80 inside a multi-byte character, so bytes are
 * safe to scan before anything is decoded). It also collects, per element, what the cheap path needs to know:
 * nesting depth, structural colons (one per object key written, to detect repeated keys by counting) and whether a
 * number is long enough that a double may not hold it.
 */

export interface ElementSpan {
  /** First and one-past-last byte of the element, whitespace around it excluded. */
  start: number;
  end: number;
  /** Deepest nesting of arrays and objects inside the element (a scalar is 0, `{}` is 1). */
  depth: number;
  /** Colons outside strings: one per object member written, duplicates included. */
  colons: number;
  /** Some number has more than 15 characters or an exponent: a double may not hold it exactly. */
  longNumber: boolean;
}

export interface SplitBatch {
  ok: true;
  elements: ElementSpan[];
  /** Bytes after the array's closing bracket, whitespace around them excluded: they belong to no event. */
  trailing?: { start: number; end: number };
  /** The body ended inside the array: its last element is whatever came after the last comma (maybe cut off). */
  unclosed: boolean;
}

export type SplitResult = SplitBatch | { ok: false; problem: string };

// Fifteen significant digits always survive a double (DBL_DIG); a 15-character token has at most that many.
const SAFE_NUMBER_CHARACTERS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function startsNumber(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2d;
}

function isNumberCharacter(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x2b || byte === 0x2e || (byte | 0x20) === 0x65;
}

/** What a body that is not an array starts like, for the 400's message. */
function describeStart(byte: number | undefined): string {
  if (byte === undefined) return "empty";
  if (byte === OPEN_BRACE) return "a JSON object";
  if (byte === QUOTE) return "a JSON string";
  if (startsNumber(byte)) return "a JSON number";
  if (byte === 0x74 || byte === 0x66) return "a JSON boolean";
  if (byte === 0x6e) return "null";
  return "not JSON";
}

export function splitBatch(body: Uint8Array): SplitResult {
  const length = body.length;
  let i = 0;
  while (i < length && isWhitespace(body[i])) i++;
  if (body[i] !== OPEN_BRACKET) {
    return { ok: false, problem: `body is ${describeStart(body[i])}; the rule is a JSON array of events` };
  }
  i++;
  const elements: ElementSpan[] = [];
  let elementStart = i;
  let depth = 1; // inside the top-level array
  let elementDepth = 0;
  let colons = 0;
  let longNumber = false;
  let sawSeparator = false;

  const close = (end: number): void => {
    let start = elementStart;
    while (start < end && isWhitespace(body[start])) start++;
    while (end > start && isWhitespace(body[end - 1])) end--;
    elements.push({ start, end, depth: elementDepth, colons, longNumber });
    elementDepth = 0;
    colons = 0;
    longNumber = false;
  };

  while (i < length) {
    const byte = body[i];
    if (byte === QUOTE) {
      // Skip the string: a backslash escapes the next byte, so `\"` does not end it.
      i++;
      while (i < length && body[i] !== QUOTE) i += body[i] === BACKSLASH ? 2 : 1;
      if (i >= length) break;
      i++;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth - 1 > elementDepth) elementDepth = depth - 1;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) {
        // The array's end. `[]` and `[ ]` hold no element; anything else before `]` is one (even if only `,`).
        if (sawSeparator || hasContent(body, elementStart, i)) close(i);
        return finish(body, elements, i + 1);
      }
    } else if (byte === COLON) {
      colons++;
    } else if (byte === COMMA && depth === 1) {
      close(i);
      sawSeparator = true;
      elementStart = i + 1;
    } else if (startsNumber(byte)) {
      const tokenStart = i;
      let exponent = false;
      while (i < length && isNumberCharacter(body[i])) {
        if ((body[i] | 0x20) === 0x65) exponent = true;
        i++;
      }
      if (exponent || i - tokenStart > SAFE_NUMBER_CHARACTERS) longNumber = true;
      continue;
    }
    i++;
  }
  // The body ended inside the array (maybe inside a string): the text after the last comma is its last element,
  // which will fail to parse if it was cut off. Nothing after the last comma: no element.
  if (hasContent(body, elementStart, length)) close(length);
  return { ok: true, elements, unclosed: true };
}

function hasContent(body: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isWhitespace(body[i])) return true;
  return false;
}

function finish(body: Uint8Array, elements: ElementSpan[], after: number): SplitBatch {
  let start = after;
  while (start < body.length && isWhitespace(body[start])) start++;
  if (start === body.length) return { ok: true, elements, unclosed: false };
  let end = body.length;
  while (isWhitespace(body[end - 1])) end--;
  return { ok: true, elements, unclosed: false, trailing: { start, end } };
}
