import { strict as assert } from "node:assert";
import type { PubSub, Subscription } from "@google-cloud/pubsub";
import { drain } from "./drain";
import { createPubSub } from "../../runtime/shared/pubsub";
import { redrive, redriveAttributes, validateRedriveOptions } from "../../scripts/lib/redrive";
import { startEmulatorOrSkip, type PubSubEmulator } from "../../testing/pubsub-emulator";

const PROJECT = "redrive-test";

describe("dead-letter redrive", () => {
  it("keeps the event's attributes, drops Pub/Sub's dead-letter ones and counts redrives", () => {
    const attributes = redriveAttributes({
      eventType: "deal.creation",
      dedupKey: "abc",
      CloudPubSubDeadLetterSourceDeliveryCount: "5",
      CloudPubSubDeadLetterSourceSubscription: "projects/p/subscriptions/hubspot-dev-deals",
      redriveCount: "2",
    });
    assert.deepEqual(attributes, {
      eventType: "deal.creation",
      dedupKey: "abc",
      redriveSubscription: "hubspot-dev-deals",
      redriveCount: "3",
    });
  });

  it("names the source subscription's key, so the redrive reaches the trigger after an edit renamed it", () => {
    // Pub/Sub names the source subscription in CloudPubSubDeadLetterSourceSubscription:
    // https://cloud.google.com/pubsub/docs/handling-failures#track-delivery-attempts
    const fromVersioned = redriveAttributes({
      CloudPubSubDeadLetterSourceSubscription: "projects/p/subscriptions/hubspot-dev-trigger-deals-0a1b2c3d-5e6f7a8",
    });
    assert.equal(fromVersioned.redriveSubscription, "hubspot-dev-trigger-deals-0a1b2c3d");
    // Dead-lettered by the dispatcher: it records the subscription's short name in `subscription`.
    const fromDispatcher = redriveAttributes({ subscription: "hubspot-dev-trigger-deals-0a1b2c3d-1234567" });
    assert.equal(fromDispatcher.redriveSubscription, "hubspot-dev-trigger-deals-0a1b2c3d");
    // Dead-lettered before names carried a hash: the old name is the key.
    const legacy = redriveAttributes({ subscription: "hubspot-dev-trigger-deals-0a1b2c3d" });
    assert.equal(legacy.redriveSubscription, "hubspot-dev-trigger-deals-0a1b2c3d");
  });

  it("names every bad option at once", () => {
    const problems = validateRedriveOptions({ project: "", subscription: "", topic: "t", max: 0, batchSize: 5000 });
    assert.equal(problems.length, 4);
    assert.match(problems.join("\n"), /--project/);
    assert.match(problems.join("\n"), /--max: 0 is not a positive integer/);
    assert.match(problems.join("\n"), /--batch-size: 5000 is out of range/);
    assert.deepEqual(validateRedriveOptions({ project: "p", subscription: "s", topic: "t", max: Number("ten") }), [
      "--max: not a number is not a positive integer",
    ]);
  });

  describe("on the Pub/Sub emulator", function () {
    let emulator: PubSubEmulator | undefined;
    let pubsub: PubSub;
    let events: Subscription;
    let deadLetter: Subscription;

    before(async function () {
      emulator = await startEmulatorOrSkip(this);
      pubsub = createPubSub({ projectId: PROJECT, emulatorHost: emulator.host });
      const [eventsTopic] = await pubsub.createTopic("events");
      [events] = await eventsTopic.createSubscription("events-capture");
      const [deadLetterTopic] = await pubsub.createTopic("dead-letter");
      [deadLetter] = await deadLetterTopic.createSubscription("dead-letter-retention");
    });

    after(async () => {
      await pubsub?.close();
      await emulator?.stop();
    });

    beforeEach(async () => {
      await drain(events);
      await drain(deadLetter);
      const topic = pubsub.topic("dead-letter");
      await topic.publishMessage({
        data: Buffer.from('{"n":1}'),
        attributes: {
          eventType: "deal.creation",
          CloudPubSubDeadLetterSourceDeliveryCount: "5",
          CloudPubSubDeadLetterSourceSubscription: `projects/${PROJECT}/subscriptions/deals`,
        },
      });
      await topic.publishMessage({
        data: Buffer.from('{"n":2}'),
        attributes: { eventType: "contact.deletion", reason: "integration-rejected" },
      });
      await topic.publishMessage({ data: Buffer.from("not json"), attributes: { reason: "invalid-event" } });
    });

    it("a dry run republishes nothing and leaves every message in the dead letter", async () => {
      const summary = await redrive(
        { project: PROJECT, subscription: "dead-letter-retention", topic: "events", dryRun: true },
        pubsub,
      );
      assert.equal(summary.republished, 0);
      assert.equal(summary.acknowledged, 0);
      assert.ok(summary.pulled >= 1);
      assert.deepEqual(await drain(events), []);
      assert.equal((await drain(deadLetter)).length, 3);
    });

    it("republishes with a redriveCount, acknowledges only what it republished, keeps excluded reasons", async () => {
      const summary = await redrive(
        { project: PROJECT, subscription: "dead-letter-retention", topic: "events", excludeReasons: ["invalid-event"] },
        pubsub,
      );
      assert.equal(summary.republished, 2);
      assert.equal(summary.acknowledged, 2);
      assert.equal(summary.failed, 0);
      const republished = (await drain(events)).sort((a, b) => a.data.localeCompare(b.data));
      assert.deepEqual(
        republished.map((m) => [m.data, m.attributes]),
        [
          ['{"n":1}', { eventType: "deal.creation", redriveSubscription: "deals", redriveCount: "1" }],
          ['{"n":2}', { eventType: "contact.deletion", reason: "integration-rejected", redriveCount: "1" }],
        ],
      );
      const left = await drain(deadLetter);
      assert.deepEqual(
        left.map((m) => m.data),
        ["not json"],
      );
    });

    it("counts each message once: excluded ones are held, not released to come back, until the run ends", async () => {
      const summary = await redrive(
        {
          project: PROJECT,
          subscription: "dead-letter-retention",
          topic: "events",
          batchSize: 1,
          excludeReasons: ["invalid-event"],
        },
        pubsub,
      );
      assert.deepEqual(
        [summary.pulled, summary.republished, summary.skipped, summary.reasons],
        [3, 2, 1, { "(none)": 1, "integration-rejected": 1, "invalid-event": 1 }],
      );
      assert.deepEqual(
        (await drain(deadLetter)).map((m) => m.data),
        ["not json"],
      );
    });

    it("a dry run reads the whole backlog, not one batch, and counts it by reason", async () => {
      const progress: number[] = [];
      const summary = await redrive(
        {
          project: PROJECT,
          subscription: "dead-letter-retention",
          topic: "events",
          dryRun: true,
          batchSize: 1,
          onProgress: (counts) => progress.push(counts.pulled),
        },
        pubsub,
      );
      assert.deepEqual(summary.reasons, { "(none)": 1, "integration-rejected": 1, "invalid-event": 1 });
      assert.equal(summary.skipped, 3);
      assert.equal(Math.max(...progress), 3, "progress saw every message");
      assert.equal((await drain(deadLetter)).length, 3);
    });

    it("acknowledges a message only once its republish succeeded: a failed one stays, the others go", async () => {
      // The real client, except that publishing {"n":2} fails.
      const failing = new Proxy(pubsub, {
        get(target, property, receiver) {
          if (property !== "topic") return Reflect.get(target, property, receiver) as unknown;
          return (...args: Parameters<PubSub["topic"]>) => {
            const topic = target.topic(...args);
            const publish = topic.publishMessage.bind(topic);
            topic.publishMessage = ((message: { data?: Buffer }) =>
              message.data?.toString() === '{"n":2}'
                ? Promise.reject(new Error("DEADLINE_EXCEEDED"))
                : publish(message)) as typeof topic.publishMessage;
            return topic;
          };
        },
      });
      const summary = await redrive(
        { project: PROJECT, subscription: "dead-letter-retention", topic: "events" },
        failing,
      );
      assert.deepEqual([summary.republished, summary.acknowledged, summary.failed], [2, 2, 1]);
      assert.deepEqual((await drain(events)).map((m) => m.data).sort(), ["not json", '{"n":1}']);
      assert.deepEqual(
        (await drain(deadLetter)).map((m) => m.data),
        ['{"n":2}'],
      );
    });

    it("an abort stops pulling and gives back what was read", async () => {
      const controller = new AbortController();
      const summary = await redrive(
        {
          project: PROJECT,
          subscription: "dead-letter-retention",
          topic: "events",
          dryRun: true,
          batchSize: 1,
          signal: controller.signal,
          onProgress: () => controller.abort(),
        },
        pubsub,
      );
      assert.equal(summary.pulled, 1);
      assert.equal((await drain(deadLetter)).length, 3);
    });

    it("stops after --max messages", async () => {
      const summary = await redrive(
        { project: PROJECT, subscription: "dead-letter-retention", topic: "events", max: 1 },
        pubsub,
      );
      assert.equal(summary.pulled, 1);
      assert.equal((await drain(events)).length, 1);
      assert.equal((await drain(deadLetter)).length, 2);
    });
  });
});
