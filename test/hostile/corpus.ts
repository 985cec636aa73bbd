/**
 * The hostile-input corpus: requests HubSpot never sends, each with the answer the listener documents for it
 * (README, "What each request gets") and what may reach Pub/Sub. Data only: the spec turns every
 * entry into one test against a real listener on 127.0.0.1.
 *
 * Statuses that come from Node's HTTP parser rather than from our handler (400 bad request line or header, 408
 * timeouts, 431 headers too large) are Node 20's documented behaviour; they are listed so a change of server or of
 * its limits shows up here.
 */
import assert from "node:assert/strict";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import type { VerifyFailure } from "../../runtime/listener/signature";
import type { HostileRequest } from "./clients";
import { SECRET, WEBHOOK, type CorpusContext } from "./corpus-context";

export interface HostileCase {
  name: string;
  /** What the attack tries, and why the answer is the right one. */
  why: string;
  /** One request, or several sent in order, each on a fresh connection (a replay). */
  build(ctx: CorpusContext): HostileRequest | HostileRequest[];
  /** Send the requests all at once instead of in order (a flood). */
  concurrent?: boolean;
  /** Expected status of each request (one number: every request). 0 = connection closed without an answer. */
  status: number | readonly number[];
  /** Events expected on the events topic over the whole case (default 0). */
  published?: number;
  /** Events expected on the dead-letter topic (default 0). */
  deadLetters?: number;
  /** Headers the (last) answer must carry. */
  headers?: Record<string, string>;
  /** For a 401: the reason the listener must log (the body says nothing; the log says why). */
  reason?: VerifyFailure;
  /** For a 400 from our handler: what its `{"error"}` must say (400s from Node's parser have no body). */
  error?: RegExp;
  /** Checks on the payloads published by this case (content, not just the count). */
  verify?(published: readonly ConnectorEventPayload[]): void;
  /**
   * Set only for a case that exposes a listener bug not fixed yet: the expectation above stays the right one, the
   * spec reports the case as pending with this text (and fails once the fix lands, so the marker is removed).
   */
  pendingFix?: string;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const LIMIT = MIB; // MAX_BODY_BYTES default
const DEEP = 100_000;

/** A valid batch padded with spaces (valid JSON whitespace) to exactly `size` bytes. */
function paddedBatch(ctx: CorpusContext, size: number): string {
  const batch = ctx.batch(3);
  return batch + " ".repeat(size - Buffer.byteLength(batch));
}

/** A one-event batch whose event has `field` replaced by the raw JSON text `valueJson`. */
function eventWith(ctx: CorpusContext, field: string, valueJson: string): string {
  // One event never carries an id above 2^53 (sampleEvents makes every third one big), so JSON.parse is exact.
  const event = JSON.parse(ctx.eventText("deal.propertyChange")) as Record<string, unknown>;
  delete event[field];
  const rest = JSON.stringify(event).slice(1, -1);
  return `[{${rest},"${field}":${valueJson}}]`;
}

/** Bytes of a one-event batch whose propertyValue holds `bytes` verbatim (for encoding attacks). */
function eventWithValueBytes(ctx: CorpusContext, bytes: Buffer): Buffer {
  const [head, tail] = eventWith(ctx, "propertyValue", '"\u0001"').split("\u0001");
  return Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)]);
}

const trickle = (text: string, pauseMs: number) => [...text].flatMap((character) => [character, { pauseMs }] as const);

