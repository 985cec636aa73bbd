import assert from "node:assert/strict";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { isSafeNumber, parse as parseLossless } from "lossless-json";
import { dedupKey } from "../../runtime/listener/events/dedup-key";
import { normalizeEvent } from "../../runtime/listener/events/normalize";
import { MAX_EVENT_DEPTH, parseEventBatch, type ReceivedEvent } from "../../runtime/listener/events/parse";
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
    /** The batch's events, each as its value or `refused: <detail>`. */
    const values = (text: string | Buffer) => {
      const parsed = parseEventBatch(Buffer.isBuffer(text) ? text : Buffer.from(text));
      assert.ok(parsed.ok, parsed.ok ? "" : parsed.problem);
      return parsed.events.map((event) => (event.ok ? event.value : `refused: ${event.detail}`));
    };

    it("keeps every digit of int64 ids above 2^53 (as decimal strings) and leaves safe numbers as numbers", () => {
      assert.deepEqual(
        values('[{"objectId":9007199254740993,"eventId":18446744073709551,"occurredAt":1764300000000,"x":1.5}]'),
        [{ objectId: "9007199254740993", eventId: "18446744073709551", occurredAt: 1764300000000, x: 1.5 }],
      );
    });

    it("keeps a number a double cannot hold as its digits, as sent, instead of Infinity, 0 or a rounded value", () => {
      assert.deepEqual(values('[{"big":1e400,"tiny":1e-400,"long":0.10000000000000000555,"fine":2.5e3}]'), [
        { big: "1e400", tiny: "1e-400", long: "0.10000000000000000555", fine: 2500 },
      ]);
    });

    it("gives every element the same value whichever path parses it (whole body, or alone beside a broken one)", () => {
      // The reference: lossless-json with the documented rule (a number a double holds exactly stays a number).
      const reference = (text: string) =>
        parseLossless(text, null, (n) => (isSafeNumber(n) ? Number(n) : n)) as unknown;
      fc.assert(
        fc.property(fc.json(), (text) => {
          const expected = reference(text);
          assert.deepEqual(values(`[${text}]`), [expected]);
          assert.deepEqual(values(`[${text}, {"broken": }]`)[0], expected);
        }),
        { numRuns: 300 },
      );
    });

    it("refuses an event nested deeper than allowed by its depth alone, and keeps its neighbours", () => {
      const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
      const allowed = `{"eventId":1,"extra":${nested(MAX_EVENT_DEPTH - 1)}}`;
      const deeper = `{"eventId":2,"extra":${nested(MAX_EVENT_DEPTH)}}`;
      const hostile = `{"eventId":3,"extra":${nested(20_000)}}`;
      const parsed = parseEventBatch(Buffer.from(`[${allowed},${deeper},${hostile}]`));
      assert.ok(parsed.ok);
      assert.deepEqual(
        parsed.events.map((event) => (event.ok ? "ok" : event.detail.replace(/^element \d+ \(bytes [\d-]+\) /, ""))),
        [
          "ok",
          "is nested 33 levels deep; the rule is at most 32 (HubSpot events are flat objects)",
          "is nested 20001 levels deep; the rule is at most 32 (HubSpot events are flat objects)",
        ],
      );
      assert.equal(parsed.events[2]?.bytes.toString(), hostile, "the refused event's bytes as received");
    });

    it("refuses only the element that is not valid JSON, and keeps a cut-off body's complete events", () => {
      assert.deepEqual(values('[{"a":1}, {"b": }, {"c":3}]'), [
        { a: 1 },
        'refused: element 1 (bytes 10-17) is not valid JSON (Unexpected token \'}\', "{"b": }" is not valid JSON)',
        { c: 3 },
      ]);
      const cut = parseEventBatch(Buffer.from('[{"a":1},{"b":'));
      assert.ok(cut.ok && cut.unclosed);
      assert.deepEqual(
        cut.events.map((event) => [event.ok, event.bytes.toString()]),
        [
          [true, '{"a":1}'],
          [false, '{"b":'],
        ],
      );
      const trailing = parseEventBatch(Buffer.from('[{"a":1}] junk \n'));
      assert.ok(trailing.ok && trailing.trailing?.toString() === "junk" && trailing.events.length === 1);
    });

    it("answers anything but an array with a problem naming the rule", () => {
      const object = parseEventBatch(Buffer.from('{"eventId":1}'));
      assert.ok(!object.ok && /a JSON object; the rule is a JSON array of events/.test(object.problem));
      const nothing = parseEventBatch(Buffer.from("null"));
      assert.ok(!nothing.ok && /null/.test(nothing.problem));
      const empty = parseEventBatch(Buffer.from("  "));
      assert.ok(!empty.ok && /empty/.test(empty.problem));
    });

    it("refuses a repeated key in any object of an event, whatever the values and the numbers around it", () => {
      // RFC 8259 4: names SHOULD be unique, and parsers disagree on which value wins. One rule on every path: with a
      // number beyond 2^53 in the event (lossless path) or without (JSON.parse path), equal values or not.
      for (const event of [
        '{"objectId":1,"objectId":2}',
        '{"objectId":1,"objectId":1}',
        '{"objectId":9007199254740993,"x":{"k":1,"k":2}}',
        '{"a":{"k":"v","k":"v"}}',
      ]) {
        const [first, second] = values(`[${event},{"ok":true}]`);
        assert.match(
          String(first),
          /^refused: element 0 .* repeats the key "(objectId|k)" in one object; the rule is unique keys/,
        );
        assert.deepEqual(second, { ok: true });
      }
      // A colon inside a string or a key is not a member; escaped quotes do not end a string.
      assert.deepEqual(values(String.raw`[{"a:b":"c:d","e\\":":"}]`), [{ "a:b": "c:d", "e\\": ":" }]);
    });

    it("refuses an event that is not valid UTF-8 rather than decoding it to U+FFFD, and keeps its neighbours", () => {
      const withValue = (bytes: number[]) =>
        Buffer.concat([Buffer.from('[{"ok":1},{"propertyValue":"'), Buffer.from(bytes), Buffer.from('"}]')]);
      // A stray 0xFF, an overlong '/', a UTF-8-encoded lone surrogate, a truncated 3-byte sequence.
      for (const bytes of [
        [0x61, 0xff, 0x62],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xe2, 0x82],
      ]) {
        const body = withValue(bytes);
        const parsed = parseEventBatch(body);
        assert.ok(parsed.ok);
        const [kept, refused] = parsed.events;
        assert.deepEqual(kept?.ok && kept.value, { ok: 1 });
        assert.ok(refused && !refused.ok, `accepted ${Buffer.from(bytes).toString("hex")}`);
        assert.match(refused.detail, /is not valid UTF-8; the rule is UTF-8 JSON/);
        assert.deepEqual(refused.bytes, body.subarray(10, body.length - 1), "the event's bytes exactly as received");
      }
      assert.deepEqual(values(withValue([...Buffer.from("é€😀")])), [{ ok: 1 }, { propertyValue: "é€😀" }]);
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

    it("builds the documented payload from each of HubSpot's company events (objectType company), legacy and generic", () => {
      // Subscription types company.creation / company.propertyChange / company.deletion: HubSpot's own specs,
      // SubscriptionCreateRequest.eventType in /work/shared/reference/hubspot/webhooks-v3.openapi.json and
      // webhooks-2026-03.openapi.json. Payload fields (changeFlag CREATED/DELETED, propertyName/propertyValue on
      // propertyChange, objectTypeId 0-2 on generic object.* deliveries): https://developers.hubspot.com/docs/api/webhooks
      // ("Webhook payloads"), as /work/shared/design.md records them.
      const base = { ...contactCreation, subscriptionId: 2461228, objectId: 5150, changeFlag: undefined };
      const changes: Array<[string, Record<string, unknown>]> = [
        ["creation", { changeFlag: "CREATED" }],
        ["propertyChange", { propertyName: "industry", propertyValue: "COMPUTER_SOFTWARE", sourceId: "userId:1" }],
        ["deletion", { changeFlag: "DELETED" }],
      ];
      for (const [change, fields] of changes) {
        for (const raw of [
          { ...base, ...fields, subscriptionType: `company.${change}` },
          { ...base, ...fields, subscriptionType: `object.${change}`, objectTypeId: "0-2" },
        ]) {
          const payload = normalizeOk(raw);
          assert.deepEqual(
            { ...payload, dedupKey: undefined },
            {
              schemaVersion: "1",
              eventType: `company.${change}`,
              objectType: "company",
              objectId: "5150",
              portalId: "62515",
              appId: "1234567",
              eventId: "100",
              subscriptionId: "2461228",
              occurredAt: { epochMillis: 1764300000000, iso: "2025-11-28T03:20:00.000Z" },
              attemptNumber: 0,
              receivedAt: RECEIVED_AT,
              changeSource: "CRM",
              ...fields,
              raw,
              dedupKey: undefined,
            },
          );
          assert.ok(validatePayload(payload), ajv.errorsText(validatePayload.errors));
        }
      }
    });

    it("refuses the company types HubSpot offers that no trigger takes (merge, restore, associationChange)", () => {
      // Also in SubscriptionCreateRequest.eventType of HubSpot's specs: opt-in covers the three changes only.
      for (const type of ["company.merge", "company.restore", "company.associationChange"]) {
        const result = normalizeEvent({ ...contactCreation, subscriptionType: type }, RECEIVED_AT);
        assert.ok(!result.ok, `accepted ${type}`);
        assert.equal(result.reason, "unsupported-event-type");
        assert.equal(
          result.detail,
          `subscriptionType "${type}" is not handled; the rule is <object>.creation|propertyChange|deletion`,
        );
      }
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
          for (const event of parsed.events) {
            assert.ok(event.ok);
            const payload = normalizeOk(event.value);
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
    const received = (value: unknown): ReceivedEvent => ({
      bytes: Buffer.from(JSON.stringify(value)),
      ok: true,
      value,
    });

    it("splits a batch into fresh payloads, dead letters with their bytes, and replays (in-batch duplicates too)", () => {
      const retried = { ...contactCreation, eventId: 101, attemptNumber: 1 };
      const other = { ...contactCreation, objectId: 124 };
      const alreadySeen = normalizeOk({ ...contactCreation, objectId: 125 }).dedupKey;
      const refused: ReceivedEvent = { bytes: Buffer.from('{"a":1,"a":2}'), ok: false, detail: "repeats a key" };
      const batch = triageBatch(
        [contactCreation, retried, other, { ...contactCreation, objectId: 125 }, "junk"].map(received).concat(refused),
        RECEIVED_AT,
        (key) => key === alreadySeen,
      );
      assert.deepEqual(
        batch.fresh.map((event) => [event.payload.objectId, event.bytes.toString()]),
        [
          ["123", JSON.stringify(contactCreation)],
          ["124", JSON.stringify(other)],
        ],
      );
      assert.equal(batch.replays, 2);
      assert.deepEqual(
        batch.rejected.map((letter) => [letter.reason, letter.data.toString(), letter.reasonDetail]),
        [
          ["invalid-event", '"junk"', 'event is "junk"; the rule is a JSON object'],
          ["invalid-event", '{"a":1,"a":2}', "repeats a key"],
        ],
      );
    });
  });
});
