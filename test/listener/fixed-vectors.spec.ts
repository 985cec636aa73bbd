// Contracts others rely on, pinned by fixed vectors computed outside this code base (Python's hashlib, hmac and
// base64 from the standard library), never recomputed with the code under test:
// - `dedupKey` is every consumer's idempotency key: SHA-256 hex of the JSON array
//   [portalId, objectType, objectId, eventType, propertyName|null, propertyValue|null, occurredAtMs];
// - HubSpot's v3 signature: base64(HMAC-SHA256(secret, method + uri + body + timestamp)), the URI decoded by HubSpot's
//   rule, which names the escapes in upper case and applies to either case
//   (https://developers.hubspot.com/docs/api/webhooks/validating-requests).
import { strict as assert } from "node:assert";
import { dedupKey } from "../../runtime/listener/events/dedup-key";
import { normalizeEvent } from "../../runtime/listener/events/normalize";
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

  it("dedupKey of a company propertyChange (opt-in company events use the same canonical form)", () => {
    // hashlib.sha256(b'["62515","company","5150","company.propertyChange","industry","COMPUTER_SOFTWARE",1764300000000]')
    // (node:crypto's createHash("sha256") over the same text gives the same digest)
    const key = dedupKey({
      portalId: "62515",
      objectType: "company",
      objectId: "5150",
      eventType: "company.propertyChange",
      propertyName: "industry",
      propertyValue: "COMPUTER_SOFTWARE",
      occurredAtMs: 1764300000000,
    });
    assert.equal(key, "62731b04b3591c094b6c60193be3d95d0717ab504fb8480dd5820b14cbd79a81");
  });

  it("dedupKey of HubSpot's company events as delivered, legacy and generic (objectTypeId 0-2) alike", () => {
    // Deliveries shaped as HubSpot documents them (https://developers.hubspot.com/docs/api/webhooks, "Webhook
    // payloads"; subscription types company.propertyChange / company.deletion in SubscriptionCreateRequest.eventType
    // of /work/shared/reference/hubspot/webhooks-v3.openapi.json and webhooks-2026-03.openapi.json).
    const changed = {
      eventId: 3001,
      subscriptionId: 2461228,
      portalId: 62515,
      appId: 1234567,
      occurredAt: 1764300000000,
      attemptNumber: 0,
      objectId: 5150,
      changeSource: "CRM_UI",
      propertyName: "industry",
      propertyValue: "COMPUTER_SOFTWARE",
    };
    // hashlib.sha256(b'["62515","company","9007199254740993","company.deletion",null,null,1764300000456]')
    const deleted = { ...changed, propertyName: undefined, propertyValue: undefined, changeFlag: "DELETED" };
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { ...changed, subscriptionType: "company.propertyChange" },
        "62731b04b3591c094b6c60193be3d95d0717ab504fb8480dd5820b14cbd79a81",
      ],
      [
        { ...changed, subscriptionType: "object.propertyChange", objectTypeId: "0-2" },
        "62731b04b3591c094b6c60193be3d95d0717ab504fb8480dd5820b14cbd79a81",
      ],
      [
        { ...deleted, subscriptionType: "company.deletion", objectId: "9007199254740993", occurredAt: 1764300000456 },
        "49baf709a58e2db58f5dd97b0b0a5e5833bbde98102210e0d09e2175917fc73d",
      ],
    ];
    for (const [event, expected] of cases) {
      const result = normalizeEvent(event, "2026-11-28T04:00:00.000Z");
      assert.ok(result.ok, result.ok ? "" : result.detail);
      assert.equal(result.payload.objectType, "company");
      assert.equal(result.payload.dedupKey, expected, JSON.stringify(event));
    }
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
