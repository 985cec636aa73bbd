// Every event of a batch is judged alone: generated signed batches mixing valid HubSpot events with
// malformed ones, posted to a real listener, and checked event by event against what the generator knows it wrote
// (an independent model: nothing here calls the parser or the normalizer to decide what to expect).
import assert from "node:assert/strict";
import { request } from "node:http";
import fc from "fast-check";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import type { LogEntry } from "../../runtime/shared/log";
import type { DeadLetter, ListenerDeadLetterReason, PublishOutcome } from "../../runtime/listener/sinks/sink";
import { signV3 } from "../../runtime/listener/signature/sign";
import { EVENT_TYPES, sampleEvents, type SampleEventType } from "../../testing/sample-events";
import { PUBLIC_URL, RecordingSink, SECRET, startTestListener, type TestListener } from "./support/fixtures";

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const TWO_POW_53 = 2n ** 53n;
const REFUSE_MARK = "REFUSED-BY-PUBSUB";

/** One member of an event's JSON object: its key, its exact text, and the value a lossless reading gives. */
interface Member {
  key: string;
  text: Buffer;
  value: unknown;
}

type Expectation =
  | {
      kind: "published";
      objectId: string;
      portalId: string;
      eventType: string;
      propertyName?: string;
      propertyValue?: string;
      raw: Record<string, unknown>;
    }
  | { kind: "dead"; reason: ListenerDeadLetterReason; atSink: boolean; why: string }
  | { kind: "replay" };

interface PlannedEvent {
  eventId: string;
  bytes: Buffer;
  expect: Expectation;
}

// --- What the generator chooses (pure data, so fast-check can shrink it) ---

/** Numbers no double holds exactly: kept as their digits (a string) wherever they appear. */
const UNSAFE_NUMBERS = ["1e400", "-1e400", "1e-400", `9${"1234567890".repeat(40)}`, "0.10000000000000000555"];

/** Text fields of an event: only propertyName becomes a Pub/Sub attribute (limits apply); the others are data. */
type TextField = "propertyName" | "propertyValue" | "changeSource";
const textField = fc.constantFrom<TextField>("propertyName", "propertyValue", "changeSource");

type Mutation =
  | { kind: "valid" }
  | { kind: "repeatedKey"; where: "top" | "nested" | "inArray"; same: boolean; pick: number }
  | { kind: "unsafeNumber"; where: "extra" | "propertyValue"; number: string }
  | {
      kind: "bigId";
      field: "objectId" | "portalId" | "eventId";
      band: "above2^53" | "int64Max" | "int64Min" | "beyond";
    }
  | { kind: "wrongType"; field: "objectId" | "occurredAt" | "portalId" }
  | { kind: "unknownType"; type: "ticket.creation" | "contact.privacyDeletion" | "object.creation 0-5" }
  | { kind: "loneSurrogate"; field: TextField; escape: "\\ud800" | "\\udfff" | "\\uDC00" }
  | { kind: "longText"; field: TextField; unit: "a" | "€"; bytes: 1023 | 1024 | 1025 | 1026; escaped: boolean }
  | { kind: "invalidUtf8"; bytes: readonly number[] }
  | { kind: "invalidJson"; variant: "noValue" | "trailingComma" | "bareWord" | "afterObject" | "singleQuotes" }
  | { kind: "nesting"; levels: 31 | 32; brackets: "{" | "[" }
  | { kind: "refusedByPubSub" }
  | { kind: "retryOfEarlier"; pick: number };

interface EventPlan {
  type: SampleEventType;
  generic: boolean;
  mutation: Mutation;
  /** A harmless extra member holding a number no double holds: the lossless path, around any mutation. */
  unsafeExtra: string | null;
  /** Whitespace inside the event (around its colons and commas) and around it in the array. */
  inner: string;
  before: string;
  after: string;
}

