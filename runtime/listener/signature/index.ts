/**
 * Picks the check a request calls for: v3 when X-HubSpot-Signature-v3 is present, else v1/v2 when legacy
 * signatures are allowed. A request carrying both is judged on v3 only (HubSpot sends both to apps that predate v3).
 */
import type { IncomingHttpHeaders } from "node:http";
import { verifyLegacy } from "./verify-legacy";
import { verifyV3, type VerifyFailure, type VerifyResult } from "./verify-v3";

export type { VerifyFailure, VerifyResult } from "./verify-v3";
export { signV1, signV2, signV3 } from "./sign";
export { decodeV3Uri, requestUri } from "./uri";

export interface SignaturePolicy {
  secrets: readonly Buffer[];
  allowLegacy: boolean;
  maxSkewMs: number;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Why the request cannot be verified from its headers alone, or undefined when it carries a signature we check.
 * Lets the transport answer 401 before reading the body.
 */
export function unverifiableReason(headers: IncomingHttpHeaders, policy: SignaturePolicy): VerifyFailure | undefined {
  if (header(headers, "x-hubspot-signature-v3") !== undefined) return undefined;
  if (header(headers, "x-hubspot-signature") === undefined) return "missing-signature";
  return policy.allowLegacy ? undefined : "legacy-signature-disabled";
}

export function verifyRequest(
  request: { method: string; uri: string; body: Buffer; headers: IncomingHttpHeaders },
  policy: SignaturePolicy,
  nowMs: number,
): VerifyResult {
  const v3 = header(request.headers, "x-hubspot-signature-v3");
  if (v3 === undefined && !policy.allowLegacy && header(request.headers, "x-hubspot-signature") !== undefined) {
    return { ok: false, reason: "legacy-signature-disabled" };
  }
  if (v3 !== undefined || !policy.allowLegacy) {
    return verifyV3({
      method: request.method,
      uri: request.uri,
      body: request.body,
      signature: v3,
      timestamp: header(request.headers, "x-hubspot-request-timestamp"),
      secrets: policy.secrets,
      nowMs,
      maxSkewMs: policy.maxSkewMs,
    });
  }
  return verifyLegacy({
    method: request.method,
    uri: request.uri,
    body: request.body,
    signature: header(request.headers, "x-hubspot-signature"),
    version: header(request.headers, "x-hubspot-signature-version"),
    secrets: policy.secrets,
  });
}
