import assert from "node:assert/strict";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { connectorEventAttributes } from "../../contract/connector-events";
import { createDispatcher, type Dispatcher, type DispatcherConfig } from "../../runtime/dispatcher";
import { isConnectorEvent, mapConnectorEvent } from "../../runtime/dispatcher/connector-event";
import type { PushMessage } from "../../runtime/dispatcher/push-envelope";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import schema from "../../runtime/shared/connector-event-payload.schema.json";
import { captureLogs, type LogEntry } from "../../runtime/shared/log";
import type { DeadLetterAttributes } from "../../runtime/shared/pubsub";
import {
  CONNECTOR_EVENT_SAMPLES,
  MALFORMED_CONNECTOR_EVENT_SAMPLES,
  SAMPLE_PUBLISH_TIME,
  type ConnectorEventSample,
} from "../../testing/connector-event-samples";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { attributesOf, fixedTokenAuth, post, pushEnvelope, samplePayload, testConfig } from "./helpers";

// SAMPLE_PUBLISH_TIME (2024-11-27T09:35:00.123456789Z) to the millisecond.
const RECEIVED_AT = "2024-11-27T09:35:00.123Z";

const COMMON = { schemaVersion: "1", portalId: "62515", appId: "1160452", receivedAt: RECEIVED_AT } as const;

/**
 * The payload each sample must map to, written out by hand. The dedupKeys are fixed vectors computed outside the code
 * under test, from the documented canonical form (hex SHA-256 of the JSON array [portalId, objectType, objectId,
 * eventType, propertyName|null, propertyValue|null, occurredAt ms]), e.g.
 *   node -e 'const c=require("node:crypto"); const t=JSON.stringify(["62515","contact","123","contact.creation",null,null,1732700000000]); console.log(c.createHash("sha256").update(t).digest("hex"))'
 */