const whitespace = fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r"), maxLength: 3 });

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant<Mutation>({ kind: "valid" }), weight: 4 },
  fc.record({
    kind: fc.constant("repeatedKey" as const),
    where: fc.constantFrom("top" as const, "nested" as const, "inArray" as const),
    same: fc.boolean(),
    pick: fc.nat(),
  }),
  fc.record({
    kind: fc.constant("unsafeNumber" as const),
    where: fc.constantFrom("extra" as const, "propertyValue" as const),
    number: fc.constantFrom(...UNSAFE_NUMBERS),
  }),
  fc.record({
    kind: fc.constant("bigId" as const),
    field: fc.constantFrom("objectId" as const, "portalId" as const, "eventId" as const),
    band: fc.constantFrom("above2^53" as const, "int64Max" as const, "int64Min" as const, "beyond" as const),
  }),
  fc.record({
    kind: fc.constant("wrongType" as const),
    field: fc.constantFrom("objectId" as const, "occurredAt" as const, "portalId" as const),
  }),
  fc.record({
    kind: fc.constant("unknownType" as const),
    type: fc.constantFrom(
      "ticket.creation" as const,
      "contact.privacyDeletion" as const,
      "object.creation 0-5" as const,
    ),
  }),
  fc.record({
    kind: fc.constant("loneSurrogate" as const),
    field: textField,
    escape: fc.constantFrom("\\ud800" as const, "\\udfff" as const, "\\uDC00" as const),
  }),
  fc.record({
    kind: fc.constant("longText" as const),
    field: textField,
    unit: fc.constantFrom("a" as const, "€" as const),
    bytes: fc.constantFrom(1023 as const, 1024 as const, 1025 as const, 1026 as const),
    escaped: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("invalidUtf8" as const),
    // A stray 0xFF, an overlong "/", a UTF-8-encoded lone surrogate, a 3-byte sequence cut short.
    bytes: fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]),
  }),
  fc.record({
    kind: fc.constant("invalidJson" as const),
    variant: fc.constantFrom(
      "noValue" as const,
      "trailingComma" as const,
      "bareWord" as const,
      "afterObject" as const,
      "singleQuotes" as const,
    ),
  }),
  fc.record({
    kind: fc.constant("nesting" as const),
    levels: fc.constantFrom(31 as const, 32 as const),
    brackets: fc.constantFrom("{" as const, "[" as const),
  }),
  fc.constant<Mutation>({ kind: "refusedByPubSub" }),
  fc.record({ kind: fc.constant("retryOfEarlier" as const), pick: fc.nat() }),
);

const eventPlanArb: fc.Arbitrary<EventPlan> = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  generic: fc.boolean(),
  mutation: mutationArb,
  unsafeExtra: fc.option(fc.constantFrom(...UNSAFE_NUMBERS)),
  inner: whitespace,
  before: whitespace,
  after: whitespace,
});

const batchArb = (maxLength: number) => fc.array(eventPlanArb, { minLength: 1, maxLength, size: "max" });

// --- Building the bytes, and what each event must become ---

/** Ids never repeat across runs (nor shrinks): the listener's replay cache outlives a run. */
let serial = 0;

const text = (value: string) => Buffer.from(value);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function member(key: string, value: unknown, raw?: string): Member {
  return { key, text: raw !== undefined ? text(raw) : json(value), value };
}

/** A bigint id as HubSpot writes it (a bare integer) and as the listener reads it (a number when a double holds it). */
function idMember(key: string, id: bigint): Member {
  const safe = id <= BigInt(Number.MAX_SAFE_INTEGER) && id >= BigInt(Number.MIN_SAFE_INTEGER);
  return member(key, safe ? Number(id) : id.toString(), id.toString());
}

function serialize(members: readonly Member[], inner: string, close = "}"): Buffer {
  const parts: Buffer[] = [text(`{${inner}`)];
  members.forEach((m, index) => {
    if (index > 0) parts.push(text(`${inner},${inner}`));
    parts.push(json(m.key), text(`${inner}:${inner}`), m.text);
  });
  parts.push(text(`${inner}${close}`));
  return Buffer.concat(parts);
}

function replaceMember(members: Member[], replacement: Member): void {
  const index = members.findIndex((m) => m.key === replacement.key);
  if (index === -1) members.push(replacement);
  else members[index] = replacement;
}

const dead = (reason: ListenerDeadLetterReason, why: string, atSink = false): Expectation => ({
  kind: "dead",
  reason,
  atSink,
  why,
});

