/**
 * Signature v3 check (X-HubSpot-Signature-v3 + X-HubSpot-Request-Timestamp).
 *
 * Written here rather than calling `Signature.isValid` from @hubspot/api-client because that function compares with
 * `===` (the time it takes leaks how many leading characters matched), throws instead of answering on stale
 * timestamps, accepts timestamps in the future and skips the age check for non-numeric ones. We reject a timestamp
 * that is not an integer or is more than `maxSkewMs` off in either direction, and compare digests with
 * `crypto.timingSafeEqual`. The tests cross-check the signature itself against the SDK for valid cases.
 */
import { timingSafeEqual } from "node:crypto";
import { hmacV3 } from "./sign";

export type VerifyFailure =
  | "missing-signature"
  | "missing-timestamp"
  | "timestamp-not-integer"
  | "timestamp-too-old"
  | "timestamp-in-future"
  | "signature-malformed"
  | "signature-mismatch"
  | "legacy-signature-disabled"
  | "unsupported-signature-version";

export type VerifyResult =
  { ok: true; version: "v1" | "v2" | "v3"; secretIndex: number } | { ok: false; reason: VerifyFailure };

export interface VerifyV3Input {
  method: string;
  /** The URI HubSpot called (see uri.ts); decoded here. */
  uri: string;
  body: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  /** Current secret first, then the previous one during a rotation. */
  secrets: readonly Buffer[];
  nowMs: number;
  maxSkewMs: number;
}

const INTEGER = /^\d{1,16}$/;
// base64 of a 32-byte digest: 43 characters and one "=" pad.
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

export function verifyV3(input: VerifyV3Input): VerifyResult {
  const { signature, timestamp } = input;
  if (!signature) return { ok: false, reason: "missing-signature" };
  if (!timestamp) return { ok: false, reason: "missing-timestamp" };
  if (!INTEGER.test(timestamp)) return { ok: false, reason: "timestamp-not-integer" };
  const skew = input.nowMs - Number(timestamp);
  if (skew > input.maxSkewMs) return { ok: false, reason: "timestamp-too-old" };
  if (-skew > input.maxSkewMs) return { ok: false, reason: "timestamp-in-future" };
  if (!BASE64_SHA256.test(signature)) return { ok: false, reason: "signature-malformed" };
  const presented = Buffer.from(signature, "base64");
  for (let index = 0; index < input.secrets.length; index++) {
    const expected = hmacV3({ ...input, secret: input.secrets[index], timestamp });
    if (timingSafeEqual(expected, presented)) return { ok: true, version: "v3", secretIndex: index };
  }
  return { ok: false, reason: "signature-mismatch" };
}