const EXPECTED: readonly ConnectorEventPayload[] = [
  {
    ...COMMON,
    eventType: "contact.creation",
    objectType: "contact",
    objectId: "123",
    eventId: "1001",
    subscriptionId: "2881778",
    occurredAt: { epochMillis: 1732700000000, iso: "2024-11-27T09:33:20.000Z" },
    changeFlag: "CREATED",
    changeSource: "CRM_UI",
    attemptNumber: 0,
    dedupKey: "0bbed29263551993fc31d12ba679af66b38b1c7c74d15188038c75bd0fd1dd79",
    raw: {
      eventId: 1001,
      subscriptionId: 2881778,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700000000,
      subscriptionType: "contact.creation",
      attemptNumber: 0,
      objectId: 123,
      changeFlag: "CREATED",
      changeSource: "CRM_UI",
    },
  },
  {
    ...COMMON,
    eventType: "contact.propertyChange",
    objectType: "contact",
    objectId: "124",
    eventId: "1002",
    subscriptionId: "2881779",
    occurredAt: { epochMillis: 1732700001001, iso: "2024-11-27T09:33:21.001Z" },
    propertyName: "lifecyclestage",
    propertyValue: "marketingqualifiedlead",
    changeSource: "CRM_UI",
    sourceId: "userId:73462119",
    attemptNumber: 1,
    dedupKey: "6f8608067ecd5c8e321cfc43d6c7aa6145fa389913a5d595528db6074b1ed151",
    raw: {
      eventId: 1002,
      subscriptionId: 2881779,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700001001,
      subscriptionType: "contact.propertyChange",
      attemptNumber: 1,
      objectId: 124,
      propertyName: "lifecyclestage",
      propertyValue: "marketingqualifiedlead",
      changeSource: "CRM_UI",
      sourceId: "userId:73462119",
    },
  },
  {
    ...COMMON,
    eventType: "contact.deletion",
    objectType: "contact",
    objectId: "125",
    eventId: "1003",
    subscriptionId: "2881780",
    occurredAt: { epochMillis: 1732700002002, iso: "2024-11-27T09:33:22.002Z" },
    changeFlag: "DELETED",
    changeSource: "CRM_UI",
    attemptNumber: 0,
    dedupKey: "2a0840257a49eb36ed8c4ec3edf4aa195b920239750cda21ca9309d962807a18",
    raw: {
      eventId: 1003,
      subscriptionId: 2881780,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700002002,
      subscriptionType: "contact.deletion",
      attemptNumber: 0,
      objectId: 125,
      changeFlag: "DELETED",
      changeSource: "CRM_UI",
    },
  },
  {
    ...COMMON,
    eventType: "deal.creation",
    objectType: "deal",
    objectId: "9007199254740993",
    eventId: "1004",
    subscriptionId: "2881781",
    occurredAt: { epochMillis: 1732700003003, iso: "2024-11-27T09:33:23.003Z" },
    changeFlag: "CREATED",
    changeSource: "API",
    attemptNumber: 0,
    dedupKey: "ffb1c0e99b8fbbf36754ebf741b6876f2adac25c86b06bef763b62ed4dd4e378",
    raw: {
      eventId: 1004,
      subscriptionId: 2881781,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700003003,
      subscriptionType: "deal.creation",
      attemptNumber: 0,
      objectId: "9007199254740993", // beyond 2^53: its digits as sent
      changeFlag: "CREATED",
      changeSource: "API",
    },
  },
  {
    ...COMMON,
    eventType: "deal.propertyChange",
    objectType: "deal",
    objectId: "126",
    eventId: "1005",
    subscriptionId: "2881782",
    occurredAt: { epochMillis: 1732700004004, iso: "2024-11-27T09:33:24.004Z" },
    propertyName: "dealstage",
    propertyValue: "closedwon",
    changeSource: "CRM_UI",
    attemptNumber: 0,
    dedupKey: "052b9a269b6275a31c5e828afcbedaabf6a496984c42b43682aca4d2a4cb7a8c",
    raw: {
      eventId: 1005,
      subscriptionId: 2881782,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700004004,
      subscriptionType: "deal.propertyChange",
      attemptNumber: 0,
      objectId: 126,
      propertyName: "dealstage",
      propertyValue: "closedwon",
      changeSource: "CRM_UI",
    },
  },
  {
    ...COMMON,
    eventType: "deal.deletion",
    objectType: "deal",
    objectId: "127",
    eventId: "1006",
    subscriptionId: "2881783",
    occurredAt: { epochMillis: 1732700005005, iso: "2024-11-27T09:33:25.005Z" },
    changeFlag: "DELETED",
    changeSource: "CRM_UI",
    attemptNumber: 0,
    dedupKey: "a94354dc66fcaa73753bf98af71f8b6c3e62f89adc74d5dee9179fb465e130ee",
    raw: {
      eventId: 1006,
      subscriptionId: 2881783,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700005005,
      subscriptionType: "deal.deletion",
      attemptNumber: 0,
      objectId: 127,
      changeFlag: "DELETED",
      changeSource: "CRM_UI",
    },
  },
  {
    ...COMMON,
    eventType: "company.creation",
    objectType: "company",
    objectId: "128",
    eventId: "1007",
    subscriptionId: "2881784",
    occurredAt: { epochMillis: 1732700006006, iso: "2024-11-27T09:33:26.006Z" },
    changeFlag: "CREATED",
    changeSource: "CRM_UI",
    attemptNumber: 0,
    dedupKey: "9696704fd3f269991146aa7211d737886044dc45803c7bbcc82072bc9b9a5493",
    raw: {
      eventId: 1007,
      subscriptionId: 2881784,
      portalId: 62515,
      appId: 1160452,
      occurredAt: 1732700006006,
      subscriptionType: "object.creation",
      objectTypeId: "0-2",
      attemptNumber: 0,
      objectId: 128,
      changeFlag: "CREATED",
      changeSource: "CRM_UI",
    },
  },
];

function messageOf(sample: ConnectorEventSample): PushMessage {
  return {
    data: Buffer.from(sample.data),
    attributes: sample.attributes,
    messageId: "42",
    publishTime: sample.publishTime,
  };
}

function envelopeOf(sample: ConnectorEventSample, subscription: string): Record<string, unknown> {
  return pushEnvelope(Buffer.from(sample.data), { subscription, attributes: sample.attributes });
}

function sampleNamed(name: string): ConnectorEventSample {
  const found = CONNECTOR_EVENT_SAMPLES.find((sample) => sample.name.split(" ")[0] === name);
  assert.ok(found, `sample ${name}`);
  return found;
}

describe("connector events (managed backend): mapping to ConnectorEventPayload v1", () => {
  it("has one expected payload per sample, and the samples' publishTime is the one RECEIVED_AT rounds", () => {
    assert.equal(EXPECTED.length, CONNECTOR_EVENT_SAMPLES.length);
    assert.equal(SAMPLE_PUBLISH_TIME, "2024-11-27T09:35:00.123456789Z");
  });

  CONNECTOR_EVENT_SAMPLES.forEach((sample, index) => {
    it(`maps ${sample.name} field for field, with its fixed dedupKey`, () => {
      const result = mapConnectorEvent(messageOf(sample));
      assert.ok(result.ok, result.ok ? "" : result.detail);
      assert.deepEqual(result.payload, EXPECTED[index]);
    });
  });

  it("makes payloads the published JSON Schema accepts", () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    const check = ajv.compile(schema);
    for (const sample of CONNECTOR_EVENT_SAMPLES) {
      const result = mapConnectorEvent(messageOf(sample));
      assert.ok(result.ok);
      assert.ok(check(result.payload), `${sample.name}: ${JSON.stringify(check.errors)}`);
    }
  });

  it("takes receivedAt from the message's publishTime, to the millisecond, in UTC", () => {
    const sample = { ...sampleNamed("deal.deletion"), publishTime: "2024-11-27T10:35:00.5+01:00" };
    const result = mapConnectorEvent(messageOf(sample));
    assert.ok(result.ok);
    assert.equal(result.payload.receivedAt, "2024-11-27T09:35:00.500Z");
  });

  MALFORMED_CONNECTOR_EVENT_SAMPLES.forEach((sample) => {
    it(`refuses ${sample.name} (${sample.reason}), naming the field, the problem and the rule`, () => {
      const result = mapConnectorEvent(messageOf(sample));
      assert.ok(!result.ok, "refused");
      assert.equal(result.reason, sample.reason);
      for (const part of sample.detailIncludes) {
        assert.ok(result.detail.includes(part), `${JSON.stringify(result.detail)} names ${JSON.stringify(part)}`);
      }
    });
  });
});