function planEvent(plan: EventPlan, earlier: readonly PlannedEvent[], earlierMembers: Member[][]): PlannedEvent {
  const n = ++serial;
  const [sample] = sampleEvents(plan.type, 1, { generic: plan.generic, bigIds: false, now: 1_764_300_000_000 + n });
  const eventId = 500_000_000_000n + BigInt(n);
  const members: Member[] = [];
  for (const [key, value] of Object.entries(sample)) {
    if (typeof value === "bigint") members.push(idMember(key, value));
    else members.push(member(key, value));
  }
  replaceMember(members, idMember("eventId", eventId));
  replaceMember(members, idMember("objectId", 31_000_000_000n + BigInt(n)));
  if (plan.unsafeExtra !== null) members.push(member("unsafeExtra", plan.unsafeExtra, plan.unsafeExtra));

  const [objectType, change] = plan.type.split(".");
  let expect: Expectation | undefined;
  let bytes: Buffer | undefined;
  const mutation = plan.mutation;
  switch (mutation.kind) {
    case "valid":
      break;
    case "repeatedKey": {
      if (mutation.where === "top") {
        const original = members[mutation.pick % members.length];
        members.push(mutation.same ? original : member(original.key, "another value"));
      } else {
        const repeated = `{"k":1,${mutation.same ? '"k":1' : '"k":2'}}`;
        const raw = mutation.where === "nested" ? repeated : `[0,{"a":${repeated}}]`;
        members.push(member("meta", null, raw));
      }
      expect = dead("invalid-event", "a key repeated in one object");
      break;
    }
    case "unsafeNumber":
      replaceMember(members, member(mutation.where, mutation.number, mutation.number));
      break;
    case "bigId": {
      const id = {
        "above2^53": TWO_POW_53 + 1n + BigInt(n),
        int64Max: INT64_MAX - BigInt(n),
        int64Min: INT64_MIN + BigInt(n),
        beyond: INT64_MAX + BigInt(n),
      }[mutation.band];
      replaceMember(members, idMember(mutation.field, id));
      if (mutation.band === "beyond") expect = dead("invalid-event", `${mutation.field} beyond int64`);
      break;
    }
    case "wrongType":
      replaceMember(
        members,
        {
          objectId: member("objectId", "abc"),
          occurredAt: member("occurredAt", "x"),
          portalId: member("portalId", 1.5),
        }[mutation.field],
      );
      expect = dead("invalid-event", `${mutation.field} of the wrong type`);
      break;
    case "unknownType":
      if (mutation.type === "object.creation 0-5") {
        replaceMember(members, member("subscriptionType", "object.creation"));
        replaceMember(members, member("objectTypeId", "0-5"));
      } else replaceMember(members, member("subscriptionType", mutation.type));
      expect = dead("unsupported-event-type", `subscription type ${mutation.type}`);
      break;
    case "loneSurrogate": {
      // An escape in the JSON text: valid JSON and valid UTF-8 bytes, but no Pub/Sub attribute can hold it; as data
      // (JSON.stringify writes it escaped) it is fine.
      const value = `name${String.fromCharCode(parseInt(mutation.escape.slice(2), 16))}`;
      replaceMember(members, member(mutation.field, value, `"name${mutation.escape}"`));
      if (mutation.field === "propertyName") expect = dead("invalid-event", "lone surrogate in propertyName", true);
      break;
    }
    case "longText": {
      const repeated = mutation.unit.repeat(Math.floor(mutation.bytes / Buffer.byteLength(mutation.unit)));
      const value = repeated + "a".repeat(mutation.bytes - Buffer.byteLength(repeated));
      const raw = mutation.escaped ? `"${value.replaceAll("€", "\\u20ac")}"` : JSON.stringify(value);
      replaceMember(members, member(mutation.field, value, raw));
      if (mutation.field === "propertyName" && mutation.bytes > 1024)
        expect = dead("invalid-event", `propertyName of ${mutation.bytes} bytes`, true);
      break;
    }
    case "invalidUtf8":
      replaceMember(members, {
        key: "changeSource",
        text: Buffer.concat([text('"CR'), Buffer.from(mutation.bytes), text('M"')]),
        value: null,
      });
      expect = dead("invalid-event", "invalid UTF-8");
      break;
    case "invalidJson": {
      expect = dead("invalid-event", `invalid JSON (${mutation.variant})`);
      if (mutation.variant === "trailingComma") bytes = serialize(members, plan.inner, ",}");
      else if (mutation.variant === "afterObject") bytes = Buffer.concat([serialize(members, plan.inner), text(" x")]);
      else {
        const raw = { noValue: "", bareWord: "tru", singleQuotes: "'s'" }[mutation.variant];
        members.push(member("broken", null, raw));
      }
      break;
    }
    case "nesting": {
      const close = mutation.brackets === "{" ? "}" : "]";
      const open = mutation.brackets === "{" ? '{"a":' : "[";
      let value: unknown = 1;
      for (let level = 0; level < mutation.levels; level++) value = mutation.brackets === "{" ? { a: value } : [value];
      members.push(member("nested", value, `${open.repeat(mutation.levels)}1${close.repeat(mutation.levels)}`));
      // The event object is one level: 31 more make 32, the most allowed.
      if (mutation.levels === 32) expect = dead("invalid-event", "nested 33 levels");
      break;
    }
    case "refusedByPubSub":
      replaceMember(members, member("changeSource", `${REFUSE_MARK}-${n}`));
      expect = dead("pubsub-rejected", "refused by Pub/Sub", true);
      break;
    case "retryOfEarlier": {
      // HubSpot's retry of an earlier published event of this batch: new eventId and attempt, same change.
      const published = earlier.flatMap((event, index) => (event.expect.kind === "published" ? [index] : []));
      if (published.length === 0) break;
      const index = published[mutation.pick % published.length];
      members.length = 0;
      members.push(...earlierMembers[index].map((m) => ({ ...m })));
      replaceMember(members, idMember("eventId", eventId));
      replaceMember(members, member("attemptNumber", 1));
      expect = { kind: "replay" };
      break;
    }
  }
  earlierMembers.push(members);
  bytes ??= serialize(members, plan.inner);
  if (!expect) {
    const raw = Object.fromEntries(members.map((m) => [m.key, m.value]));
    const value = (key: string) => members.find((m) => m.key === key)?.value;
    const asText = (key: string) => {
      const v = value(key);
      return v === undefined ? undefined : String(v);
    };
    expect = {
      kind: "published",
      objectId: String(value("objectId")),
      portalId: String(value("portalId")),
      eventType: `${objectType}.${change}`,
      propertyName: asText("propertyName"),
      propertyValue: asText("propertyValue"),
      raw,
    };
  }
  return { eventId: String(members.find((m) => m.key === "eventId")?.value), bytes, expect };
}

