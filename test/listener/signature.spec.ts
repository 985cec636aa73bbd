import assert from "node:assert/strict";
import { Signature } from "@hubspot/api-client";
import fc from "fast-check";
import { decodeV3Uri, requestUri, signV1, signV2, signV3, verifyRequest } from "../../runtime/listener/signature";
import { verifyLegacy } from "../../runtime/listener/signature/verify-legacy";
import { verifyV3, type VerifyV3Input } from "../../runtime/listener/signature/verify-v3";

// HubSpot's published vectors: @hubspot/api-client (lib/test/unit/signature.spec) and hubspot-api-python
// (tests/spec/utils/test_signature.py), which share the documentation's example secret and URL.
const DOC_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const DOC_URL = "https://www.example.com/webhook_uri";

describe("listener signatures", () => {
  describe("HubSpot's published vectors", () => {
    it("v1: SHA-256(secret + body) (Node SDK vector)", () => {
      const body =
        '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
      assert.equal(
        signV1({ secret: DOC_SECRET, body }),
        "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de",
      );
    });

    it("v1: Python SDK vector", () => {
      assert.equal(
        signV1({ secret: DOC_SECRET, body: "{'example_field':'example_value'}" }),
        "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750",
      );
    });

    it("v2: SHA-256(secret + method + uri + body), GET without body and POST with body", () => {
      assert.equal(
        signV2({ secret: DOC_SECRET, method: "GET", uri: DOC_URL, body: "" }),
        "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e",
      );
      assert.equal(
        signV2({ secret: DOC_SECRET, method: "POST", uri: DOC_URL, body: '{"example_field":"example_value"}' }),
        "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900",
      );
    });

    it("v3: base64 HMAC-SHA256(secret, method + uri + body + timestamp) (Python SDK vector)", () => {
      const input = {
        secret: DOC_SECRET,
        method: "POST",
        uri: DOC_URL,
        body: "{'example_field':'example_value'}",
        timestamp: 15000000,
      };
      assert.equal(signV3(input), "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=");
      const verdict = verifyV3({
        ...v3Input(input.body, "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=", "15000000"),
        secrets: [Buffer.from(DOC_SECRET)],
        uri: DOC_URL,
        nowMs: 15000000,
      });
      assert.deepEqual(verdict, { ok: true, version: "v3", secretIndex: 0 });
    });

    it("agrees with the SDK's Signature for any valid v1, v2 and v3 input", () => {
      fc.assert(
        fc.property(fc.string({ minLength: 8 }), fc.webUrl(), fc.string(), (secret, url, body) => {
          const timestamp = Date.now();
          const v3 = signV3({ secret, method: "POST", uri: url, body, timestamp });
          assert.equal(
            v3,
            Signature.getSignature("POST", "v3", {
              signature: "",
              clientSecret: secret,
              requestBody: body,
              url,
              timestamp,
            }),
          );
          // The SDK does not decode the URI; compare on URLs our decoding leaves unchanged.
          if (decodeV3Uri(url) === url) {
            assert.equal(
              Signature.isValid({
                signature: v3,
                clientSecret: secret,
                requestBody: body,
                url,
                timestamp,
                signatureVersion: "v3",
              }),
              true,
            );
          }
          const v2 = signV2({ secret, method: "POST", uri: url, body });
          assert.equal(
            Signature.isValid({
              signature: v2,
              clientSecret: secret,
              requestBody: body,
              url,
              method: "POST",
              signatureVersion: "v2",
            }),
            true,
          );
          assert.equal(
            Signature.isValid({ signature: signV1({ secret, body }), clientSecret: secret, requestBody: body }),
            true,
          );
        }),
        { numRuns: 200 },
      );
    });
  });

  describe("v3 verification", () => {
    const NOW = 1_764_300_000_000;
    const body = '[{"objectId":9007199254740993}]';
    const valid = (overrides: Partial<VerifyV3Input> = {}): VerifyV3Input => {
      const timestamp = overrides.timestamp ?? String(NOW);
      const signature = signV3({ secret: "s3cret-value", method: "POST", uri: DOC_URL, body, timestamp });
      return { ...v3Input(body, signature, timestamp), nowMs: NOW, ...overrides };
    };

    it("accepts a correct signature and names the secret that matched", () => {
      assert.deepEqual(verifyV3(valid()), { ok: true, version: "v3", secretIndex: 0 });
      const rotated = valid({ secrets: [Buffer.from("new-secret-after-rotation"), Buffer.from("s3cret-value")] });
      assert.deepEqual(verifyV3(rotated), { ok: true, version: "v3", secretIndex: 1 });
    });

    it("rejects a tampered body, URL, method or timestamp", () => {
      assert.equal(reason(verifyV3(valid({ body: Buffer.from(body.replace("993", "992")) }))), "signature-mismatch");
      assert.equal(reason(verifyV3(valid({ uri: DOC_URL + "?x=1" }))), "signature-mismatch");
      assert.equal(reason(verifyV3(valid({ method: "PUT" }))), "signature-mismatch");
      const input = valid();
      assert.equal(reason(verifyV3({ ...input, timestamp: String(NOW - 1) })), "signature-mismatch");
      assert.equal(reason(verifyV3(valid({ secrets: [Buffer.from("another-secret")] }))), "signature-mismatch");
    });

    it("rejects timestamps beyond the skew in either direction, accepts the edges", () => {
      const at = (timestamp: number) => reason(verifyV3(valid({ timestamp: String(timestamp) })));
      assert.equal(at(NOW - 300_000), "ok");
      assert.equal(at(NOW + 300_000), "ok");
      assert.equal(at(NOW - 300_001), "timestamp-too-old");
      assert.equal(at(NOW + 300_001), "timestamp-in-future");
    });

    it("rejects missing or non-integer timestamps and missing or malformed signatures", () => {
      assert.equal(reason(verifyV3(valid({ timestamp: undefined }))), "missing-timestamp");
      assert.equal(reason(verifyV3(valid({ timestamp: "1764300000000.5" }))), "timestamp-not-integer");
      assert.equal(reason(verifyV3(valid({ timestamp: "abc" }))), "timestamp-not-integer");
      assert.equal(reason(verifyV3(valid({ timestamp: "-1764300000000" }))), "timestamp-not-integer");
      assert.equal(reason(verifyV3(valid({ signature: undefined }))), "missing-signature");
      assert.equal(reason(verifyV3(valid({ signature: "not base64!" }))), "signature-malformed");
      const good = valid().signature!;
      assert.equal(reason(verifyV3(valid({ signature: good.slice(0, -1) }))), "signature-malformed");
      assert.equal(reason(verifyV3(valid({ signature: good.replace(/=$/, "") }))), "signature-malformed");
    });

    it("compares + and / in base64 exactly (a signature using them verifies; a url-safe rewrite does not)", () => {
      // Find a timestamp whose signature contains both + and /, so the check is not vacuous.
      let input = valid();
      for (let offset = 0; !(/\+/.test(input.signature!) && /\//.test(input.signature!)); offset++) {
        input = valid({ timestamp: String(NOW - offset) });
      }
      assert.equal(reason(verifyV3(input)), "ok");
      const urlSafe = input.signature!.replace(/\+/g, "-").replace(/\//g, "_");
      assert.equal(reason(verifyV3({ ...input, signature: urlSafe })), "signature-malformed");
    });

    it("decodes exactly HubSpot's list of percent escapes in the URI, in either case", () => {
      assert.equal(
        decodeV3Uri("https://h.example/p%3Aa%2Fb%3Fc%40d%21e%24f%27g%28h%29i%2Aj%2Ck%3Bl"),
        "https://h.example/p:a/b?c@d!e$f'g(h)i*j,k;l",
      );
      assert.equal(decodeV3Uri("https://h.example/a%3ab%2fc"), "https://h.example/a:b/c");
      assert.equal(decodeV3Uri("https://h.example/a%20b%2Bc%25d"), "https://h.example/a%20b%2Bc%25d");
      // Signed over the decoded form: a request to the encoded URL verifies.
      const encodedUri = "https://h.example/webhooks/hubspot?tenant=acme%3Aprod&note=a%20b";
      const timestamp = String(NOW);
      const signature = signV3({
        secret: "s3cret-value",
        method: "POST",
        uri: "https://h.example/webhooks/hubspot?tenant=acme:prod&note=a%20b",
        body,
        timestamp,
      });
      assert.equal(reason(verifyV3({ ...valid(), uri: encodedUri, signature })), "ok");
    });
  });

  describe("legacy v1/v2 and the dispatch between versions", () => {
    const body = Buffer.from('[{"eventId":1}]');
    const secrets = [Buffer.from("legacy-secret-1")];
    const headersFor = (version: string, signature: string) => ({
      "x-hubspot-signature": signature,
      "x-hubspot-signature-version": version,
    });

    it("accepts v1 and v2 only when legacy signatures are allowed", () => {
      const v1 = signV1({ secret: secrets[0], body });
      const request = { method: "POST", uri: DOC_URL, body, headers: headersFor("v1", v1) };
      assert.equal(
        reason(verifyRequest(request, { secrets, allowLegacy: true, maxSkewMs: 300_000 }, Date.now())),
        "ok",
      );
      assert.equal(
        reason(verifyRequest(request, { secrets, allowLegacy: false, maxSkewMs: 300_000 }, Date.now())),
        "legacy-signature-disabled",
      );
      const v2 = signV2({ secret: secrets[0], method: "POST", uri: DOC_URL, body });
      const v2Request = { ...request, headers: headersFor("v2", v2) };
      assert.equal(
        reason(verifyRequest(v2Request, { secrets, allowLegacy: true, maxSkewMs: 300_000 }, Date.now())),
        "ok",
      );
      assert.equal(
        reason(
          verifyRequest(
            { ...v2Request, uri: DOC_URL + "x" },
            { secrets, allowLegacy: true, maxSkewMs: 300_000 },
            Date.now(),
          ),
        ),
        "signature-mismatch",
      );
    });

    it("rejects unknown versions, malformed hex and a v1 signature presented as v2", () => {
      const v1 = signV1({ secret: secrets[0], body });
      assert.equal(
        reason(verifyLegacy({ method: "POST", uri: DOC_URL, body, signature: v1, version: "v9", secrets })),
        "unsupported-signature-version",
      );
      assert.equal(
        reason(verifyLegacy({ method: "POST", uri: DOC_URL, body, signature: "zz", version: "v1", secrets })),
        "signature-malformed",
      );
      assert.equal(
        reason(verifyLegacy({ method: "POST", uri: DOC_URL, body, signature: v1, version: "v2", secrets })),
        "signature-mismatch",
      );
      assert.equal(
        reason(
          verifyLegacy({ method: "POST", uri: DOC_URL, body, signature: v1.toUpperCase(), version: "v1", secrets }),
        ),
        "ok",
      );
    });

    it("judges a request carrying v3 and v1 headers on v3 only", () => {
      const headers = {
        ...headersFor("v1", signV1({ secret: secrets[0], body })),
        "x-hubspot-signature-v3": "A".repeat(43) + "=",
        "x-hubspot-request-timestamp": String(Date.now()),
      };
      assert.equal(
        reason(
          verifyRequest(
            { method: "POST", uri: DOC_URL, body, headers },
            { secrets, allowLegacy: true, maxSkewMs: 300_000 },
            Date.now(),
          ),
        ),
        "signature-mismatch",
      );
    });

    it("signs PUBLIC_URL when set, else https + Host + path and query (never the request's protocol)", () => {
      assert.equal(
        requestUri("https://public.example/hook", "internal:8080", "/webhooks/hubspot"),
        "https://public.example/hook",
      );
      assert.equal(
        requestUri(undefined, "svc.a.run.app", "/webhooks/hubspot?a=1"),
        "https://svc.a.run.app/webhooks/hubspot?a=1",
      );
    });
  });
});

function v3Input(body: string, signature: string, timestamp: string): VerifyV3Input {
  return {
    method: "POST",
    uri: DOC_URL,
    body: Buffer.from(body),
    signature,
    timestamp,
    secrets: [Buffer.from("s3cret-value")],
    nowMs: Number(timestamp),
    maxSkewMs: 300_000,
  };
}

function reason(verdict: { ok: true } | { ok: false; reason: string }): string {
  return verdict.ok ? "ok" : verdict.reason;
}
