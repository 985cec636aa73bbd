// Per-event judgement on the Pub/Sub emulator: one poison event in a signed batch is dead-lettered with its
// bytes exactly as sent, its neighbours are published, and the batch is answered 204. Every case counts what reached
// both topics, so an extra publish or a missing dead letter fails it. Skipped, with the reason printed, where the
// machine has no emulator.
import assert from "node:assert/strict";
import type { Message, Subscription, Topic } from "@google-cloud/pubsub";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import { captureLogs } from "../../runtime/shared/log";
import { startListener } from "../../runtime/listener";
import { signV3 } from "../../runtime/listener/signature/sign";
import { emulatorForSuite } from "../../testing/pubsub-emulator";
import { batchJson, sampleEvents, type SampleEvent } from "../../testing/sample-events";
import { pulledDedupKey } from "../faults/support";
import { PUBLIC_URL, SECRET } from "../listener/support/fixtures";

const PROJECT = "per-event-test";
const MARKER = "marker";

/** One event's JSON text as the sample generator writes it (int64 digits intact). */
function eventText(event: SampleEvent): string {
  return batchJson([event]).slice(1, -1);
}

/** A JSON array of the elements' bytes, separated as HubSpot would (commas, no whitespace). */
function arrayOf(elements: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from("[")];
  elements.forEach((element, index) => parts.push(...(index > 0 ? [Buffer.from(",")] : []), element));
  return Buffer.concat([...parts, Buffer.from("]")]);
}

/** `text` with its first `from` replaced, failing loudly when the sample no longer contains it. */
function swap(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `${from} not in ${text}`);
  return text.replace(from, to);
}

function payloadOf(message: Message): ConnectorEventPayload {
  return JSON.parse(message.data.toString("utf8")) as ConnectorEventPayload;
}

/**
 * Every message of `subscription`, acked, until `expected` distinct ones arrived; then a marker is published to
 * `topic` and pulling goes on until the marker arrives, and every other message received meanwhile is counted too.
 * Why this proves nothing more comes: the listener answers only after Pub/Sub acknowledged each of its publishes, so
 * all of them were stored before the marker was published. Pub/Sub does not promise delivery in publish order, but
 * with one streaming pull (maxStreams 1) the emulator hands out what it stored before the marker ahead of it; an
 * extra message is therefore received before the marker, and the caller's exact count fails. Messages are counted by
 * id, so a redelivery by Pub/Sub is never taken for a second publish by the listener. No deadline of its own: the
 * mocha timeout is the hang guard.
 */
function drain(subscription: Subscription, topic: Topic, expected: number): Promise<Message[]> {
  subscription.setOptions({ streamingOptions: { maxStreams: 1 } });
  return new Promise((resolve, reject) => {
    const received = new Map<string, Message>();
    let markerSent = false;
    const finish = (error?: Error) => {
      subscription.removeAllListeners("message");
      void subscription.close().then(
        () => (error ? reject(error) : resolve([...received.values()])),
        (closeError: Error) => reject(error ?? closeError),
      );
    };
    const sendMarkerOnceEnough = () => {
      if (markerSent || received.size < expected) return;
      markerSent = true;
      topic.publishMessage({ data: Buffer.from(MARKER), attributes: { [MARKER]: "true" } }).catch(finish);
    };
    subscription.on("message", (message: Message) => {
      message.ack();
      if (message.attributes[MARKER] === "true") return finish();
      received.set(message.id, message);
      sendMarkerOnceEnough();
    });
    subscription.on("error", (error: Error) => finish(error));
    sendMarkerOnceEnough();
  });
}

