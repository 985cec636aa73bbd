import assert from "node:assert/strict";
import type { Subscription } from "@google-cloud/pubsub";
import { createDispatcher, type Dispatcher } from "../../runtime/dispatcher";
import { captureLogs } from "../../runtime/shared/log";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { emulatorForSuite } from "../../testing/pubsub-emulator";
import {
  attributesOf,
  DEAL_TRIGGER,
  fixedTokenAuth,
  PROJECT,
  post,
  pushEnvelope,
  samplePayload,
  testConfig,
} from "./helpers";
import { nextMessage } from "../support/next-message";

describe("dispatcher on the Pub/Sub emulator", function () {
  const suite = emulatorForSuite(PROJECT);
  let standIn: IntegrationStandIn;
  let dispatcher: Dispatcher | undefined;
  let run = 0;

  beforeEach(async () => {
    run += 1;
    standIn = await IntegrationStandIn.start();
  });
  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await standIn.close();
  });

  /** A dead-letter topic with a pull subscription to read what lands on it. */
  async function deadLetterTopic(): Promise<{ path: string; reader: Subscription }> {
    const [topic] = await suite.pubsub.createTopic(`dead-letter-${run}`);
    const [reader] = await topic.createSubscription(`dead-letter-reader-${run}`);
    return { path: topic.name, reader };
  }

  async function startDispatcher(deadLetterPath: string, subscription = DEAL_TRIGGER.subscription): Promise<string> {
    dispatcher = createDispatcher({
      config: testConfig({
        integrationsEndpoint: standIn.url,
        deadLetterTopic: deadLetterPath,
        pubsubEmulatorHost: suite.emulator.host,
        triggers: [{ ...DEAL_TRIGGER, subscription }],
      }),
      auth: fixedTokenAuth,
      logger: captureLogs().logger,
    });
    return `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;
  }

  it("publishes a permanent failure to the dead-letter topic with the original data and attributes plus why", async () => {
    const deadLetter = await deadLetterTopic();
    const url = await startDispatcher(deadLetter.path);
    standIn.setStatuses([404]);
    const payload = samplePayload();
    const envelope = pushEnvelope(payload, { deliveryAttempt: 1 }) as { message: { messageId: string } };
    const landed = nextMessage(deadLetter.reader, 15_000);
    assert.equal((await post(`${url}/pubsub/push`, envelope)).status, 204);
    const message = await landed;
    assert.deepEqual(JSON.parse(message.data.toString("utf8")), payload);
    assert.deepEqual(message.attributes, {
      ...attributesOf(payload),
      reason: "integration-not-found",
      reasonDetail: "HTTP 404 NOT_FOUND: stand-in answered 404",
      trigger: DEAL_TRIGGER.name,
      httpStatus: "404",
      subscription: DEAL_TRIGGER.subscription,
      originalMessageId: envelope.message.messageId,
    });
    await deadLetter.reader.close();
  });

  it("answers non-2xx when the dead-letter topic does not exist, so Pub/Sub keeps the message", async () => {
    const url = await startDispatcher(`projects/${PROJECT}/topics/never-created-${run}`);
    standIn.setStatuses([400]);
    assert.equal((await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status, 503);
  });

  it("end to end: executes what the trigger handles once, acknowledges the rest (the emulator applies no filter)", async function () {
    this.timeout(30_000);
    const deadLetter = await deadLetterTopic();
    const subscriptionName = `deal-created-ok-${run}`;
    const url = await startDispatcher(deadLetter.path, subscriptionName);
    const [events] = await suite.pubsub.createTopic(`hubspot-events-${run}`);
    await events.createSubscription(subscriptionName, {
      pushConfig: { pushEndpoint: `${url}/pubsub/push` },
      deadLetterPolicy: { deadLetterTopic: deadLetter.path, maxDeliveryAttempts: 5 },
    });
    const created = samplePayload();
    const deleted = samplePayload({ eventType: "deal.deletion", eventId: "101" });
    for (const payload of [deleted, created]) {
      await events.publishMessage({ data: Buffer.from(JSON.stringify(payload)), attributes: attributesOf(payload) });
    }
    const deadline = Date.now() + 20_000;
    while (standIn.count < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Give a wrongly nacked message time to come back before concluding nothing else happens.
    const stray = nextMessage(deadLetter.reader, 3000).then(
      () => "dead-lettered",
      () => "nothing",
    );
    assert.equal(await stray, "nothing");
    assert.equal(standIn.count, 1);
    assert.deepEqual(standIn.requests[0].connectorEventPayload, created);
    await deadLetter.reader.close();
  });

  it("end to end: events topic -> push subscription with a dead-letter policy -> always-failing integration -> dead-letter topic after 5 attempts", async function () {
    this.timeout(120_000);
    const deadLetter = await deadLetterTopic();
    const subscriptionName = `deal-created-push-${run}`;
    const url = await startDispatcher(deadLetter.path, subscriptionName);
    standIn.setStatuses([503]);
    const [events] = await suite.pubsub.createTopic(`hubspot-events-${run}`);
    await events.createSubscription(subscriptionName, {
      pushConfig: { pushEndpoint: `${url}/pubsub/push` },
      deadLetterPolicy: { deadLetterTopic: deadLetter.path, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: { seconds: 0 }, maximumBackoff: { seconds: 1 } },
      ackDeadlineSeconds: 10,
    });
    const payload = samplePayload();
    const landed = nextMessage(deadLetter.reader, 100_000);
    await events.publishMessage({ data: Buffer.from(JSON.stringify(payload)), attributes: attributesOf(payload) });
    const message = await landed;

    assert.deepEqual(JSON.parse(message.data.toString("utf8")), payload);
    assert.equal(message.attributes.dedupKey, payload.dedupKey);
    // Every attempt reached the integration, then Pub/Sub gave up and dead-lettered the message itself.
    assert.equal(standIn.count, 5);
    assert.ok(standIn.requests.every((request) => request.triggerId === DEAL_TRIGGER.triggerId));
    await deadLetter.reader.close();
  });
});
