import assert from "node:assert/strict";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { parse as parseLossless } from "lossless-json";
import { dedupKey } from "../../runtime/listener/events/dedup-key";
import { normalizeEvent } from "../../runtime/listener/events/normalize";
import {
  MAX_EVENT_DEPTH,
  nestedDeeperThan,
  parseEventBatch,
  parseJsonLossless,
} from "../../runtime/listener/events/parse";
import { triageBatch } from "../../runtime/listener/events/triage";
import { batchJson, EVENT_TYPES, sampleEvents } from "../../testing/sample-events";
import schema from "../../runtime/shared/connector-event-payload.schema.json";

const RECEIVED_AT = "2026-11-28T04:00:00.000Z";
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validatePayload = ajv.compile(schema);

function normalizeOk(raw: unknown) {
  const result = normalizeEvent(raw, RECEIVED_AT);
  if (!result.ok) assert.fail(`expected a payload, got ${result.reason}: ${result.detail}`);
  return result.payload;
}

const contactCreation = {
  eventId: 100,
  subscriptionId: 2461226,
  portalId: 62515,
  appId: 1234567,
  occurredAt: 1764300000000,
  subscriptionType: "contact.creation",
  attemptNumber: 0,
  objectId: 123,
  changeSource: "CRM",
  changeFlag: "CREATED",
};

