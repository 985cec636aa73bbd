/**
 * Parses a webhook body (a JSON array of events) without losing int64 precision. HubSpot ids (objectId, eventId,
 * portalId...) are int64; `JSON.parse` rounds any integer above 2^53. We parse with lossless-json, turning only
 * integers outside the safe range into decimal strings (every other number stays a number).
 *
 * Fast path, written by hand because lossless-json is a pure-JS parser several times slower than `JSON.parse`: an
 * integer can only be unsafe with 16 or more digits, so a body with no run of 16 digits is parsed by `JSON.parse`
 * with the same result. A run inside a string (a long phone number) only sends the body down the lossless path.
 */
import { parse as parseLossless } from "lossless-json";

export type ParseResult = { ok: true; events: unknown[] } | { ok: false; problem: string };

const INTEGER = /^-?\d+$/;
const LONG_DIGIT_RUN = /\d{16}/;

function parseNumber(text: string): number | string {
  if (INTEGER.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : text;
  }
  return Number(text);
}

/** JSON text -> value, with unsafe integers as strings. Throws SyntaxError on invalid JSON. */
export function parseJsonLossless(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumber);
}

export function parseEventBatch(body: Buffer): ParseResult {
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
