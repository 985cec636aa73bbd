// The local sink behaves as production would: the same message checks as the Pub/Sub sink, and dead letters keep
// their bytes exactly (as text when they are UTF-8, as base64 when a JSON string cannot hold them).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { normalizeEvent } from "../../runtime/listener/events/normalize";
import { JsonLinesSink } from "../../runtime/listener/sinks/json-lines-sink";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import { parseEventBatch } from "../../runtime/listener/events/parse";
import { batchJson, sampleEvents } from "../../testing/sample-events";

/** Two contact.propertyChange events as the listener parses them (some sample ids exceed 2^53). */
function parsedEvents(): Record<string, unknown>[] {
  const parsed = parseEventBatch(Buffer.from(batchJson(sampleEvents("contact.propertyChange", 2))));
  assert.ok(parsed.ok);
  return parsed.events.map((event) => {
    assert.ok(event.ok);
    return event.value as Record<string, unknown>;
  });
}

function payloadOf(event: Record<string, unknown>): ConnectorEventPayload {
  const result = normalizeEvent(event, "2026-12-02T00:00:00.000Z");
  assert.ok(result.ok, result.ok ? "" : result.detail);
  return result.payload;
}

describe("JSON-lines sink", () => {
  let file: string;
  let sink: JsonLinesSink;
  beforeEach(() => {
    file = path.join(mkdtempSync(path.join(tmpdir(), "jsonl-sink-")), "events.jsonl");
    sink = new JsonLinesSink(file);
  });

  const lines = async () => {
    await sink.close();
    return readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it("refuses what Pub/Sub would refuse (a 2,000-byte propertyName) and writes the rest", async () => {
    const [valid, long] = parsedEvents();
    const outcomes = await sink.publish([payloadOf(valid), payloadOf({ ...long, propertyName: "p".repeat(2000) })]);
    assert.equal(outcomes[0]?.status, "published");
    assert.ok(outcomes[1]?.status === "rejected");
    assert.match(outcomes[1].detail, /attribute "propertyName" is 2000 bytes; the limit is 1024/);
    const written = await lines();
    assert.equal(written.length, 1);
    assert.equal((written[0].payload as ConnectorEventPayload).eventId, String(valid.eventId));
  });

  it("keeps a dead letter's bytes exactly: text when UTF-8, base64 with dataEncoding when not", async () => {
    const invalid = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"<0xFF>"}
    await sink.deadLetter([
      { data: Buffer.from('{"objectId":"é"}'), reason: "invalid-event", reasonDetail: "objectId is text" },
      { data: invalid, reason: "invalid-event", reasonDetail: "not valid UTF-8" },
    ]);
    const [text, bytes] = await lines();
    assert.deepEqual(text, {
      deadLetter: { reason: "invalid-event", reasonDetail: "objectId is text" },
      data: '{"objectId":"é"}',
    });
    assert.equal(bytes.dataEncoding, "base64");
    assert.deepEqual(Buffer.from(String(bytes.data), "base64"), invalid);
  });
});
