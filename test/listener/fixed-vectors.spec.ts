// Contracts others rely on, pinned by fixed vectors computed outside this code base (Python's hashlib, hmac and
// base64 from the standard library), never recomputed with the code under test:
// - `dedupKey` is every consumer's idempotency key: SHA-256 hex of the JSON array
//   [portalId, objectType, objectId, eventType, propertyName|null, propertyValue|null, occurredAtMs];
// - HubSpot's v3 signature: base64(HMAC-SHA256(secret, method + uri + body + timestamp)), the URI decoded by HubSpot's
//   rule, which names the escapes in upper case and applies to either case
//   (https://developers.hubspot.com/docs/api/webhooks/validating-requests).
import { strict as assert } from "node:assert";
import { dedupKey } from "../../runtime/listener/events/dedup-key";
import { decodeV3Uri, signV3 } from "../../runtime/listener/signature";
import { verifyV3 } from "../../runtime/listener/signature/verify-v3";

describe("fixed vectors of the contracts consumers rely on", () => {
  it("dedupKey of a propertyChange", () => {
    // hashlib.sha256(b'["62515","deal","1234","deal.propertyChange","dealstage","closedwon",1700000000000]')
    const key = dedupKey({
      portalId: "62515",
      objectType: "deal",
      objectId: "1234",
      eventType: "deal.propertyChange",
      propertyName: "dealstage",
      propertyValue: "closedwon",
      occurredAtMs: 1700000000000,
    });
    assert.equal(key, "d0dadc1493b37893ad42e39ab36dd7f5fae5ae3b565924e26d1a9dfd32cf4824");
  });

  it("dedupKey of a creation, with an object id above 2^53 kept as text and no property", () => {
    // hashlib.sha256(b'["62515","contact","9007199254740993","contact.creation",null,null,1700000000123]')
    const key = dedupKey({
      portalId: "62515",
      objectType: "contact",
      objectId: "9007199254740993",
      eventType: "contact.creation",
      occurredAtMs: 1700000000123,
    });
    assert.equal(key, "d01fe47d04cb558851ee1264ff9da396c9b7f469978f8d9220c2eb70d5d9303f");
  });

  it("decodes HubSpot's v3 escapes in lower case too, and leaves every other escape as sent", () => {
    assert.equal(
      decodeV3Uri("https://hooks.example.com/webhooks/hubspot?a=%3b%2c%3f%2a%3a%2f&b=%20%5b%25"),
      "https://hooks.example.com/webhooks/hubspot?a=;,?*:/&b=%20%5b%25",
    );
  });

  it("signs and verifies a v3 vector whose URI holds lower-case escapes", () => {
    // base64(hmac.new(b"0123456789abcdef", b"POST" + b"https://hooks.example.com/webhooks/hubspot?a=;,?*:/"
    //   + b'[{"eventId":1}]' + b"1700000000000", sha256).digest())
    const expected = "77hgaV+tfMhZqMOVsdzT0D2OM2HORJdRyDqG6t7XFCg=";
    const uri = "https://hooks.example.com/webhooks/hubspot?a=%3b%2c%3f%2a%3a%2f";
    const body = '[{"eventId":1}]';
    assert.equal(
      signV3({ secret: "0123456789abcdef", method: "POST", uri, body, timestamp: "1700000000000" }),
      expected,
    );
    const verdict = verifyV3({
      method: "POST",
      uri,
      body: Buffer.from(body),
      signature: expected,
      timestamp: "1700000000000",
      secrets: [Buffer.from("0123456789abcdef")],
      nowMs: 1700000000000 + 1000,
      maxSkewMs: 300_000,
    });
    assert.deepEqual(verdict, { ok: true, version: "v3", secretIndex: 0 });
  });
});
