/**
 * HubSpot's request signatures, computed the way HubSpot computes them. Used by the verifiers, the tests and
 * `scripts/send-test-event.ts`; knows nothing of HTTP.
 * - v3: base64(HMAC-SHA256(secret, method + uri + body + timestamp)), uri after HubSpot's decoding rule.
 * - v2: hex(SHA-256(secret + method + uri + body)).
 * - v1: hex(SHA-256(secret + body)).
 */
import { createHash, createHmac } from "node:crypto";
import { decodeV3Uri } from "./uri";

export interface SignV3Input {
  secret: string | Buffer;
  method: string;
  uri: string;
  body: string | Buffer;
  /** Milliseconds since the epoch, as sent in X-HubSpot-Request-Timestamp. */
  timestamp: string | number;
}

/** Raw HMAC bytes (the verifier compares bytes, not strings). */
export function hmacV3(input: SignV3Input): Buffer {
  // update() per part instead of concatenating: no copy of the (up to 1 MiB) body.
  return createHmac("sha256", input.secret)
    .update(input.method)
    .update(decodeV3Uri(input.uri))
    .update(input.body)
    .update(String(input.timestamp))
    .digest();
}

export function signV3(input: SignV3Input): string {
  return hmacV3(input).toString("base64");
}

export function signV2(input: { secret: string | Buffer; method: string; uri: string; body: string | Buffer }): string {
  return createHash("sha256")
    .update(input.secret)
    .update(input.method)
    .update(input.uri)
    .update(input.body)
    .digest("hex");
}

export function signV1(input: { secret: string | Buffer; body: string | Buffer }): string {
  return createHash("sha256").update(input.secret).update(input.body).digest("hex");
}