describe("connector events: told apart from the listener's messages", () => {
  it("recognises the stack's event-subscription attributes, and only them", () => {
    for (const sample of CONNECTOR_EVENT_SAMPLES) assert.equal(isConnectorEvent(sample.attributes), true);
    assert.equal(isConnectorEvent(attributesOf(samplePayload())), false, "a listener message");
    assert.equal(isConnectorEvent({ ...attributesOf(samplePayload()), redriveCount: "1" }), false, "redriven");
    assert.equal(isConnectorEvent({ eventSource: "listener", eventType: "deal.creation" }), false);
    assert.equal(isConnectorEvent({ eventType: "deal.creation" }), false, "eventType alone is the listener's too");
  });

  it("declares exactly the marker, the event type and (optionally) the trigger on a destination", () => {
    assert.deepEqual(connectorEventAttributes("deal.creation"), {
      eventSource: "integration-connectors",
      eventType: "deal.creation",
    });
    assert.deepEqual(connectorEventAttributes("deal.creation", "hubspot-dev-trigger-deals-0123abcd"), {
      eventSource: "integration-connectors",
      eventType: "deal.creation",
      triggerSubscription: "hubspot-dev-trigger-deals-0123abcd",
    });
  });
});

describe("connector events through the dispatcher (stand-in integration)", () => {
  const DEALS = "hubspot-dev-trigger-deals-0123abcd-89abcde";
  const STAGES = "hubspot-dev-trigger-stages-0123abcd-1234567";
  const routes: DispatcherConfig["triggers"] = [
    {
      name: "deals",
      subscription: DEALS,
      eventTypes: ["deal.creation", "deal.deletion"],
      integration: "on-deal",
      triggerId: "api_trigger/on-deal",
    },
    {
      name: "stages",
      subscription: STAGES,
      eventTypes: ["deal.propertyChange"],
      propertyNames: ["amount"],
      integration: "on-stage",
      triggerId: "api_trigger/on-stage",
    },
  ];
  let standIn: IntegrationStandIn;
  let dispatcher: Dispatcher | undefined;
  let deadLetters: Array<{ data: Buffer; attributes: DeadLetterAttributes }>;
  let logs: LogEntry[];
  let url: string;

  beforeEach(async () => {
    standIn = await IntegrationStandIn.start();
    deadLetters = [];
    const captured = captureLogs("DEBUG", "demo-project");
    logs = captured.entries;
    dispatcher = createDispatcher({
      config: testConfig({ integrationsEndpoint: standIn.url, triggers: routes }),
      auth: fixedTokenAuth,
      logger: captured.logger,
      deadLetter: async (data, attributes) => {
        deadLetters.push({ data, attributes });
        return "dl-1";
      },
    });
    url = `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;
  });
  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await standIn.close();
  });

  it("executes the integration with the mapped payload, exactly as for a listener event", async () => {
    const sample = sampleNamed("deal.creation");
    const response = await post(`${url}/pubsub/push`, envelopeOf(sample, DEALS));
    assert.equal(response.status, 204);
    assert.equal(standIn.count, 1);
    assert.equal(standIn.requests[0].triggerId, "api_trigger/on-deal");
    const received = standIn.requests[0].connectorEventPayload;
    assert.ok(received);
    const expected = EXPECTED[CONNECTOR_EVENT_SAMPLES.indexOf(sample)];
    // receivedAt is this envelope's publishTime (the helper stamps now); every other field is the fixed vector.
    assert.deepEqual({ ...received, receivedAt: expected.receivedAt }, expected);
    assert.ok(Date.now() - Date.parse(String(received.receivedAt)) < 60_000, String(received.receivedAt));
    const line = logs.find((entry) => entry.outcome === "executed");
    assert.equal(line?.source, "integration-connectors");
    assert.equal(line?.objectId, "9007199254740993");
  });

  it("routes by the trigger's event types and watched properties, as for listener events", async () => {
    // A dealstage change: the stages trigger watches only amount.
    assert.equal(
      (await post(`${url}/pubsub/push`, envelopeOf(sampleNamed("deal.propertyChange"), STAGES))).status,
      204,
    );
    // A contact creation pushed to the deals trigger (the emulator applies no filter): not its type.
    assert.equal((await post(`${url}/pubsub/push`, envelopeOf(sampleNamed("contact.creation"), DEALS))).status, 204);
    assert.equal(standIn.count, 0);
    assert.deepEqual(
      logs.filter((entry) => entry.outcome === "not-ours").map((entry) => entry.eventType),
      ["deal.propertyChange", "contact.creation"],
    );
    const stage = sampleNamed("deal.propertyChange");
    const amount = { ...stage, data: stage.data.replace('"dealstage"', '"amount"') };
    assert.equal((await post(`${url}/pubsub/push`, envelopeOf(amount, STAGES))).status, 204);
    assert.equal(standIn.count, 1);
    assert.equal(standIn.requests[0].triggerId, "api_trigger/on-stage");
  });

  it("runs only the trigger an event subscription names, matched by key across a rename", async () => {
    const sample = sampleNamed("deal.deletion");
    const other = "hubspot-dev-trigger-x-0123abcd";
    const forOther = { ...sample, attributes: connectorEventAttributes("deal.deletion", other) };
    assert.equal((await post(`${url}/pubsub/push`, envelopeOf(forOther, DEALS))).status, 204);
    assert.equal(standIn.count, 0);
    assert.equal(logs.find((entry) => entry.outcome === "not-ours")?.connectorTarget, other);
    // The key, not the versioned name: the event subscription outlives the trigger subscription's renames.
    const forUs = {
      ...sample,
      attributes: connectorEventAttributes("deal.deletion", "hubspot-dev-trigger-deals-0123abcd"),
    };
    assert.equal((await post(`${url}/pubsub/push`, envelopeOf(forUs, DEALS))).status, 204);
    assert.equal(standIn.count, 1);
  });

  it("dead-letters each malformed connector event with its bytes, its attributes and the reason", async () => {
    for (const sample of MALFORMED_CONNECTOR_EVENT_SAMPLES) {
      const envelope = envelopeOf(sample, DEALS) as { message: { messageId: string } };
      assert.equal((await post(`${url}/pubsub/push`, envelope)).status, 204, sample.name);
      const letter = deadLetters.at(-1);
      assert.ok(letter, sample.name);
      assert.equal(letter.data.toString("utf8"), sample.data, `${sample.name}: the bytes as published`);
      const { reason, reasonDetail, ...rest } = letter.attributes;
      assert.equal(reason, sample.reason, sample.name);
      for (const part of sample.detailIncludes) assert.ok(reasonDetail.includes(part), `${sample.name}: ${part}`);
      assert.deepEqual(
        rest,
        { ...sample.attributes, trigger: "deals", subscription: DEALS, originalMessageId: envelope.message.messageId },
        sample.name,
      );
    }
    assert.equal(deadLetters.length, MALFORMED_CONNECTOR_EVENT_SAMPLES.length);
    assert.equal(standIn.count, 0);
  });

  it("one malformed connector event never costs its neighbours", async () => {
    const answers = await Promise.all([
      post(`${url}/pubsub/push`, envelopeOf(sampleNamed("deal.creation"), DEALS)),
      post(`${url}/pubsub/push`, envelopeOf(MALFORMED_CONNECTOR_EVENT_SAMPLES[0], DEALS)),
      post(`${url}/pubsub/push`, envelopeOf(sampleNamed("deal.deletion"), DEALS)),
    ]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [204, 204, 204],
    );
    assert.equal(standIn.count, 2);
    assert.equal(deadLetters.length, 1);
  });

  it("still reads listener messages as before, and never maps a message without the marker", async () => {
    const payload = samplePayload({ eventType: "deal.creation" });
    assert.equal((await post(`${url}/pubsub/push`, pushEnvelope(payload, { subscription: DEALS }))).status, 204);
    assert.deepEqual(standIn.requests[0].connectorEventPayload, payload);
    // A connector-shaped event without the marker is not guessed at: it is an unreadable listener payload.
    const unmarked = pushEnvelope(Buffer.from(sampleNamed("deal.creation").data), {
      subscription: DEALS,
      attributes: { eventType: "deal.creation" },
    });
    assert.equal((await post(`${url}/pubsub/push`, unmarked)).status, 204);
    assert.equal(deadLetters[0].attributes.reason, "invalid-payload");
    assert.equal(standIn.count, 1);
  });
});