export const HOSTILE_CORPUS: readonly HostileCase[] = [
  // --- Oversized bodies -------------------------------------------------------------------------------------------
  {
    name: "signed body of exactly MAX_BODY_BYTES (1 MiB) is accepted",
    why: "the limit is inclusive; a legitimate batch padded with JSON whitespace must not be cut",
    build: (ctx) => ctx.post(paddedBatch(ctx, LIMIT)),
    status: 204,
    published: 3,
  },
  {
    name: "signed body of 1 MiB + 1 byte with Content-Length",
    why: "over the limit by one byte: 413 from the announced length, before buffering",
    build: (ctx) => ctx.post(paddedBatch(ctx, LIMIT + 1)),
    status: 413,
  },
  {
    name: "10 MiB body with Content-Length",
    why: "a memory attack: refused on the header alone",
    build: (ctx) => ctx.post(Buffer.alloc(10 * MIB, 0x20)),
    status: 413,
  },
  {
    name: "10 MiB chunked body without Content-Length",
    why: "no length to refuse on: the reader must stop counting at 1 MiB, not buffer 10",
    build: (ctx) => ({ ...ctx.post(Buffer.alloc(10 * MIB, 0x5b)), chunked: true }),
    status: 413,
  },
  {
    name: "Content-Length announces 10 MiB, 10 bytes sent",
    why: "the announcement alone is enough to refuse; the server must not wait for the rest",
    build: (ctx) => ctx.rawPost("[{}]", { contentLength: String(10 * MIB) }),
    status: 413,
  },
  {
    name: "Content-Length beyond 2^64",
    why: "an integer overflow in the length parser would be a smuggling vector",
    build: (ctx) => ctx.rawPost("[]", { contentLength: "9".repeat(40) }),
    status: 400,
  },
  {
    name: "negative Content-Length",
    why: "not a length at all",
    build: (ctx) => ctx.rawPost("[]", { contentLength: "-2" }),
    status: 400,
  },
  {
    name: "two different Content-Length headers",
    why: "request smuggling: the parser must refuse, not pick one",
    build: (ctx) => ctx.rawPost("[]", { lines: ["Content-Length: 40"] }),
    status: 400,
  },
  {
    name: "Content-Length and Transfer-Encoding: chunked together",
    why: "the classic CL.TE smuggling request must be refused outright",
    build: (ctx) => ctx.rawPost("0\r\n\r\n", { lines: ["Transfer-Encoding: chunked"] }),
    status: 400,
  },
  {
    name: "invalid chunk size in a chunked body",
    why: "a chunk size that is not hex ends the request with 400, nothing read as JSON",
    build: (ctx) =>
      ctx.rawPost("zz\r\n[]\r\n0\r\n\r\n", { contentLength: null, lines: ["Transfer-Encoding: chunked"] }),
    status: 400,
  },

  // --- Slow clients (the spec shortens the server's timeouts; see the spec header) ---------------------------------
  {
    name: "headers trickled one byte at a time, never finished",
    why: "slow-loris on the headers: headersTimeout ends it with 408",
    build: (ctx) => ctx.raw(`POST ${WEBHOOK} HTTP/1.1\r\nHost: ${ctx.host}\r\n`, ...trickle("X-Slow: ".repeat(8), 100)),
    status: 408,
  },
  {
    name: "signed body trickled one byte every 100 ms",
    why: "slow-loris on the body: requestTimeout ends it with 408 long before the body completes",
    build: (ctx) => {
      const body = ctx.batch(1);
      return ctx.rawPost(body, { bodyParts: trickle(body, 100) });
    },
    status: 408,
  },
  {
    name: "headers complete, body never sent",
    why: "an idle connection holding a request open: requestTimeout ends it with 408",
    build: (ctx) => ctx.rawPost("", { contentLength: "500" }),
    status: 408,
  },

  // --- Deep nesting ------------------------------------------------------------------------------------------------
  {
    name: `${DEEP} unclosed [`,
    why: "a recursive parser would overflow its stack; the one element is refused by its depth alone, kept as bytes",
    build: (ctx) => ctx.post("[".repeat(DEEP)),
    status: 204,
    deadLetters: 1,
  },
  {
    name: `${DEEP} unclosed [ with a 16-digit number (lossless parser path)`,
    why: "a number that may not fit a double sends an element to the lossless parser: depth is judged before it",
    build: (ctx) => ctx.post(`${"[".repeat(DEEP)}1234567890123456`),
    status: 204,
    deadLetters: 1,
  },
  {
    name: `an event that is ${DEEP} nested arrays`,
    why: "signed but malformed: dead-lettered with a reason, never a 500 (HubSpot would retry it for a day)",
    build: (ctx) => ctx.post(`[${"[".repeat(DEEP)}${"]".repeat(DEEP)}]`),
    status: 204,
    deadLetters: 1,
  },
  {
    name: `a propertyValue that is ${DEEP} nested objects`,
    why: "describing the bad value in the dead letter must not recurse without bound",
    build: (ctx) => ctx.post(eventWith(ctx, "propertyValue", `${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}`)),
    status: 204,
    deadLetters: 1,
  },

  {
    name: `a valid event carrying an extra field of ${DEEP} nested objects`,
    why: "the event passes every check, but its raw copy cannot be serialised: dead-lettered, never a 503 loop",
    build: (ctx) => ctx.post(eventWith(ctx, "hs_extra", `${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}`)),
    status: 204,
    deadLetters: 1,
  },

  // --- Huge numbers ------------------------------------------------------------------------------------------------
  {
    name: "objectId 1e400",
    why: "JSON.parse turns it into Infinity: not an id, dead-lettered",
    build: (ctx) => ctx.post(eventWith(ctx, "objectId", "1e400")),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "objectId of 400 digits",
    why: "kept as text by the lossless parser, but not an int64: dead-lettered",
    build: (ctx) => ctx.post(eventWith(ctx, "objectId", "7".repeat(400))),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "portalId of 400 digits",
    why: "same rule for every id",
    build: (ctx) => ctx.post(eventWith(ctx, "portalId", "3".repeat(400))),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "objectId 2^63 (one past int64's maximum)",
    why: "19 digits but not an int64: a consumer storing it as BIGINT would overflow",
    build: (ctx) => ctx.post(eventWith(ctx, "objectId", "9223372036854775808")),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "occurredAt 1e400",
    why: "Infinity is not a time: dead-lettered",
    build: (ctx) => ctx.post(eventWith(ctx, "occurredAt", "1e400")),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "timestamp header of 400 digits",
    why: "the timestamp is parsed as a bounded integer, never as a float that rounds into the window",
    build: (ctx) => ctx.post(ctx.batch(1), { timestamp: "9".repeat(400) }),
    status: 401,
    reason: "timestamp-not-integer",
  },

  // --- Encodings ---------------------------------------------------------------------------------------------------
  {
    name: "invalid UTF-8 byte (0xFF) inside a string",
    why: "RFC 8259 requires UTF-8; decoding it to U+FFFD would publish a value HubSpot never sent: dead-lettered",
    build: (ctx) => ctx.post(eventWithValueBytes(ctx, Buffer.from([0x61, 0xff, 0x62]))),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "overlong UTF-8 encoding of '/' (0xC0 0xAF)",
    why: "the classic filter bypass; invalid UTF-8, refused like any other",
    build: (ctx) => ctx.post(eventWithValueBytes(ctx, Buffer.from([0xc0, 0xaf]))),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "UTF-8-encoded lone surrogate (0xED 0xA0 0x80)",
    why: "not valid UTF-8 either",
    build: (ctx) => ctx.post(eventWithValueBytes(ctx, Buffer.from([0xed, 0xa0, 0x80]))),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "raw NUL byte inside a JSON string",
    why: "control characters must be escaped in JSON: that event is not valid JSON, dead-lettered",
    build: (ctx) => ctx.post(eventWithValueBytes(ctx, Buffer.from([0x00]))),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "escaped \\u0000 inside propertyValue",
    why: "valid JSON: the value is published as sent, NUL included",
    build: (ctx) => ctx.post(eventWith(ctx, "propertyValue", '"a\\u0000b"')),
    status: 204,
    published: 1,
    verify: ([payload]) => assert.equal(payload.propertyValue, "a\u0000b"),
  },
  {
    name: "NUL byte in a header value",
    why: "refused by the HTTP parser before any of our code runs",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: ["X-Evil: a\u0000b"] }),
    status: 400,
  },
  {
    name: "NUL byte in the path",
    why: "refused by the HTTP parser",
    build: (ctx) => ctx.raw(`POST ${WEBHOOK}\u0000 HTTP/1.1\r\nHost: ${ctx.host}\r\nConnection: close\r\n\r\n`),
    status: 400,
  },
  {
    name: "a request line that is not HTTP",
    why: "garbage on the port gets 400, the server keeps serving",
    build: (ctx) => ctx.raw("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 hello\r\n\r\n"),
    status: 400,
  },

  // --- Duplicated headers ------------------------------------------------------------------------------------------
  {
    name: "two v3 signatures, the first valid",
    why: "Node joins repeated custom headers with ', ': an ambiguous signature is malformed, never 'one of them'",
    build: (ctx) => {
      const body = ctx.batch(1);
      const valid = ctx.signatureHeaders(body)["x-hubspot-signature-v3"];
      return ctx.rawPost(body, { lines: [`X-HubSpot-Signature-v3: ${valid.replace(/^./, "A")}`] });
    },
    status: 401,
    reason: "signature-malformed",
  },
  {
    name: "the same valid v3 signature twice",
    why: "even identical duplicates are refused: a proxy that duplicates headers is misconfigured",
    build: (ctx) => {
      const body = ctx.batch(1);
      return ctx.rawPost(body, {
        lines: [`X-HubSpot-Signature-v3: ${ctx.signatureHeaders(body)["x-hubspot-signature-v3"]}`],
      });
    },
    status: 401,
    reason: "signature-malformed",
  },
  {
    name: "two request timestamps",
    why: "joined, the timestamp is not an integer: 401",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: [`X-HubSpot-Request-Timestamp: ${ctx.now()}`] }),
    status: 401,
    reason: "timestamp-not-integer",
  },
  {
    name: "two Content-Types, text/plain first",
    why: "Node keeps the first Content-Type: judged as text/plain",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { contentType: "text/plain", lines: ["Content-Type: application/json"] }),
    status: 415,
  },
  {
    name: "two Content-Types, application/json first",
    why: "Node keeps the first Content-Type; the signature, not the media type, is what vouches for the body",
    build: (ctx) => ctx.rawPost(ctx.batch(2), { lines: ["Content-Type: text/html"] }),
    status: 204,
    published: 2,
  },
  {
    name: "two Host headers",
    why: "RFC 9112 3.2: a request with more than one Host is answered 400 (the Host is part of the signed URI)",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: ["Host: evil.example"] }),
    status: 400,
    error: /2 Host headers; the rule is exactly one/,
  },

  // --- Protocol tricks (HTTP/1.1 framing; answered by Node's parser unless said otherwise) ------------------------
  {
    name: "HTTP/1.1 request without Host",
    why: "RFC 9112 3.2: Host is mandatory in HTTP/1.1",
    build: (ctx) => {
      const body = ctx.batch(1);
      const signature = ctx.signatureHeaders(body);
      return ctx.raw(
        `POST ${WEBHOOK} HTTP/1.1\r\nContent-Type: application/json\r\n` +
          `X-HubSpot-Signature-v3: ${signature["x-hubspot-signature-v3"]}\r\n` +
          `X-HubSpot-Request-Timestamp: ${signature["x-hubspot-request-timestamp"]}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
    status: 400,
  },
  {
    name: "HTTP/1.0 request without Host, signed for the listener's host",
    why: "without Host the signed URI cannot be rebuilt: the signature cannot match, nothing is accepted on trust",
    build: (ctx) => {
      const body = ctx.batch(1);
      const signature = ctx.signatureHeaders(body);
      return ctx.raw(
        `POST ${WEBHOOK} HTTP/1.0\r\nContent-Type: application/json\r\n` +
          `X-HubSpot-Signature-v3: ${signature["x-hubspot-signature-v3"]}\r\n` +
          `X-HubSpot-Request-Timestamp: ${signature["x-hubspot-request-timestamp"]}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "signature header folded over two lines (obs-fold)",
    why: "RFC 9112 5.2: obsolete line folding is refused, never unfolded into a different value",
    build: (ctx) => {
      const body = ctx.batch(1);
      const signature = ctx.signatureHeaders(body)["x-hubspot-signature-v3"];
      return ctx.rawPost(body, {
        lines: [`X-HubSpot-Signature-v3: ${signature.slice(0, 20)}\r\n ${signature.slice(20)}`],
      });
    },
    status: 400,
  },
  {
    name: "whitespace between a header name and the colon",
    why: "RFC 9112 5.1: must be refused (a proxy and the server could read different header names)",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: ["X-HubSpot-Signature-v3 : x"] }),
    status: 400,
  },
  {
    name: "bare LF line endings",
    why: "Node's strict parser refuses them; a lenient one would disagree with proxies on where headers end",
    build: (ctx) => ctx.raw(`POST ${WEBHOOK} HTTP/1.1\nHost: ${ctx.host}\nContent-Length: 2\nConnection: close\n\n[]`),
    status: 400,
  },
  {
    name: "the HTTP/2 connection preface on the HTTP/1.1 port",
    why: "prior-knowledge h2 is not spoken here: 400, connection closed",
    build: (ctx) => ctx.raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    status: 400,
  },
  {
    name: "Transfer-Encoding: gzip",
    why: "a transfer coding we cannot frame: refused",
    build: (ctx) => ctx.rawPost("[]", { contentLength: null, lines: ["Transfer-Encoding: gzip"] }),
    status: 400,
  },
  {
    name: "Transfer-Encoding: chunked twice",
    why: "a repeated transfer coding is a smuggling probe",
    build: (ctx) =>
      ctx.rawPost("2\r\n[]\r\n0\r\n\r\n", {
        contentLength: null,
        lines: ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
      }),
    status: 400,
  },
  {
    name: "Content-Length with a sign (+2)",
    why: "only digits are a length",
    build: (ctx) => ctx.rawPost("[]", { contentLength: "+2" }),
    status: 400,
  },
  {
    name: "Content-Length one byte short of the signed body",
    why: "the leftover byte starts a second request that is not HTTP: Node answers 400 and closes before our 401",
    build: (ctx) => {
      const body = ctx.batch(1);
      return ctx.rawPost(body, { contentLength: String(Buffer.byteLength(body) - 1) });
    },
    status: 400,
  },
  {
    name: "a signed batch smuggled inside the body of an oversized request",
    why: "after a 413 the connection is closed: the bytes that follow are never parsed as a second request",
    build: (ctx) => {
      const smuggled = ctx.rawPost(ctx.batch(2)).parts.join("");
      return ctx.rawPost(smuggled, { contentLength: String(2 * MIB) });
    },
    status: 413,
  },
  {
    name: "Expect: 100-continue with 10 MiB announced",
    why: "the 413 is decided on the announced length; the interim 100 Node sends is skipped by the client",
    build: (ctx) => ctx.rawPost("", { contentLength: String(10 * MIB), lines: ["Expect: 100-continue"] }),
    status: 413,
  },
  {
    name: "Expect: with an unknown expectation",
    why: "RFC 9110 10.1.1: 417",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: ["Expect: the-unexpected"] }),
    status: 417,
  },
  {
    name: "a fragment in the request target",
    why: "fragments are never sent by clients: the target is not the webhook path",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { path: `${WEBHOOK}#frag` }),
    status: 404,
  },
  {
    name: "100 clients trickling headers at once, and a health check meanwhile",
    why: "a slow-loris flood: every slow connection gets 408 while /healthz is still answered",
    build: (ctx) => [
      ...Array.from({ length: 100 }, () =>
        ctx.raw(`POST ${WEBHOOK} HTTP/1.1\r\nHost: ${ctx.host}\r\n`, ...trickle("X-Slow: ".repeat(4), 100)),
      ),
      ctx.raw({ pauseMs: 300 }, `GET /healthz HTTP/1.1\r\nHost: ${ctx.host}\r\nConnection: close\r\n\r\n`),
    ],
    concurrent: true,
    status: [...Array.from({ length: 100 }, () => 408), 200],
  },

  // --- Oversized headers (Node's 16 KiB default) -------------------------------------------------------------------
  {
    name: "one 17 KiB header",
    why: "over Node's max header size: 431 before our handler runs",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: [`X-Big: ${"a".repeat(17 * KIB)}`] }),
    status: 431,
  },
  {
    name: "3,000 small headers (about 30 KiB in all)",
    why: "many headers add up to the same limit (Node counts names and values)",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { lines: Array.from({ length: 3000 }, (_, i) => `X-H${i}: vvvv`) }),
    status: 431,
  },
  {
    name: "a 20 KiB signature header",
    why: "an oversized signature is refused by the parser, never hashed",
    build: (ctx) => ctx.post(ctx.batch(1), { headers: { "x-hubspot-signature-v3": "A".repeat(20 * KIB) } }),
    status: 431,
  },
  {
    name: "a 17 KiB path",
    why: "the request target counts toward the header limit",
    build: (ctx) => ctx.plain("POST", `${WEBHOOK}?${"q".repeat(17 * KIB)}`),
    status: 431,
  },

  // --- Wrong methods -----------------------------------------------------------------------------------------------
  ...(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] as const).map((method): HostileCase => ({
    name: `${method} on the webhook path, signed`,
    why: "only POST is a delivery; 405 with Allow: POST, even when the signature would be valid",
    build: (ctx) => ctx.post(ctx.batch(1), { method }),
    status: 405,
    headers: { allow: "POST" },
  })),
  {
    name: "an unknown method",
    why: "refused by the HTTP parser",
    build: (ctx) => ctx.raw(`BREW ${WEBHOOK} HTTP/1.1\r\nHost: ${ctx.host}\r\nConnection: close\r\n\r\n`),
    status: 400,
  },

  // --- Wrong paths (no normalisation: the signed URI is the path as sent) ------------------------------------------
  ...[
    ["trailing slash", `${WEBHOOK}/`],
    ["double leading slash", `/${WEBHOOK}`],
    ["double inner slash", "/webhooks//hubspot"],
    ["dot-dot segment", "/webhooks/../webhooks/hubspot"],
    ["percent-encoded letter", "/webhooks/%68ubspot"],
    ["percent-encoded slash", "/webhooks%2Fhubspot"],
    ["different case", "/Webhooks/HubSpot"],
    ["unknown path", "/webhooks/hubspot2"],
    ["health path", "/healthz"],
  ].map(([label, path]): HostileCase => ({
    name: `POST to ${label} (${path.length > 40 ? path.slice(0, 40) + "..." : path}), signed for that path`,
    why: "only the exact webhook path is a delivery; the path is never normalised into it",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { path, uri: `https://${ctx.host}${path}` }),
    status: 404,
  })),
  {
    name: "absolute-form request target naming another host",
    why: "a proxy-style request line is not our path: 404",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { path: `http://evil.example${WEBHOOK}` }),
    status: 404,
  },

  // --- Replays, clocks, wrong URLs ---------------------------------------------------------------------------------
  {
    name: "the same signed batch twice",
    why: "HubSpot retries with the same events: the second delivery is 204 but publishes nothing again",
    build: (ctx) => {
      const request = ctx.post(ctx.batch(3));
      return [request, request];
    },
    status: [204, 204],
    published: 3,
  },
  {
    name: "the same events re-signed with attemptNumber + 1",
    why: "a real HubSpot retry changes attemptNumber and the signature; the dedupKey ignores both",
    build: (ctx) => {
      const events = ctx.batch(3);
      return [ctx.post(events), ctx.post(events.replace(/"attemptNumber":0/g, '"attemptNumber":1'))];
    },
    status: [204, 204],
    published: 3,
  },
  {
    name: "timestamp 6 minutes in the future",
    why: "a pre-signed request for later replay: refused beyond the 5 minute skew",
    build: (ctx) => ctx.post(ctx.batch(1), { timestamp: ctx.now() + 6 * 60_000 }),
    status: 401,
    reason: "timestamp-in-future",
  },
  {
    name: "timestamp 6 minutes old",
    why: "a captured request replayed later: refused",
    build: (ctx) => ctx.post(ctx.batch(1), { timestamp: ctx.now() - 6 * 60_000 }),
    status: 401,
    reason: "timestamp-too-old",
  },
  {
    name: "timestamp in seconds instead of milliseconds",
    why: "reads as 1970: too old",
    build: (ctx) => ctx.post(ctx.batch(1), { timestamp: Math.floor(ctx.now() / 1000) }),
    status: 401,
    reason: "timestamp-too-old",
  },
  {
    name: "timestamp in exponent notation",
    why: "only digits are a timestamp",
    build: (ctx) => ctx.post(ctx.batch(1), { timestamp: (ctx.now() / 1e12).toString() + "e12" }),
    status: 401,
    reason: "timestamp-not-integer",
  },
  {
    name: "signature for another path",
    why: "a signature captured for another endpoint of the app does not carry over",
    build: (ctx) => ctx.post(ctx.batch(1), { uri: `https://${ctx.host}/webhooks/other` }),
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "signature for another host",
    why: "a signature made for another deployment does not carry over",
    build: (ctx) => ctx.post(ctx.batch(1), { uri: `https://evil.example${WEBHOOK}` }),
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "signature for http:// instead of https://",
    why: "HubSpot only calls https; the listener never trusts the request's own scheme",
    build: (ctx) => ctx.post(ctx.batch(1), { uri: `http://${ctx.host}${WEBHOOK}` }),
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "signature computed for GET, sent as POST",
    why: "the method is part of what is signed",
    build: (ctx) => {
      const body = ctx.batch(1);
      return { ...ctx.post(body, { method: "GET" }), method: "POST" };
    },
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "one byte of the body changed after signing",
    why: "tampering",
    build: (ctx) => {
      const body = ctx.batch(1);
      return ctx.post(body.replace('"propertyValue":"', '"propertyValue":"x'), { signedBody: body });
    },
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "signature made with another secret",
    why: "forgery",
    build: (ctx) => ctx.post(ctx.batch(1), { secret: `${SECRET}-not` }),
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "signature in base64url",
    why: "HubSpot sends standard base64; an alphabet variant is malformed, not decoded leniently",
    build: (ctx) => {
      const body = ctx.batch(1);
      let signature = "";
      let timestamp = ctx.now();
      // Retry until the signature contains + or /, so base64url actually differs.
      for (; !/[+/]/.test(signature); timestamp++)
        signature = ctx.signatureHeaders(body, { timestamp })["x-hubspot-signature-v3"];
      return ctx.post(body, {
        timestamp: timestamp - 1,
        headers: { "x-hubspot-signature-v3": signature.replace(/\+/g, "-").replace(/\//g, "_") },
      });
    },
    status: 401,
    reason: "signature-malformed",
  },
  {
    name: "legacy v1 signature while legacy signatures are disabled",
    why: "v1 carries no timestamp and can be replayed forever: refused unless explicitly allowed",
    build: (ctx) =>
      ctx.plain("POST", WEBHOOK, { "content-type": "application/json", "x-hubspot-signature": "a".repeat(64) }),
    status: 401,
    reason: "legacy-signature-disabled",
  },

  // --- Percent-encoding and unicode in the URL (HubSpot's v3 decoding rule) ----------------------------------------
  {
    name: "query with %2F %3F %40 signed on the decoded URI",
    why: "HubSpot decodes exactly those escapes before signing: the listener must apply the same rule",
    build: (ctx) =>
      ctx.post(ctx.batch(2), {
        path: `${WEBHOOK}?next=%2Fa%3Fb%40c%3A%21`,
        uri: `https://${ctx.host}${WEBHOOK}?next=/a?b@c:!`,
      }),
    status: 204,
    published: 2,
  },
  {
    name: "query with %20 signed on a decoded space",
    why: "%20 is not in HubSpot's decoded list: a signer that decodes it is not HubSpot",
    build: (ctx) => ctx.post(ctx.batch(1), { path: `${WEBHOOK}?q=a%20b`, uri: `https://${ctx.host}${WEBHOOK}?q=a b` }),
    status: 401,
    reason: "signature-mismatch",
  },
  {
    name: "query with percent-encoded unicode (%C3%A9) signed as sent",
    why: "escapes outside HubSpot's list stay as sent on both sides",
    build: (ctx) => ctx.post(ctx.batch(1), { path: `${WEBHOOK}?name=%C3%A9` }),
    status: 204,
    published: 1,
  },
  {
    name: "raw UTF-8 bytes in the query",
    why: "not a valid request target (RFC 3986 allows ASCII only): refused by the HTTP parser",
    build: (ctx) => ctx.rawPost(ctx.batch(1), { path: `${WEBHOOK}?name=\u00e9t\u00e9` }),
    status: 400,
  },

  // --- Content-Type tricks -----------------------------------------------------------------------------------------
  ...[
    ["text/plain", 415],
    ["application/jsonp", 415],
    ["application/json, text/html", 415],
    ["application/x-www-form-urlencoded", 415],
    ["multipart/form-data; boundary=x", 415],
    ["json", 415],
    ["application/json; charset=utf-8", 204],
    ["APPLICATION/JSON", 204],
    ["application/vnd.hubspot+json", 204],
  ].map(([contentType, status]): HostileCase => ({
    name: `Content-Type: ${contentType}`,
    why:
      status === 415
        ? "not JSON by its media type: 415 before the body is read"
        : "a JSON media type (parameters and case ignored, +json suffix accepted)",
    build: (ctx) => ctx.post(ctx.batch(1), { contentType: contentType as string }),
    status: status as number,
    published: status === 204 ? 1 : 0,
  })),
  {
    name: "no Content-Type",
    why: "a body of unknown type is not read",
    build: (ctx) => ctx.post(ctx.batch(1), { contentType: null }),
    status: 415,
  },

  // --- Bodies that are not a batch ---------------------------------------------------------------------------------
  ...(
    [
      ["empty body", "", /body is empty; the rule is a JSON array of events/],
      ["null", "null", /body is null; the rule is a JSON array of events/],
      ["an object", "{}", /body is a JSON object; the rule is a JSON array of events/],
      ["a string", '"string"', /body is a JSON string; the rule/],
      ["a number", "42", /body is a JSON number; the rule/],
      ["true", "true", /body is a JSON boolean; the rule/],
      ["a UTF-8 byte order mark before the array", "\ufeff[]", /body is not JSON; the rule is a JSON array/],
    ] as const
  ).map(([label, body, error]): HostileCase => ({
    name: `signed body: ${label}`,
    why: "not a JSON array of events: kept whole as one dead letter, then 400 naming the rule, nothing published",
    build: (ctx) => ctx.post(body),
    status: 400,
    error,
    deadLetters: 1,
  })),
  {
    name: "signed body: truncated JSON",
    why: "the array never closes: its cut-off last element is dead-lettered with its bytes, the rest answered 204",
    build: (ctx) => ctx.post('[{"objectId":1'),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "signed body: two arrays back to back",
    why: "the first array's events are judged; the bytes after its end are kept as one dead letter",
    build: (ctx) => ctx.post("[][]"),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "signed body: an empty array",
    why: "a valid, empty batch: 204 and nothing to publish",
    build: (ctx) => ctx.post("[]"),
    status: 204,
  },
  {
    name: "an array of 101 events",
    why: "HubSpot sends at most 100, but the body limit (not the count) bounds the work: all signed events published",
    build: (ctx) => ctx.post(ctx.batch(101)),
    status: 204,
    published: 101,
  },
  {
    name: "events with wrong field types",
    why: "signed but malformed events are dead-lettered one by one, with a reason",
    build: (ctx) =>
      ctx.post(
        "[" +
          [
            eventWith(ctx, "objectId", '{"id":1}'),
            eventWith(ctx, "portalId", "[1]"),
            eventWith(ctx, "subscriptionType", "7"),
            eventWith(ctx, "occurredAt", '"yesterday"'),
            eventWith(ctx, "attemptNumber", "-1"),
            eventWith(ctx, "propertyName", "null"),
          ]
            .map((batch) => batch.slice(1, -1))
            .join(",") +
          "]",
      ),
    status: 204,
    deadLetters: 6,
  },
  {
    name: "a batch mixing valid and malformed events",
    why: "valid events are published, malformed ones dead-lettered, one answer for the batch",
    build: (ctx) =>
      ctx.post(`[${ctx.eventText()},null,[],${ctx.eventText("deal.creation")},{"subscriptionType":"ticket.creation"}]`),
    status: 204,
    published: 2,
    deadLetters: 3,
  },
  {
    name: "the same event twice in one batch",
    why: "a duplicate inside the batch is published once",
    build: (ctx) => {
      const event = ctx.eventText();
      return ctx.post(`[${event},${event}]`);
    },
    status: 204,
    published: 1,
  },

  // --- Prototype pollution -----------------------------------------------------------------------------------------
  {
    name: "__proto__ carrying the event's fields",
    why: "an own __proto__ key must stay data: the event lacks its fields and is dead-lettered, Object.prototype intact",
    build: (ctx) => ctx.post(`[{"__proto__":${ctx.eventText()},"polluted":1}]`),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "__proto__ on the lossless parser path (16-digit id)",
    why: "the int64 parser must define __proto__ as data too",
    build: (ctx) => ctx.post(`[{"__proto__":{"polluted":true},"objectId":1234567890123456789}]`),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "constructor.prototype inside a valid event",
    why: "extra keys are carried in raw as data, never merged into a prototype",
    build: (ctx) => ctx.post(eventWith(ctx, "constructor", '{"prototype":{"polluted":true}}')),
    status: 204,
    published: 1,
    verify: ([payload]) => {
      assert.ok(Object.hasOwn(payload.raw, "constructor"), "constructor kept as an own key of raw");
      assert.equal(Object.getPrototypeOf(payload.raw), Object.prototype);
    },
  },
  {
    name: "__proto__ as the whole body's key",
    why: "an object with a __proto__ key is still not an array: dead-lettered whole, 400",
    build: (ctx) => ctx.post('{"__proto__":[]}'),
    status: 400,
    error: /the rule is a JSON array of events/,
    deadLetters: 1,
  },

  // --- One poison event among valid ones: no event held hostage ------------------------------------------------------
  {
    name: "a lone surrogate in propertyName among 50 valid events",
    why: "Pub/Sub attributes are UTF-8: refused before sending (one refused message fails its whole RPC), neighbours published",
    build: (ctx) =>
      ctx.post(`[${eventWith(ctx, "propertyName", '"firstname\\ud800"').slice(1, -1)},${ctx.batch(50).slice(1)}`),
    status: 204,
    published: 50,
    deadLetters: 1,
  },
  {
    name: "a repeated key in one event, no number above 2^53 in the batch",
    why: "JSON.parse would keep the last value silently: the event is dead-lettered, its neighbours published",
    build: (ctx) => ctx.post(`[${eventWith(ctx, "objectId", '1,"objectId":2').slice(1, -1)},${ctx.batch(3).slice(1)}`),
    status: 204,
    published: 3,
    deadLetters: 1,
  },
  {
    name: "a repeated key in one event beside an id above 2^53",
    why: "the lossless parser used to answer 400 for the whole batch: now the same rule as without, one dead letter",
    build: (ctx) =>
      ctx.post(
        `[${eventWith(ctx, "objectId", '9007199254740993,"objectId":9007199254740995').slice(1, -1)},${ctx.batch(3).slice(1)}`,
      ),
    status: 204,
    published: 3,
    deadLetters: 1,
  },
  {
    name: "an extra field and propertyValue of 1e400",
    why: "values as sent: the digits are kept as text, not Infinity or null",
    build: (ctx) => ctx.post(eventWith(ctx, "propertyValue", '1e400,"big":1e400')),
    status: 204,
    published: 1,
    verify: ([payload]) => {
      assert.equal(payload.propertyValue, "1e400");
      assert.equal(payload.raw.big, "1e400");
      assert.equal(payload.raw.propertyValue, "1e400");
    },
  },
  {
    name: "a 2,000-byte propertyName",
    why: "Pub/Sub caps attribute values at 1,024 bytes (https://cloud.google.com/pubsub/quotas#resource_limits): dead-lettered, never cut",
    build: (ctx) =>
      ctx.post(`[${eventWith(ctx, "propertyName", `"${"p".repeat(2000)}"`).slice(1, -1)},${ctx.batch(2).slice(1)}`),
    status: 204,
    published: 2,
    deadLetters: 1,
  },

  // --- Very long strings -------------------------------------------------------------------------------------------
  {
    name: "a 900 KiB propertyValue",
    why: "a long value within the body limit is published intact; logs must not echo it",
    build: (ctx) => ctx.post(eventWith(ctx, "propertyValue", `"${"v".repeat(900 * KIB)}"`)),
    status: 204,
    published: 1,
    verify: ([payload]) => assert.equal(payload.propertyValue?.length, 900 * KIB),
  },
  {
    name: "a 900 KiB subscriptionType",
    why: "dead-lettered; the reason quotes at most a short prefix of the value",
    build: (ctx) => ctx.post(eventWith(ctx, "subscriptionType", `"${"s".repeat(900 * KIB)}.creation"`)),
    status: 204,
    deadLetters: 1,
  },
  {
    name: "900 KiB of escaped unicode in a string",
    why: "\\uXXXX escapes expand on parse; still bounded by the body limit",
    build: (ctx) => ctx.post(eventWith(ctx, "propertyValue", `"${"\\u00e9".repeat(150 * KIB)}"`)),
    status: 204,
    published: 1,
    verify: ([payload]) => assert.equal(payload.propertyValue, "\u00e9".repeat(150 * KIB)),
  },
];