function planBatch(plans: readonly EventPlan[]): { events: PlannedEvent[]; body: Buffer } {
  const events: PlannedEvent[] = [];
  const members: Member[][] = [];
  const parts: Buffer[] = [text("[")];
  plans.forEach((plan, index) => {
    const event = planEvent(plan, events, members);
    events.push(event);
    if (index > 0) parts.push(text(","));
    parts.push(text(plan.before), event.bytes, text(plan.after));
  });
  parts.push(text("]"));
  return { events, body: Buffer.concat(parts) };
}

/**
 * Signed like postSigned, but the body goes as bytes (some batches hold bytes that are not UTF-8 on purpose), each
 * request on its own connection: fetch may queue a second request behind the first on one socket, so two copies of a
 * batch would never be in the listener at once.
 */
function post(url: string, body: Buffer): Promise<number> {
  const timestamp = String(Date.now());
  const signature = signV3({ secret: SECRET, method: "POST", uri: PUBLIC_URL, body, timestamp });
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        "content-length": body.length,
        "x-hubspot-signature-v3": signature,
        "x-hubspot-request-timestamp": timestamp,
      },
    });
    req.once("error", reject);
    req.once("response", (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.end(body);
  });
}

const show = (event: PlannedEvent) => `event ${event.eventId} (${JSON.stringify(event.bytes.toString("latin1"))})`;

/** Asserts, event by event, what became of the batch: published as sent, dead-lettered with its bytes, or skipped. */
function checkEvents(
  events: readonly PlannedEvent[],
  published: readonly ConnectorEventPayload[],
  deadLetters: readonly DeadLetter[],
  /** The batch was delivered twice at once: each delivery dead-letters the malformed events it parsed itself. */
  twice = false,
): void {
  const byEventId = new Map<string, ConnectorEventPayload[]>();
  for (const payload of published) byEventId.set(payload.eventId, [...(byEventId.get(payload.eventId) ?? []), payload]);
  const unmatchedLetters = new Set(deadLetters);
  for (const event of events) {
    const copies = byEventId.get(event.eventId) ?? [];
    const letters = deadLetters.filter((letter) => letter.data.equals(event.bytes));
    letters.forEach((letter) => unmatchedLetters.delete(letter));
    const expect = event.expect;
    if (expect.kind === "published") {
      assert.equal(copies.length, 1, `${show(event)} published ${copies.length} times`);
      assert.equal(letters.length, 0, `${show(event)} was dead-lettered: ${letters[0]?.reasonDetail}`);
      const [payload] = copies;
      assert.equal(payload.objectId, expect.objectId, show(event));
      assert.equal(payload.portalId, expect.portalId, show(event));
      assert.equal(payload.eventType, expect.eventType, show(event));
      assert.equal(payload.propertyName, expect.propertyName, show(event));
      assert.equal(payload.propertyValue, expect.propertyValue, show(event));
      assert.equal(payload.changeSource, expect.raw.changeSource, show(event));
      assert.deepEqual(payload.raw, expect.raw, show(event));
    } else if (expect.kind === "dead") {
      assert.equal(copies.length, 0, `${show(event)} (${expect.why}) was published`);
      const expected = twice && !expect.atSink ? [1, 2] : [1];
      assert.ok(
        expected.includes(letters.length),
        `${show(event)} (${expect.why}): ${letters.length} dead letters with its bytes`,
      );
      for (const letter of letters)
        assert.equal(letter.reason, expect.reason, `${show(event)} (${expect.why}): ${letter.reasonDetail}`);
    } else {
      assert.equal(copies.length, 0, `${show(event)}, a retry of an earlier event, was published`);
      assert.equal(letters.length, 0, `${show(event)}, a retry of an earlier event, was dead-lettered`);
    }
  }
  assert.deepEqual(
    [...unmatchedLetters].map((letter) => letter.data.toString("latin1")),
    [],
    "dead letters that are no event's bytes",
  );
}