describe("listener events", () => {
  describe("parse", () => {
    it("keeps every digit of int64 ids above 2^53 (as decimal strings) and leaves safe numbers as numbers", () => {
      const parsed = parseEventBatch(
        Buffer.from('[{"objectId":9007199254740993,"eventId":18446744073709551,"occurredAt":1764300000000,"x":1.5}]'),
      );
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.events[0], {
        objectId: "9007199254740993",
        eventId: "18446744073709551",
        occurredAt: 1764300000000,
        x: 1.5,
      });
    });

    it("the JSON.parse fast path gives the same value as the lossless parser for any JSON", () => {
      const lossless = (text: string) =>
        parseLossless(text, null, (n) => (/^-?\d+$/.test(n) && !Number.isSafeInteger(Number(n)) ? n : Number(n)));
      fc.assert(
        fc.property(fc.json(), (text) => {
          assert.deepEqual(parseJsonLossless(text), lossless(text));
        }),
        { numRuns: 300 },
      );
    });

    it("measures nesting exactly, and flags a batch only when an event is nested deeper than allowed", () => {
      const depth = (value: unknown): number =>
        value !== null && typeof value === "object"
          ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depth))
          : 0;
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, max) => {
          assert.equal(nestedDeeperThan(value, max), depth(value) > max);
        }),
        { numRuns: 300 },
      );
      const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
      const allowed = `[{"eventId":1,"extra":${nested(MAX_EVENT_DEPTH - 1)}}]`;
      const deeper = `[{"eventId":1,"extra":${nested(MAX_EVENT_DEPTH)}}]`;
      const flag = (text: string) => {
        const parsed = parseEventBatch(Buffer.from(text));
        assert.ok(parsed.ok);
        return parsed.nestedTooDeep;
      };
      assert.equal(flag(allowed), false);
      assert.equal(flag(deeper), true);
      assert.equal(flag(batchJson(EVENT_TYPES.flatMap((type) => sampleEvents(type, 3)))), false);
    });

    it("rejects invalid JSON and anything but an array, naming the rule", () => {
      const invalid = parseEventBatch(Buffer.from("[{"));
      assert.ok(!invalid.ok && /not valid JSON/.test(invalid.problem));
      const object = parseEventBatch(Buffer.from('{"eventId":1}'));
      assert.ok(!object.ok && /a JSON object; the rule is a JSON array of events/.test(object.problem));
      const nothing = parseEventBatch(Buffer.from("null"));
      assert.ok(!nothing.ok && /null/.test(nothing.problem));
    });

    it("refuses a body that is not valid UTF-8 rather than decoding it to U+FFFD; valid multi-byte text is kept", () => {
      const withValue = (bytes: number[]) =>
        Buffer.concat([Buffer.from('[{"propertyValue":"'), Buffer.from(bytes), Buffer.from('"}]')]);
      // A stray 0xFF, an overlong '/', a UTF-8-encoded lone surrogate, a truncated 3-byte sequence.
      for (const bytes of [
        [0x61, 0xff, 0x62],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xe2, 0x82],
      ]) {
        const parsed = parseEventBatch(withValue(bytes));
        assert.ok(!parsed.ok, `accepted ${Buffer.from(bytes).toString("hex")}`);
        assert.match(parsed.problem, /^body is not valid UTF-8; the rule is UTF-8 JSON/);
      }
      const valid = parseEventBatch(withValue([...Buffer.from("é€😀")]));
      assert.ok(valid.ok);
      assert.deepEqual(valid.events, [{ propertyValue: "é€😀" }]);
    });
  });

  describe("normalize", () => {
    it("builds the documented payload from a legacy event", () => {
      const payload = normalizeOk(contactCreation);
      assert.deepEqual(
        { ...payload, dedupKey: undefined },
        {
          schemaVersion: "1",
          eventType: "contact.creation",
          objectType: "contact",
          objectId: "123",
          portalId: "62515",
          appId: "1234567",
          eventId: "100",
          subscriptionId: "2461226",
          occurredAt: { epochMillis: 1764300000000, iso: "2025-11-28T03:20:00.000Z" },
          attemptNumber: 0,
          receivedAt: RECEIVED_AT,
          changeSource: "CRM",
          changeFlag: "CREATED",
          raw: contactCreation,
          dedupKey: undefined,
        },
      );
      assert.match(payload.dedupKey, /^[0-9a-f]{64}$/);
    });

    it("maps generic object.* events with objectTypeId 0-1/0-3/0-2 to the same payload as legacy ones", () => {
      for (const [objectTypeId, objectType] of [
        ["0-1", "contact"],
        ["0-3", "deal"],
        ["0-2", "company"],
      ]) {
        for (const change of ["creation", "propertyChange", "deletion"]) {
          const extra = change === "propertyChange" ? { propertyName: "name", propertyValue: "Acme" } : {};
          const legacy = normalizeOk({ ...contactCreation, ...extra, subscriptionType: `${objectType}.${change}` });
          const generic = normalizeOk({
            ...contactCreation,
            ...extra,
            subscriptionType: `object.${change}`,
            objectTypeId,
          });
          assert.equal(generic.eventType, `${objectType}.${change}`);
          assert.equal(generic.objectType, objectType);
          assert.equal(generic.dedupKey, legacy.dedupKey);
        }
      }
    });

    it("reads the older `eventType` field name", () => {
      const { subscriptionType: _ignored, ...older } = contactCreation;
      assert.equal(normalizeOk({ ...older, eventType: "deal.deletion" }).eventType, "deal.deletion");
    });

    it("rejects malformed events with a reason and a detail naming the field and the rule", () => {
      const cases: Array<[unknown, string, RegExp]> = [
        [[1, 2], "invalid-event", /event is \[1,2\]; the rule is a JSON object/],
        [{ ...contactCreation, objectId: "12a" }, "invalid-event", /objectId is "12a"; the rule is an integer/],
        [{ ...contactCreation, objectId: undefined }, "invalid-event", /objectId is missing/],
        [{ ...contactCreation, portalId: 1.5 }, "invalid-event", /portalId is 1.5/],
        [
          { ...contactCreation, occurredAt: "yesterday" },
          "invalid-event",
          /occurredAt is "yesterday"; the rule is epoch milliseconds/,
        ],
        [{ ...contactCreation, attemptNumber: -1 }, "invalid-event", /attemptNumber is -1/],
        [{ ...contactCreation, subscriptionType: 42 }, "invalid-event", /subscriptionType is 42/],
        [
          { ...contactCreation, subscriptionType: "deal.propertyChange" },
          "invalid-event",
          /propertyName is missing; the rule is a non-empty string on propertyChange/,
        ],
        [
          { ...contactCreation, subscriptionType: "ticket.creation" },
          "unsupported-event-type",
          /"ticket.creation" is not handled/,
        ],
        [
          { ...contactCreation, subscriptionType: "contact.privacyDeletion" },
          "unsupported-event-type",
          /is not handled/,
        ],
        [
          { ...contactCreation, subscriptionType: "object.creation", objectTypeId: "0-5" },
          "unsupported-event-type",
          /objectTypeId "0-5"/,
        ],
      ];
      for (const [raw, expectedReason, detail] of cases) {
        const result = normalizeEvent(raw, RECEIVED_AT);
        assert.ok(!result.ok, `accepted ${JSON.stringify(raw)}`);
        assert.equal(result.reason, expectedReason);
        assert.match(result.detail, detail);
      }
    });

    it("accepts ids across the whole int64 range and rejects those beyond it, naming the field and the rule", () => {
      for (const objectId of ["9223372036854775807", "-9223372036854775808", "9007199254740993"]) {
        assert.equal(normalizeOk({ ...contactCreation, objectId }).objectId, objectId);
      }
      // Numbers (safe integers) become their decimal digits, never an exponent or a fraction.
      const numbers: Array<[number, string]> = [
        [Number.MAX_SAFE_INTEGER, "9007199254740991"],
        [Number.MIN_SAFE_INTEGER, "-9007199254740991"],
        [1e15, "1000000000000000"],
        [-0, "0"],
        [7, "7"],
      ];
      for (const [objectId, text] of numbers) {
        assert.equal(normalizeOk({ ...contactCreation, objectId }).objectId, text);
      }
      fc.assert(
        fc.property(fc.maxSafeInteger(), (objectId) => {
          assert.equal(normalizeOk({ ...contactCreation, objectId }).objectId, String(objectId));
        }),
      );
      const beyond = ["9223372036854775808", "-9223372036854775809", "9999999999999999999", "1".repeat(20)];
      for (const portalId of beyond) {
        const result = normalizeEvent({ ...contactCreation, portalId }, RECEIVED_AT);
        assert.ok(!result.ok, `accepted portalId ${portalId}`);
        assert.equal(result.reason, "invalid-event");
        assert.equal(
          result.detail,
          `portalId is "${portalId}", beyond int64; the rule is an integer from -2^63 to 2^63-1`,
        );
      }
    });

    it("describes a value too deep for JSON.stringify instead of throwing (dead letter, not a 500)", () => {
      let deep: unknown = 1;
      for (let level = 0; level < 20_000; level++) deep = { a: deep };
      assert.throws(() => JSON.stringify(deep), RangeError, "the fixture is no longer too deep for JSON.stringify");
      const result = normalizeEvent({ ...contactCreation, propertyValue: deep }, RECEIVED_AT);
      assert.ok(!result.ok);
      assert.equal(result.detail, "propertyValue is an object nested too deeply to show; the rule is a string");
      // A nested value JSON.stringify can write is still shown as JSON (cut at 60 characters).
      const shallow = normalizeEvent({ ...contactCreation, propertyValue: [[[1]]] }, RECEIVED_AT);
      assert.ok(!shallow.ok);
      assert.equal(shallow.detail, "propertyValue is [[[1]]]; the rule is a string");
    });

    it("produces payloads the published JSON Schema accepts, for every sample type and shape", () => {
      for (const type of EVENT_TYPES) {
        for (const generic of [false, true]) {
          const parsed = parseEventBatch(Buffer.from(batchJson(sampleEvents(type, 4, { generic }))));
          assert.ok(parsed.ok);
          for (const raw of parsed.events) {
            const payload = normalizeOk(raw);
            assert.ok(validatePayload(payload), ajv.errorsText(validatePayload.errors));
          }
        }
      }
    });

    it("the schema rejects what the contract forbids (numeric ids, unknown fields, propertyChange without propertyName)", () => {
      const payload = normalizeOk({
        ...contactCreation,
        subscriptionType: "contact.propertyChange",
        propertyName: "email",
        propertyValue: "a@b.c",
      });
      assert.ok(validatePayload(payload));
      assert.ok(!validatePayload({ ...payload, objectId: 123 }));
      assert.ok(!validatePayload({ ...payload, surprise: true }));
      const { propertyName: _dropped, ...withoutName } = payload;
      assert.ok(!validatePayload(withoutName));
    });
  });

  describe("dedupKey", () => {
    const base = {
      portalId: "1",
      objectType: "deal",
      objectId: "2",
      eventType: "deal.propertyChange",
      propertyName: "amount",
      propertyValue: "10",
      occurredAtMs: 1,
    };

    it("ignores eventId and attemptNumber (a retried delivery is the same change)", () => {
      const first = normalizeOk({ ...contactCreation, eventId: 1, attemptNumber: 0 });
      const retry = normalizeOk({ ...contactCreation, eventId: 2, attemptNumber: 3 });
      assert.equal(first.dedupKey, retry.dedupKey);
    });

    it("changes with every field that identifies the change, and values cannot be shifted across fields", () => {
      const key = dedupKey(base);
      for (const [field, value] of Object.entries({
        portalId: "9",
        objectType: "contact",
        objectId: "3",
        eventType: "deal.creation",
        propertyName: "x",
        propertyValue: "11",
        occurredAtMs: 2,
      })) {
        assert.notEqual(dedupKey({ ...base, [field]: value }), key, field);
      }
      assert.notEqual(
        dedupKey({ ...base, propertyName: "a", propertyValue: "b,c" }),
        dedupKey({ ...base, propertyName: "a,b", propertyValue: "c" }),
      );
    });
  });

  describe("triage", () => {
    it("splits a batch into fresh payloads, dead letters and replays (in-batch duplicates included)", () => {
      const retried = { ...contactCreation, eventId: 101, attemptNumber: 1 };
      const other = { ...contactCreation, objectId: 124 };
      const alreadySeen = normalizeOk({ ...contactCreation, objectId: 125 }).dedupKey;
      const batch = triageBatch(
        [contactCreation, retried, other, { ...contactCreation, objectId: 125 }, "junk"],
        RECEIVED_AT,
        (key) => key === alreadySeen,
      );
      assert.deepEqual(
        batch.fresh.map((payload) => payload.objectId),
        ["123", "124"],
      );
      assert.deepEqual(
        [...batch.keys],
        batch.fresh.map((payload) => payload.dedupKey),
      );
      assert.equal(batch.replays, 2);
      assert.deepEqual(
        batch.rejected.map((letter) => [letter.reason, letter.data.toString()]),
        [["invalid-event", '"junk"']],
      );
    });

    it("dead-letters an event too deep to re-serialize with a reason and a JSON description, without throwing", () => {
      let deep: unknown = [];
      for (let level = 0; level < 20_000; level++) deep = [deep];
      const batch = triageBatch([deep, contactCreation], RECEIVED_AT, () => false);
      assert.equal(batch.fresh.length, 1);
      assert.deepEqual(
        batch.rejected.map((letter) => [letter.reason, letter.reasonDetail, JSON.parse(letter.data.toString())]),
        [
          [
            "invalid-event",
            "event is an array nested too deeply to show; the rule is a JSON object",
            "an array nested too deeply to show",
          ],
        ],
      );
    });

    it("dead-letters a valid event that carries a field nested too deeply to publish, and publishes the rest", () => {
      // 10,000 levels: JSON.stringify, which the Pub/Sub sink runs on every payload, throws RangeError on it.
      const extra = JSON.parse(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`) as unknown;
      const parsed = parseEventBatch(Buffer.from(JSON.stringify([contactCreation]).replace(/}]$/, ',"extra":1}]')));
      assert.ok(parsed.ok && !parsed.nestedTooDeep);
      const batch = triageBatch(
        [{ ...contactCreation, eventId: 101, extra }, contactCreation],
        RECEIVED_AT,
        () => false,
        true,
      );
      assert.equal(batch.fresh.length, 1);
      assert.equal(batch.fresh[0]?.eventId, "100");
      assert.equal(batch.rejected.length, 1);
      assert.equal(batch.rejected[0]?.reason, "invalid-event");
      assert.match(batch.rejected[0]?.reasonDetail ?? "", /nested more than 32 levels deep; the rule is a flat/);
      assert.doesNotThrow(() => batch.fresh.map((payload) => JSON.stringify(payload)));
    });
  });
});
