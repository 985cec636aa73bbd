import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConnectionEventing, EventSubscription } from "../../components/managed";
import { mocks } from "../support/setup";
import { settle } from "../support/mock-engine";
import { CONNECTION, EVENTS_TOPIC, PROJECT, SERVICE_ACCOUNT } from "./support";

/** The resource classes as a program declares them: their type tokens, inputs, computed outputs and provider text. */
describe("managed backend resources under the mock engine", () => {
  beforeEach(() => mocks.reset());

  it("ConnectionEventing and EventSubscription register under their own types, with every output declared", async () => {
    const eventingResource = new ConnectionEventing("hubspot-eventing", {
      connectionName: CONNECTION,
      deadLetter: { projectId: PROJECT, topic: "hubspot-trigger-dead-letter" },
      privateConnectivityEnabled: true,
      privateConnectivityAllowlistedProjects: ["hubspot-trigger-prod"],
    });
    const subscriptionResource = new EventSubscription("deal-created-deal-creation", {
      connectionName: CONNECTION,
      eventSubscriptionId: "deal-created-deal-creation",
      eventTypeId: "deal.creation",
      pubsub: { projectId: PROJECT, topicId: EVENTS_TOPIC },
      serviceAccount: SERVICE_ACCOUNT,
    });
    await settle();

    const [eventing] = mocks.ofType("pulumi-nodejs:dynamic/connectors:ConnectionEventing");
    const [subscription] = mocks.ofType("pulumi-nodejs:dynamic/connectors:EventSubscription");
    assert.ok(eventing && subscription, "both registered under their own type tokens");
    assert.deepEqual(eventing.inputs.privateConnectivityAllowlistedProjects, ["hubspot-trigger-prod"]);
    assert.equal(subscription.inputs.eventTypeId, "deal.creation");
    // An output exists on a dynamic resource only when its key was passed in props (as undefined when computed).
    const outputs: Array<[Record<string, unknown>, string[]]> = [
      [
        eventingResource as unknown as Record<string, unknown>,
        ["eventsListenerEndpoint", "eventingState", "eventingStatusDescription"],
      ],
      [subscriptionResource as unknown as Record<string, unknown>, ["subscriptionName", "state", "stateDescription"]],
    ];
    for (const [resource, keys] of outputs) {
      for (const key of keys) assert.ok(pulumi.Output.isInstance(resource[key]), `${key} is an output`);
    }
    for (const registered of [eventing, subscription]) {
      assert.match(String(registered.inputs.__provider), /require\("googleapis"\)/);
    }
  });
});