/** Counts occurrences; `reached(n)` resolves once the count is at least n. */
class Counter {
  count = 0;
  private waiters: Array<{ n: number; done: () => void }> = [];
  add(n: number): void {
    this.count += n;
    this.waiters = this.waiters.filter((waiter) => (this.count >= waiter.n ? (waiter.done(), false) : true));
  }
  reached(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((done) => this.waiters.push({ n, done }));
  }
}

/** A RecordingSink whose publish waits for a gate: holds a delivery's events in flight while a copy arrives. */
class GatedSink extends RecordingSink {
  gate: Promise<void> = Promise.resolve();
  override async publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]> {
    await this.gate;
    return super.publish(payloads);
  }
}

const refuseMarked = (payload: ConnectorEventPayload) =>
  payload.changeSource?.startsWith(REFUSE_MARK) ? "INVALID_ARGUMENT: refused (test)" : undefined;

const count = (events: readonly PlannedEvent[], kind: Expectation["kind"]) =>
  events.filter((event) => event.expect.kind === kind).length;

describe("listener: every event of a batch judged alone (property)", () => {
  let sink: RecordingSink;
  let server: TestListener;

  before(async () => {
    sink = new RecordingSink();
    sink.refuse = refuseMarked;
    server = await startTestListener({}, sink);
  });
  after(() => server?.listener.close());

  it("publishes each valid event as sent and dead-letters each malformed one with its bytes; neighbours unaffected", async () => {
    await fc.assert(
      fc.asyncProperty(batchArb(30), async (plans) => {
        const { events, body } = planBatch(plans);
        sink.published.length = 0;
        sink.deadLetters.length = 0;
        const logsBefore = server.logs.length;
        assert.equal(await post(server.url, body), 204);
        checkEvents(events, sink.published, sink.deadLetters);
        // The handler logs in the microtask after it writes the response, so before this client can read it.
        const outcome = server.logs.slice(logsBefore).find((entry: LogEntry) => entry.message.startsWith("accepted"));
        assert.ok(outcome, "no outcome logged for the batch");
        const published = count(events, "published");
        const deadLettered = count(events, "dead");
        const replays = count(events, "replay");
        assert.deepEqual(
          [outcome.events, outcome.published, outcome.deadLetters, outcome.replays],
          [events.length, published, deadLettered, replays],
        );
        assert.equal(published + deadLettered + replays, events.length);
      }),
      { numRuns: 100 },
    );
  });

  it("publishes each distinct valid event once when the same batch arrives twice at once", async () => {
    const gated = new GatedSink();
    gated.refuse = refuseMarked;
    const twice = await startTestListener({}, gated);
    // Counts deliveries that found an event in flight and waited for it instead of publishing it.
    const waits = new Counter();
    const inFlight = twice.listener.handler.inFlight;
    const claim = inFlight.claim.bind(inFlight);
    inFlight.claim = (keys) => {
      const claimed = claim(keys);
      waits.add(claimed.waits.length);
      return claimed;
    };
    try {
      await fc.assert(
        fc.asyncProperty(batchArb(15), async (plans) => {
          const { events, body } = planBatch(plans);
          gated.published.length = 0;
          gated.deadLetters.length = 0;
          // Events that reach the claim: not malformed, not a retry of an earlier event of the batch.
          const fresh = events.filter(
            ({ expect }) => expect.kind === "published" || (expect.kind === "dead" && expect.atSink),
          ).length;
          // The first delivery publishes only once the second has found every one of its events in flight.
          waits.count = 0;
          gated.gate = waits.reached(fresh);
          const responses = await Promise.all([post(twice.url, body), post(twice.url, body)]);
          assert.deepEqual(responses, [204, 204]);
          assert.equal(waits.count, fresh);
          checkEvents(events, gated.published, gated.deadLetters, true);
        }),
        { numRuns: 50 },
      );
    } finally {
      await twice.listener.close();
    }
  });
});