describe("per-event judgement on the Pub/Sub emulator: counts and bytes of what was published and dead-lettered", function () {
  this.timeout(60_000);
  const suite = emulatorForSuite(PROJECT);
  let run = 0;

  interface Delivered {
    status: number;
    published: Message[];
    deadLetters: Message[];
  }

  /**
   * Fresh topics and subscriptions, a listener publishing to them, one signed POST of `body`; then everything both
   * subscriptions hold, drained past a marker (see `drain`).
   */
  async function deliver(body: Buffer, expected: { published: number; deadLetters: number }): Promise<Delivered> {
    run++;
    const [events] = await suite.pubsub.createTopic(`events-${run}`);
    const [dead] = await suite.pubsub.createTopic(`dead-${run}`);
    const [eventsSub] = await events.createSubscription(`events-${run}-sub`);
    const [deadSub] = await dead.createSubscription(`dead-${run}-sub`);
    const listener = await startListener(
      {
        PORT: "0",
        HOST: "127.0.0.1",
        HUBSPOT_CLIENT_SECRET: SECRET,
        PUBLIC_URL,
        GOOGLE_CLOUD_PROJECT: PROJECT,
        EVENTS_TOPIC: events.name,
        DEAD_LETTER_TOPIC: dead.name,
        PUBSUB_EMULATOR_HOST: suite.emulator.host,
        PUBLISH_TIMEOUT_MS: "3000",
      },
      { logger: captureLogs("ERROR").logger },
    );
    try {
      const timestamp = String(Date.now());
      const response = await fetch(`${listener.url}/webhooks/hubspot`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hubspot-request-timestamp": timestamp,
          "x-hubspot-signature-v3": signV3({ secret: SECRET, method: "POST", uri: PUBLIC_URL, body, timestamp }),
        },
        body,
      });
      await response.arrayBuffer();
      const [published, deadLetters] = await Promise.all([
        drain(eventsSub, events, expected.published),
        drain(deadSub, dead, expected.deadLetters),
      ]);
      return { status: response.status, published, deadLetters };
    } finally {
      await listener.close();
    }
  }

  /** Exactly the `sent` events were published, once each, as the consumer reads them. */
  function assertPublished(published: readonly Message[], sent: readonly SampleEvent[]): void {
    assert.equal(published.length, sent.length, "published count");
    const byEventId = new Map(published.map((message) => [payloadOf(message).eventId, message]));
    assert.equal(byEventId.size, sent.length, "each published message is a different event");
    for (const event of sent) {
      const message = byEventId.get(event.eventId.toString());
      assert.ok(message, `event ${event.eventId} was not published`);
      const payload = payloadOf(message);
      assert.equal(pulledDedupKey(message), payload.dedupKey);
      assert.equal(payload.objectId, event.objectId.toString());
      assert.equal(payload.propertyName, event.propertyName);
      assert.equal(payload.propertyValue, event.propertyValue);
      assert.equal(payload.occurredAt.epochMillis, event.occurredAt);
    }
  }

  /** The dead letters are exactly `expected`, each holding the bytes sent, compared as bytes. */
  function assertDeadLetters(
    letters: readonly Message[],
    expected: ReadonlyArray<{ bytes: Buffer; reason: string; detail?: RegExp }>,
  ): void {
    assert.equal(letters.length, expected.length, "dead-letter count");
    for (const { bytes, reason, detail } of expected) {
      const letter = letters.find((candidate) => candidate.data.equals(bytes));
      assert.ok(letter, `no dead letter holds exactly ${JSON.stringify(bytes.toString("latin1"))}`);
      assert.equal(letter.attributes.reason, reason);
      if (detail) assert.match(letter.attributes.reasonDetail, detail);
    }
  }

  it("the issue's poison batch: 50 events and one propertyName with a lone surrogate -> 204, 50 published, 1 dead letter", async () => {
    const events = sampleEvents("contact.propertyChange", 51);
    const poison = events.splice(25, 1)[0];
    // `\ud800` is written as a JSON escape: valid JSON text, but the value is a lone UTF-16 surrogate.
    const poisonText = swap(
      eventText(poison),
      `"propertyName":"${poison.propertyName}"`,
      '"propertyName":"firstname\\ud800"',
    );
    const elements = events.map((event) => Buffer.from(eventText(event)));
    elements.splice(25, 0, Buffer.from(poisonText));

    const delivered = await deliver(arrayOf(elements), { published: 50, deadLetters: 1 });
    assert.equal(delivered.status, 204);
    assertPublished(delivered.published, events);
    assertDeadLetters(delivered.deadLetters, [
      {
        bytes: Buffer.from(poisonText),
        reason: "invalid-event",
        detail: /^Pub\/Sub would refuse this event's message: .*propertyName.*lone UTF-16 surrogate/,
      },
    ]);
  });

  it("a repeated key dead-letters that event alone, with an integer above 2^53 elsewhere in the batch or none", async () => {
    // Two parsing paths: a batch holding a number a double cannot hold is parsed losslessly, one without is not.
    const withBig = sampleEvents("deal.creation", 6);
    assert.ok(withBig[1].objectId <= BigInt(Number.MAX_SAFE_INTEGER));
    assert.ok(withBig[2].objectId > BigInt(Number.MAX_SAFE_INTEGER));
    const small = sampleEvents("contact.creation", 4, { bigIds: false, now: Date.now() - 30_000 });
    assert.ok(small.every((event) => event.objectId <= BigInt(Number.MAX_SAFE_INTEGER)));

    // In the first batch one repeating event holds a small objectId, the other one above 2^53 (its own text goes
    // through the lossless parser); the second batch has no number a double cannot hold.
    for (const [batch, at] of [
      [withBig, [1, 2]],
      [small, [2]],
    ] as const) {
      const repeated = batch.filter((_, index) => at.some((position) => position === index));
      const others = batch.filter((event) => !repeated.includes(event));
      const texts = new Map(
        repeated.map((event) => [event, swap(eventText(event), "{", `{"objectId":${event.objectId + 1n},`)]),
      );
      const elements = batch.map((event) => Buffer.from(texts.get(event) ?? eventText(event)));

      const delivered = await deliver(arrayOf(elements), { published: others.length, deadLetters: repeated.length });
      assert.equal(delivered.status, 204);
      assertPublished(delivered.published, others);
      assertDeadLetters(
        delivered.deadLetters,
        [...texts.values()].map((text) => ({
          bytes: Buffer.from(text),
          reason: "invalid-event",
          detail: /repeats the key "objectId"/,
        })),
      );
    }
  });

  it("keeps numbers a double cannot hold as sent: 1e400 in an extra field and in propertyValue", async () => {
    const [event, neighbour] = sampleEvents("contact.propertyChange", 2);
    const hugeText = swap(
      swap(eventText(event), `"propertyValue":"${event.propertyValue}"`, '"propertyValue":1e400'),
      '"objectId"',
      '"big":1e400,"objectId"',
    );
    const delivered = await deliver(arrayOf([Buffer.from(hugeText), Buffer.from(eventText(neighbour))]), {
      published: 2,
      deadLetters: 0,
    });
    assert.equal(delivered.status, 204);
    assert.equal(delivered.deadLetters.length, 0);
    assertPublished(delivered.published, [{ ...event, propertyValue: "1e400" }, neighbour]);
    const huge = delivered.published.map(payloadOf).find((payload) => payload.eventId === event.eventId.toString());
    assert.ok(huge);
    // JSON.parse would have made these Infinity, serialised as null.
    assert.equal(huge.propertyValue, "1e400");
    assert.equal(huge.raw.big, "1e400");
    assert.equal(huge.raw.propertyValue, "1e400");
    // Numbers a double holds stay numbers in raw.
    assert.equal(huge.raw.objectId, Number(event.objectId));
  });

  it("a 2,000-byte propertyName is dead-lettered before publishing; its neighbours are published", async () => {
    const events = sampleEvents("deal.propertyChange", 5);
    const [long] = events.splice(2, 1);
    const longText = swap(
      eventText(long),
      `"propertyName":"${long.propertyName}"`,
      `"propertyName":"${"p".repeat(2000)}"`,
    );
    const elements = events.map((event) => Buffer.from(eventText(event)));
    elements.splice(2, 0, Buffer.from(longText));

    // The emulator stores such a message, production Pub/Sub refuses it: an attribute value is at most 1024 bytes
    // (https://cloud.google.com/pubsub/quotas#resource_limits), and propertyName is an attribute.
    const delivered = await deliver(arrayOf(elements), { published: 4, deadLetters: 1 });
    assert.equal(delivered.status, 204);
    assertPublished(delivered.published, events);
    assertDeadLetters(delivered.deadLetters, [
      {
        bytes: Buffer.from(longText),
        reason: "invalid-event",
        detail:
          /^Pub\/Sub would refuse this event's message: attribute "propertyName" is 2000 bytes; the limit is 1024/,
      },
    ]);
  });

  it("an invalid UTF-8 byte inside a string value dead-letters that event with its exact bytes", async () => {
    const events = sampleEvents("contact.propertyChange", 4);
    const [bad] = events.splice(1, 1);
    const [before, after] = eventText(bad).split(`"propertyValue":"${bad.propertyValue}"`);
    assert.ok(after !== undefined);
    // 0xFF never occurs in UTF-8; it sits inside the string, so only a UTF-8 check (not the JSON grammar) finds it.
    const badBytes = Buffer.concat([
      Buffer.from(`${before}"propertyValue":"ada`),
      Buffer.from([0xff]),
      Buffer.from(`lovelace"${after}`),
    ]);
    const elements = events.map((event) => Buffer.from(eventText(event)));
    elements.splice(1, 0, badBytes);

    const delivered = await deliver(arrayOf(elements), { published: 3, deadLetters: 1 });
    assert.equal(delivered.status, 204);
    assertPublished(delivered.published, events);
    assertDeadLetters(delivered.deadLetters, [{ bytes: badBytes, reason: "invalid-event", detail: /not valid UTF-8/ }]);
  });

  it("a truncated body: complete events are published, the cut-off one is dead-lettered with its bytes", async () => {
    const events = sampleEvents("deal.deletion", 4);
    const cutText = eventText(events[3]);
    const cut = Buffer.from(cutText.slice(0, Math.floor(cutText.length / 2)));
    const whole = arrayOf([...events.slice(0, 3).map((event) => Buffer.from(eventText(event))), cut]);
    // The array is never closed: the body ends inside the last event.
    const body = whole.subarray(0, whole.length - 1);
    assert.equal(body.subarray(-cut.length).toString(), cut.toString());

    const delivered = await deliver(body, { published: 3, deadLetters: 1 });
    assert.equal(delivered.status, 204);
    assertPublished(delivered.published, events.slice(0, 3));
    assertDeadLetters(delivered.deadLetters, [{ bytes: cut, reason: "invalid-event", detail: /not valid JSON/ }]);
  });

  it("bytes after the array's end are one dead letter; the events before them are published", async () => {
    const events = sampleEvents("contact.creation", 3);
    const trailing = Buffer.from('{"subscriptionType":"contact.creation"},"x"');
    const body = Buffer.concat([
      arrayOf(events.map((event) => Buffer.from(eventText(event)))),
      Buffer.from(" "),
      trailing,
    ]);

    const delivered = await deliver(body, { published: 3, deadLetters: 1 });
    assert.equal(delivered.status, 204);
    assertPublished(delivered.published, events);
    assertDeadLetters(delivered.deadLetters, [
      { bytes: trailing, reason: "invalid-event", detail: /bytes follow the array's end/ },
    ]);
  });

  it("a body that is not an array is dead-lettered whole and answered 400", async () => {
    const [event] = sampleEvents("deal.creation", 1);
    const body = Buffer.from(` ${eventText(event)}`);

    const delivered = await deliver(body, { published: 0, deadLetters: 1 });
    assert.equal(delivered.status, 400);
    assert.equal(delivered.published.length, 0);
    assertDeadLetters(delivered.deadLetters, [{ bytes: body, reason: "invalid-event", detail: /a JSON object/ }]);
  });

  it("an unknown type, a wrong type and nesting deeper than 32 are each dead-lettered alone", async () => {
    const events = sampleEvents("deal.propertyChange", 5);
    const [unknown, wrong, deep] = events.splice(1, 3);
    const unknownText = swap(
      eventText(unknown),
      '"subscriptionType":"deal.propertyChange"',
      '"subscriptionType":"ticket.creation"',
    );
    const wrongText = swap(eventText(wrong), `"objectId":${wrong.objectId}`, `"objectId":"x${wrong.objectId}"`);
    const deepText = swap(
      eventText(deep),
      `"propertyValue":"${deep.propertyValue}"`,
      `"propertyValue":${'{"a":'.repeat(32)}1${"}".repeat(32)}`,
    );
    const elements = [events[0], unknownText, wrongText, deepText, events[1]].map((item) =>
      Buffer.from(typeof item === "string" ? item : eventText(item)),
    );

    const delivered = await deliver(arrayOf(elements), { published: 2, deadLetters: 3 });
    assert.equal(delivered.status, 204);
    assertPublished(delivered.published, events);
    assertDeadLetters(delivered.deadLetters, [
      { bytes: Buffer.from(unknownText), reason: "unsupported-event-type", detail: /"ticket.creation" is not handled/ },
      { bytes: Buffer.from(wrongText), reason: "invalid-event", detail: /objectId is "x\d+"; the rule is an integer/ },
      {
        bytes: Buffer.from(deepText),
        reason: "invalid-event",
        detail: /nested 33 levels deep; the rule is at most 32/,
      },
    ]);
  });
});
