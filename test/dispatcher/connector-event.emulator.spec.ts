// The managed backend's path on the real Pub/Sub emulator: a message in the connector's format (a HubSpot event as
// data, the attributes the stack declares on the event subscription's Pub/Sub destination) published to the events
// topic -> the trigger's push subscription -> the dispatcher -> the integration stand-in, with the same
// ConnectorEventPayload a listener message would give; a malformed one lands on the dead-letter topic with its reason.
import assert from "node:assert/strict";
import { createDispatcher, type Dispatcher } from "../../runtime/dispatcher";
import { captureLogs } from "../../runtime/shared/log";
import { CONNECTOR_EVENT_SAMPLES, MALFORMED_CONNECTOR_EVENT_SAMPLES } from "../../testing/connector-event-samples";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { emulatorForSuite } from "../../testing/pubsub-emulator";
import { DEAL_TRIGGER, fixedTokenAuth, PROJECT, testConfig } from "./helpers";
import { nextMessage } from "../support/next-message";

describe("connector events on the Pub/Sub emulator", function () {
  const suite = emulatorForSuite(PROJECT);
  let standIn: IntegrationStandIn;
  let dispatcher: Dispatcher | undefined;

  beforeEach(async () => {
    standIn = await IntegrationStandIn.start();
  });
  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await standIn.close();
  });

  it("end to end: a connector-format message published to the events topic executes the integration with the mapped payload; a malformed one is dead-lettered with its reason", async function () {
    this.timeout(60_000);
    const [deadLetterTopic] = await suite.pubsub.createTopic("connector-dead-letter");
    const [deadLetterReader] = await deadLetterTopic.createSubscription("connector-dead-letter-reader");
    const subscriptionName = "hubspot-dev-trigger-deals-0123abcd-89abcde";
    dispatcher = createDispatcher({
      config: testConfig({
        integrationsEndpoint: standIn.url,
        deadLetterTopic: deadLetterTopic.name,
        pubsubEmulatorHost: suite.emulator.host,
        triggers: [{ ...DEAL_TRIGGER, subscription: subscriptionName }],
      }),
      auth: fixedTokenAuth,
      logger: captureLogs().logger,
    });
    const url = `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;
    const [events] = await suite.pubsub.createTopic("connector-events");
    await events.createSubscription(subscriptionName, {
      pushConfig: { pushEndpoint: `${url}/pubsub/push` },
      deadLetterPolicy: { deadLetterTopic: deadLetterTopic.name, maxDeliveryAttempts: 5 },
    });

    const good = CONNECTOR_EVENT_SAMPLES.find((sample) => sample.name.startsWith("deal.creation"));
    const bad = MALFORMED_CONNECTOR_EVENT_SAMPLES.find((sample) => sample.name === "objectId not an integer");
    assert.ok(good && bad);
    const landed = nextMessage(deadLetterReader, 30_000);
    await events.publishMessage({ data: Buffer.from(good.data), attributes: good.attributes });
    await events.publishMessage({ data: Buffer.from(bad.data), attributes: bad.attributes });

    const letter = await landed;
    assert.equal(letter.data.toString("utf8"), bad.data, "the bytes as the connector published them");
    assert.equal(letter.attributes.reason, "invalid-connector-event");
    assert.match(letter.attributes.reasonDetail, /objectId is "abc"; the rule is an integer/);
    assert.equal(letter.attributes.eventSource, "integration-connectors");

    const deadline = Date.now() + 20_000;
    while (standIn.count < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(standIn.count, 1);
    const request = standIn.requests[0];
    assert.equal(request.triggerId, DEAL_TRIGGER.triggerId);
    const payload = request.connectorEventPayload;
    assert.ok(payload);
    // The fixed vector of test/dispatcher/connector-event.spec.ts, field for field (receivedAt is this publish's time).
    assert.deepEqual(
      { ...payload, receivedAt: undefined },
      {
        schemaVersion: "1",
        eventType: "deal.creation",
        objectType: "deal",
        objectId: "9007199254740993",
        portalId: "62515",
        appId: "1160452",
        eventId: "1004",
        subscriptionId: "2881781",
        occurredAt: { epochMillis: 1732700003003, iso: "2024-11-27T09:33:23.003Z" },
        changeFlag: "CREATED",
        changeSource: "API",
        attemptNumber: 0,
        receivedAt: undefined,
        dedupKey: "ffb1c0e99b8fbbf36754ebf741b6876f2adac25c86b06bef763b62ed4dd4e378",
        raw: {
          eventId: 1004,
          subscriptionId: 2881781,
          portalId: 62515,
          appId: 1160452,
          occurredAt: 1732700003003,
          subscriptionType: "deal.creation",
          attemptNumber: 0,
          objectId: "9007199254740993",
          changeFlag: "CREATED",
          changeSource: "API",
        },
      },
    );
    assert.ok(Date.parse(String(payload.receivedAt)) > Date.now() - 60_000, `receivedAt ${String(payload.receivedAt)}`);
    await deadLetterReader.close();
  });
});
