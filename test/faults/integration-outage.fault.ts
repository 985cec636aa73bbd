// Fault: Application Integration fails 100 % of the time. The whole path is real: signed batch -> listener -> events
// topic -> push subscription (dead-letter policy, 5 attempts, immediate redelivery) -> dispatcher -> stand-in answering
// 503. Every message must end on the dead-letter topic after exactly the maximum attempts, with the attributes it
// was published with, so an operator can redrive it.
import assert from "node:assert/strict";
import type { Message } from "@google-cloud/pubsub";
import { createDispatcher, readDispatcherConfig, type Dispatcher } from "../../runtime/dispatcher";
import { sampleEvents } from "../../testing/sample-events";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import { captureLogs } from "../../runtime/shared/log";
import { eventAttributes } from "../../runtime/listener/sinks/sink";
import { startListener, type RunningListener } from "../../runtime/listener";
import { fixedTokenAuth } from "../dispatcher/helpers";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import {
  deliver,
  isAccepted,
  PROJECT,
  pulledDedupKey,
  sentDedupKey,
  signedDelivery,
  waitFor,
  faultSuite,
  listenerOnEmulator,
} from "./support";

const MESSAGES = 20;
const MAX_DELIVERY_ATTEMPTS = 5;
const SUBSCRIPTION = "deal-created-trigger";
const CONVENTIONAL_ATTRIBUTES = ["eventType", "objectType", "portalId", "objectId", "eventId", "dedupKey"] as const;

describe("fault: the integration fails 100 %", function () {
  this.timeout(120_000);
  const suite = faultSuite();
  let standIn: IntegrationStandIn | undefined;
  let dispatcher: Dispatcher | undefined;
  let listener: RunningListener | undefined;

  suite.closeBeforeStop(async () => {
    await listener?.close();
    await dispatcher?.close();
    await standIn?.close();
  });

  it(`dead-letters all ${MESSAGES} messages after ${MAX_DELIVERY_ATTEMPTS} attempts each, with their attributes`, async () => {
    const [eventsTopic] = await suite.pubsub.createTopic("hubspot-events");
    const [deadTopic] = await suite.pubsub.createTopic("hubspot-dead-letter");
    const [deadReader] = await deadTopic.createSubscription("hubspot-dead-letter-retention");

    standIn = await IntegrationStandIn.start({ statuses: [503] });
    // The dispatcher's own configuration path, as Cloud Run would run it; only the token source is a stand-in.
    const config = readDispatcherConfig({
      GOOGLE_CLOUD_PROJECT: PROJECT,
      DEAD_LETTER_TOPIC: deadTopic.name,
      PUBSUB_EMULATOR_HOST: suite.emulator.host,
      DISPATCHER_TRIGGERS: JSON.stringify([
        {
          name: "deal-created",
          subscription: SUBSCRIPTION,
          eventTypes: ["deal.creation"],
          integration: "on-deal-created",
          triggerId: "api_trigger/on-deal-created",
        },
      ]),
      INTEGRATION_LOCATION: "europe-west1",
      INTEGRATIONS_ENDPOINT: standIn.url,
      EXECUTION_TIMEOUT_MS: "2000",
    });
    dispatcher = createDispatcher({ config, auth: fixedTokenAuth, logger: captureLogs("ERROR").logger });
    const dispatcherPort = await dispatcher.listen(0, "127.0.0.1");
    await eventsTopic.createSubscription(SUBSCRIPTION, {
      pushConfig: { pushEndpoint: `http://127.0.0.1:${dispatcherPort}/pubsub/push` },
      deadLetterPolicy: { deadLetterTopic: deadTopic.name, maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS },
      // No retryPolicy: Pub/Sub's default redelivers at once, the shortest backoff there is. With a retryPolicy
      // (0-1 s) the emulator stops pushing after a few rounds (20 messages: 44 pushes, then none for 100 s).
      ackDeadlineSeconds: 10,
    });

    const deadLetters: Message[] = [];
    deadReader.on("message", (message: Message) => {
      message.ack();
      deadLetters.push(message);
    });
    deadReader.on("error", () => {});

    listener = await startListener(listenerOnEmulator(suite, eventsTopic.name, deadTopic.name), {
      logger: captureLogs("ERROR").logger,
    });
    const events = sampleEvents("deal.creation", MESSAGES);
    const sentKeys = events.map(sentDedupKey).sort();
    assert.ok(isAccepted(await deliver(Number(new URL(listener.url).port), signedDelivery(events))));

    await waitFor(() => deadLetters.length >= MESSAGES, 60_000, `fewer than ${MESSAGES} dead letters`);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // anything extra would land now
    await deadReader.close();

    assert.equal(deadLetters.length, MESSAGES, "a message was dead-lettered twice");
    assert.deepEqual(deadLetters.map(pulledDedupKey).sort(), sentKeys);
    for (const letter of deadLetters) {
      const payload = JSON.parse(letter.data.toString("utf8")) as ConnectorEventPayload;
      const expected = eventAttributes(payload);
      for (const name of CONVENTIONAL_ATTRIBUTES) {
        assert.equal(letter.attributes[name], expected[name], `dead letter ${letter.id}: attribute ${name}`);
      }
      assert.equal(payload.eventType, "deal.creation");
    }

    // Each message reached the integration exactly maxDeliveryAttempts times before Pub/Sub gave up on it.
    const attemptsPerKey = new Map<string, number>();
    for (const execution of standIn.requests) {
      const key = String(execution.connectorEventPayload?.dedupKey);
      attemptsPerKey.set(key, (attemptsPerKey.get(key) ?? 0) + 1);
    }
    assert.deepEqual([...attemptsPerKey.keys()].sort(), sentKeys);
    assert.deepEqual(new Set(attemptsPerKey.values()), new Set([MAX_DELIVERY_ATTEMPTS]));
    assert.equal(standIn.succeeded, 0);
    console.log(`      ${MESSAGES} dead letters after ${standIn.count} refused executions`);
  });
});
