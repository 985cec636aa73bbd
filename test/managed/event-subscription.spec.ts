import assert from "node:assert/strict";
import { UNKNOWN_INPUT } from "../../components/hubspot/validation";
import {
  checked,
  CONNECTION,
  EVENTS_TOPIC,
  PROJECT,
  SERVICE_ACCOUNT,
  startStandIn,
  stopStandIn,
  subscriptionProvider,
  type Started,
} from "./support";

const CREATE = "connectors.projects.locations.connections.eventSubscriptions.create";
const GET = "connectors.projects.locations.connections.eventSubscriptions.get";
const PATCH = "connectors.projects.locations.connections.eventSubscriptions.patch";
const DELETE = "connectors.projects.locations.connections.eventSubscriptions.delete";
const NAME = `${CONNECTION}/eventSubscriptions/deal-created-deal-creation`;

describe("managed backend: EventSubscription provider against the Connectors stand-in", () => {
  let started: Started | undefined;
  afterEach(async () => {
    await stopStandIn(started);
    started = undefined;
  });

  async function declared(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return checked(subscriptionProvider, {
      connectionName: CONNECTION,
      eventSubscriptionId: "deal-created-deal-creation",
      eventTypeId: "deal.creation",
      pubsub: { projectId: PROJECT, topicId: EVENTS_TOPIC, attributes: { trigger: "deal-created" } },
      serviceAccount: SERVICE_ACCOUNT,
      ...started?.settings,
      ...overrides,
    });
  }

  function stored(): Record<string, unknown> {
    const subscription = started?.standIn.subscriptions.get(NAME);
    assert.ok(subscription, `${NAME} exists in the stand-in`);
    return subscription;
  }

  it("create: the Pub/Sub destination and service account, then waits for CREATING to become ACTIVE", async () => {
    started = await startStandIn({ pollsUntilDone: 2, readsUntilActive: 3 });
    const { id, outs } = await subscriptionProvider.create(await declared());

    assert.equal(id, NAME);
    const [create] = started.standIn.requestsOf(CREATE);
    assert.equal(create?.params.parent, CONNECTION);
    assert.equal(create?.query.eventSubscriptionId, "deal-created-deal-creation");
    assert.deepEqual(create?.body, {
      eventTypeId: "deal.creation",
      destinations: {
        pubsub: { projectId: PROJECT, topicId: EVENTS_TOPIC, attributes: { trigger: "deal-created" } },
        serviceAccount: SERVICE_ACCOUNT,
      },
    });
    assert.equal(started.standIn.requestsOf(GET).length, 3, "read until it left CREATING");
    assert.equal(outs.state, "ACTIVE");
    assert.equal(outs.stateDescription, "Event subscription is active");
    assert.equal(outs.subscriptionName, NAME);
    assert.deepEqual(started.standIn.rejections, []);
  });

  it("create: an event subscription Google puts in ERROR is reported as the status, with its description", async () => {
    started = await startStandIn();
    started.standIn.failSubscription(NAME, "The connection's webhook is not registered in HubSpot");
    const { outs } = await subscriptionProvider.create(await declared());
    assert.equal(outs.state, "ERROR");
    assert.equal(outs.stateDescription, "The connection's webhook is not registered in HubSpot");
  });

  it("create: still CREATING when the settle bound is reached is reported as CREATING, not a failure", async () => {
    started = await startStandIn({ readsUntilActive: 1_000 });
    const inputs = await declared({ polling: { initialDelayMs: 0, maxDelayMs: 0, timeoutMs: 50, settleTimeoutMs: 3 } });
    const { outs } = await subscriptionProvider.create(inputs);
    assert.equal(outs.state, "CREATING");
    assert.equal(started.standIn.requestsOf(GET).length, 4, "one read, then one per ms of the 3 ms bound");
  });

  it("create: an operation that ends in error fails with Google's message and leaves nothing behind", async () => {
    started = await startStandIn();
    started.standIn.failNextOperation(CREATE, { code: 3, message: "Event type deal.creation is not supported" });
    await assert.rejects(
      subscriptionProvider.create(await declared()),
      /eventSubscriptions\.create .*ended in error 3: Event type deal\.creation is not supported/,
    );
    assert.equal(started.standIn.subscriptions.has(NAME), false);
  });

  it("create: a subscription left by an interrupted up (409) is taken over and patched to the declared values", async () => {
    started = await startStandIn();
    started.standIn.subscriptions.set(NAME, {
      name: NAME,
      eventTypeId: "deal.deletion",
      destinations: { pubsub: { projectId: PROJECT, topicId: "old-topic" }, serviceAccount: SERVICE_ACCOUNT },
      status: { state: "ACTIVE" },
    });
    const { outs } = await subscriptionProvider.create(await declared());
    assert.equal(started.standIn.rejections[0]?.status, 409);
    assert.equal(started.standIn.requestsOf(PATCH)[0]?.query.updateMask, "eventTypeId,destinations");
    assert.equal(stored().eventTypeId, "deal.creation");
    assert.equal(outs.state, "ACTIVE");
  });

  it("update: the mask names only what changed (eventTypeId, destinations)", async () => {
    started = await startStandIn();
    const first = await subscriptionProvider.create(await declared());
    const retyped = await declared({ eventTypeId: "deal.propertyChange" });
    assert.deepEqual(await subscriptionProvider.diff(NAME, first.outs, retyped), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    const second = await subscriptionProvider.update(NAME, first.outs, retyped);
    assert.equal(started.standIn.requestsOf(PATCH).at(-1)?.query.updateMask, "eventTypeId");
    assert.equal(second.outs.state, "ACTIVE", "UPDATING settled to ACTIVE");

    const moved = await declared({
      eventTypeId: "deal.propertyChange",
      pubsub: { projectId: PROJECT, topicId: "t-2" },
    });
    await subscriptionProvider.update(NAME, second.outs, moved);
    assert.equal(started.standIn.requestsOf(PATCH).at(-1)?.query.updateMask, "destinations");
    assert.deepEqual(stored().destinations, {
      pubsub: { projectId: PROJECT, topicId: "t-2" },
      serviceAccount: SERVICE_ACCOUNT,
    });

    const diff = await subscriptionProvider.diff(NAME, second.outs, await declared({ eventSubscriptionId: "other" }));
    assert.deepEqual(diff.replaces, ["eventSubscriptionId"]);
  });

  it("read: refreshes the status and reports drift of the destination", async () => {
    started = await startStandIn();
    const first = await subscriptionProvider.create(await declared());
    Object.assign(stored(), {
      status: { state: "SUSPENDED", description: "Suspended by the administrator" },
      destinations: { pubsub: { projectId: PROJECT, topicId: "changed-in-console" }, serviceAccount: SERVICE_ACCOUNT },
    });
    const { id, props } = await subscriptionProvider.read(NAME, first.outs);
    assert.equal(id, NAME);
    assert.equal(props?.state, "SUSPENDED");
    assert.equal(props?.stateDescription, "Suspended by the administrator");
    assert.deepEqual(props?.pubsub, { projectId: PROJECT, topicId: "changed-in-console" });
    assert.equal((await subscriptionProvider.diff(NAME, props, await declared())).changes, true);

    started.standIn.subscriptions.delete(NAME);
    assert.deepEqual(await subscriptionProvider.read(NAME, first.outs), { id: "", props: {} });
  });

  it("delete: waits for the operation; already gone is not an error; a failed operation is", async () => {
    started = await startStandIn({ pollsUntilDone: 2 });
    const first = await subscriptionProvider.create(await declared());
    await subscriptionProvider.delete(NAME, first.outs);
    assert.equal(started.standIn.subscriptions.has(NAME), false);
    await subscriptionProvider.delete(NAME, first.outs);
    assert.equal(started.standIn.requestsOf(DELETE).length, 2);

    const again = await subscriptionProvider.create(await declared());
    started.standIn.failNextOperation(DELETE, { code: 13, message: "internal error" });
    await assert.rejects(subscriptionProvider.delete(NAME, again.outs), /ended in error 13: internal error/);
  });

  it("check: every bad field at once, each naming the field, the problem and the rule", async () => {
    const { failures } = await subscriptionProvider.check(
      {},
      {
        connectionName: CONNECTION,
        eventSubscriptionId: "Deal_Created",
        eventTypeId: "",
        pubsub: { projectId: PROJECT, topicId: `projects/${PROJECT}/topics/${EVENTS_TOPIC}` },
        serviceAccount: "not-an-email",
      },
    );
    assert.deepEqual(
      failures?.map((f) => f.property),
      ["eventSubscriptionId", "eventTypeId", "pubsub.topicId", "serviceAccount"],
    );
    assert.match(failures?.[1]?.reason ?? "", /is missing: .*event type/);
    assert.match(failures?.[2]?.reason ?? "", /topic id \(not its full name\)/);
  });

  it("check: values not known until apply (preview) are neither refused nor replaced", async () => {
    const { inputs, failures } = await subscriptionProvider.check(
      {},
      {
        connectionName: UNKNOWN_INPUT,
        eventSubscriptionId: "deal-created-deal-creation",
        eventTypeId: "deal.creation",
        pubsub: UNKNOWN_INPUT,
        serviceAccount: UNKNOWN_INPUT,
      },
    );
    assert.deepEqual(failures, []);
    assert.equal(inputs.pubsub, UNKNOWN_INPUT);
  });
});
