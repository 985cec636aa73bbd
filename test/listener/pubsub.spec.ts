// The listener against the real Pub/Sub client and the Pub/Sub emulator (skipped, with the reason printed, where the
// machine has no emulator). The emulator keeps state in memory: topics are (re)created by each test that needs them.
import assert from "node:assert/strict";
import type { Message, PubSub, Subscription } from "@google-cloud/pubsub";
import { batchJson, sampleEvents } from "../../testing/sample-events";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import { createPubSub } from "../../runtime/shared/pubsub";
import { startEmulatorOrSkip, type PubSubEmulator } from "../../testing/pubsub-emulator";
import { captureLogs } from "../../runtime/shared/log";
import { startListener } from "../../runtime/listener";
import { postSigned, PUBLIC_URL, SECRET } from "./support/fixtures";

const PROJECT = "listener-test";

describe("listener on the Pub/Sub emulator", function () {
  let emulator: PubSubEmulator;
  let admin: PubSub;
  let run = 0;
  const metadataDetection = process.env.METADATA_SERVER_DETECTION;

  before(async function () {
    // No GCE metadata server here: stop google-auth-library probing for one (it only prints warnings).
    process.env.METADATA_SERVER_DETECTION = "none";
    emulator = await startEmulatorOrSkip(this);
    admin = createPubSub({ projectId: PROJECT, emulatorHost: emulator.host });
  });
  after(async () => {
    await admin?.close();
    await emulator?.stop();
    if (metadataDetection === undefined) delete process.env.METADATA_SERVER_DETECTION;
    else process.env.METADATA_SERVER_DETECTION = metadataDetection;
  });

  /** Fresh topics and subscriptions for one test. */
  async function topics(options: { ordering?: boolean } = {}) {
    run++;
    const [events] = await admin.createTopic(`events-${run}`);
    const [dead] = await admin.createTopic(`dead-${run}`);
    const [eventsSub] = await events.createSubscription(`events-${run}-sub`, {
      enableMessageOrdering: options.ordering ?? false,
    });
    const [deadSub] = await dead.createSubscription(`dead-${run}-sub`);
    return { events: events.name, dead: dead.name, eventsSub, deadSub };
  }

  async function listenerFor(eventsTopic: string, deadTopic: string, extra: Record<string, string> = {}) {
    const { logger, entries } = captureLogs("DEBUG");
    const listener = await startListener(
      {
        PORT: "0",
        HUBSPOT_CLIENT_SECRET: SECRET,
        PUBLIC_URL,
        GOOGLE_CLOUD_PROJECT: PROJECT,
        EVENTS_TOPIC: eventsTopic,
        DEAD_LETTER_TOPIC: deadTopic,
        PUBSUB_EMULATOR_HOST: emulator.host,
        PUBLISH_TIMEOUT_MS: "1500",
        ...extra,
      },
      { logger },
    );
    return { listener, url: `${listener.url}/webhooks/hubspot`, logs: entries };
  }

  it("publishes one message per event with the conventional attributes, int64 ids intact", async () => {
    const { events, dead, eventsSub } = await topics();
    const { listener, url } = await listenerFor(events, dead);
    try {
      const sent = sampleEvents("contact.propertyChange", 3);
      assert.equal((await postSigned(url, batchJson(sent))).status, 204);
      const messages = await receive(eventsSub, 3);
      const byObjectId = new Map(messages.map((message) => [message.attributes.objectId, message]));
      for (const event of sent) {
        const message = byObjectId.get(event.objectId.toString());
        assert.ok(message, `no message for objectId ${event.objectId}`);
        const payload = JSON.parse(message.data.toString()) as ConnectorEventPayload;
        assert.equal(payload.objectId, event.objectId.toString());
        assert.equal(payload.propertyName, event.propertyName);
        assert.deepEqual(message.attributes, {
          eventType: "contact.propertyChange",
          objectType: "contact",
          portalId: "62515",
          objectId: event.objectId.toString(),
          eventId: event.eventId.toString(),
          dedupKey: payload.dedupKey,
          propertyName: event.propertyName,
        });
        assert.equal(message.orderingKey, "");
      }
      assert.ok(
        sent.some((event) => event.objectId > BigInt(Number.MAX_SAFE_INTEGER)),
        "the batch holds an id above 2^53",
      );
    } finally {
      await listener.close();
    }
  });

  it("sets the ordering key <objectType>:<objectId> when MESSAGE_ORDERING=true", async () => {
    const { events, dead, eventsSub } = await topics({ ordering: true });
    const { listener, url } = await listenerFor(events, dead, { MESSAGE_ORDERING: "true" });
    try {
      const [event] = sampleEvents("deal.creation", 1);
      assert.equal((await postSigned(url, batchJson([event]))).status, 204);
      const [message] = await receive(eventsSub, 1);
      assert.equal(message.orderingKey, `deal:${event.objectId}`);
    } finally {
      await listener.close();
    }
  });

  it("writes a signed but malformed event to the dead-letter topic with reason attributes", async () => {
    const { events, dead, deadSub } = await topics();
    const { listener, url } = await listenerFor(events, dead);
    try {
      assert.equal((await postSigned(url, '[{"subscriptionType":"deal.creation","objectId":"x1"}]')).status, 204);
      const [letter] = await receive(deadSub, 1);
      assert.equal(letter.attributes.reason, "invalid-event");
      assert.match(letter.attributes.reasonDetail, /objectId is "x1"; the rule is an integer/);
      assert.deepEqual(JSON.parse(letter.data.toString()), { subscriptionType: "deal.creation", objectId: "x1" });
    } finally {
      await listener.close();
    }
  });

  it("/readyz is 200 for a reachable topic and 503 for a missing one", async () => {
    const { events, dead } = await topics();
    const good = await listenerFor(events, dead);
    const missing = await listenerFor("no-such-topic", dead);
    try {
      assert.equal((await fetch(`${good.listener.url}/readyz`)).status, 200);
      const response = await fetch(`${missing.listener.url}/readyz`);
      assert.equal(response.status, 503);
      assert.match(((await response.json()) as { sink: string }).sink, /no-such-topic unreachable/);
    } finally {
      await good.listener.close();
      await missing.listener.close();
    }
  });

  it("emulator stopped -> 503 and nothing acknowledged; restarted -> HubSpot's retry of the batch is published", async function () {
    this.timeout(90_000);
    const { events, dead } = await topics();
    const unordered = await listenerFor(events, dead);
    // With ordering on, a failed publish can pause its ordering key: the retry must still get through.
    const ordered = await listenerFor(events, dead, { MESSAGE_ORDERING: "true" });
    try {
      const body = batchJson(sampleEvents("deal.deletion", 4));
      const orderedBody = batchJson(sampleEvents("contact.propertyChange", 2));
      await emulator.stop();
      for (const [server, batch] of [
        [unordered, body],
        [ordered, orderedBody],
      ] as const) {
        const failed = await postSigned(server.url, batch);
        assert.equal(failed.status, 503);
        assert.equal(failed.headers.get("retry-after"), "5");
        assert.ok(
          server.logs.some((entry) => entry.severity === "ERROR" && entry.message.startsWith("publish failed")),
        );
      }

      await emulator.restart(); // state is gone: recreate what the stack would have created
      await admin.createTopic(events);
      await admin.createTopic(dead);
      const [eventsSub] = await admin.topic(events).createSubscription(`events-${run}-after-restart`);
      assert.equal((await postSigned(unordered.url, body)).status, 204);
      assert.equal((await postSigned(ordered.url, orderedBody)).status, 204);
      const messages = await receive(eventsSub, 6);
      assert.equal(new Set(messages.map((message) => message.attributes.dedupKey)).size, 6);
    } finally {
      await unordered.listener.close();
      await ordered.listener.close();
    }
  });

  it("drops replays within the window against the real topic", async () => {
    const { events, dead, eventsSub } = await topics({ ordering: true });
    const { listener, url, logs } = await listenerFor(events, dead, { MESSAGE_ORDERING: "true" });
    try {
      const body = batchJson(sampleEvents("contact.creation", 2));
      assert.equal((await postSigned(url, body)).status, 204);
      assert.equal((await postSigned(url, body)).status, 204);
      const replay = logs.filter((entry) => entry.message === "accepted").at(-1);
      assert.equal(replay?.replays, 2, "the listener saw the second post as a replay");
      assert.equal(replay?.published, 0);
      // Markers: a later change of the same two objects, so the same ordering keys, published after the replay was
      // answered. Ordered delivery hands over any copy the replay published before the marker of its object.
      assert.equal((await postSigned(url, batchJson(sampleEvents("contact.deletion", 2)))).status, 204);
      const messages = await receive(eventsSub, 4);
      const byObject = new Map<string, string[]>();
      for (const { orderingKey = "", attributes } of messages) {
        byObject.set(orderingKey, [...(byObject.get(orderingKey) ?? []), attributes.eventType]);
      }
      assert.deepEqual(
        [...byObject.values()],
        [
          ["contact.creation", "contact.deletion"],
          ["contact.creation", "contact.deletion"],
        ],
      );
    } finally {
      await listener.close();
    }
  });
});

/**
 * Collects `count` messages (acking them); a subscriber error rejects. No deadline of its own: the mocha timeout is
 * the hang guard. A message beyond `count` that arrives before the stream closes fails the caller's count checks.
 */
function receive(subscription: Subscription, count: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const messages: Message[] = [];
    let failure: Error | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      subscription.removeAllListeners("message");
      void subscription.close().then(
        () => {
          subscription.removeAllListeners("error");
          if (failure) reject(failure);
          else resolve(messages);
        },
        (error: Error) => reject(failure ?? error),
      );
    };
    subscription.on("message", (message: Message) => {
      message.ack();
      messages.push(message);
      if (messages.length >= count) finish();
    });
    subscription.on("error", (error: Error) => {
      failure ??= error;
      finish();
    });
  });
}
