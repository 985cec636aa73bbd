/**
 * Signatures v1 and v2 (X-HubSpot-Signature + X-HubSpot-Signature-Version), accepted only when
 * ALLOW_LEGACY_SIGNATURES=true: they carry no timestamp, so a captured request can be replayed forever; the replay
 * cache limits the damage within its window only. Constant-time comparison for the same reason as v3.
 */
import { timingSafeEqual } from "node:crypto";
import { signV1, signV2 } from "./sign";
import type { VerifyResult } from "./verify-v3";

export interface VerifyLegacyInput {
  method: string;
  uri: string;
  body: Buffer;
  signature: string | undefined;
  /** X-HubSpot-Signature-Version; HubSpot sends "v1" or "v2". */
  version: string | undefined;
  secrets: readonly Buffer[];
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function verifyLegacy(input: VerifyLegacyInput): VerifyResult {
  if (!input.signature) return { ok: false, reason: "missing-signature" };
  const version = (input.version ?? "v1").toLowerCase();
  if (version !== "v1" && version !== "v2") return { ok: false, reason: "unsupported-signature-version" };
  if (!HEX_SHA256.test(input.signature)) return { ok: false, reason: "signature-malformed" };
  const presented = Buffer.from(input.signature.toLowerCase(), "latin1");
  for (let index = 0; index < input.secrets.length; index++) {
    const secret = input.secrets[index];
    const expected =
      version === "v1"
        ? signV1({ secret, body: input.body })
        : signV2({ secret, method: input.method, uri: input.uri, body: input.body });
    if (timingSafeEqual(Buffer.from(expected, "latin1"), presented)) return { ok: true, version, secretIndex: index };
  }
  return { ok: false, reason: "signature-mismatch" };
}
