import assert from "node:assert/strict";
import { ACCESS_TOKEN, CONNECTION, PROJECT, SERVICE_ACCOUNT, startStandIn, stopStandIn, type Started } from "./support";

/** The stand-in refuses what Google would refuse for its shape: its validation bites, so the providers' passing does. */
describe("Connectors stand-in: request validation", () => {
  let started: Started | undefined;
  afterEach(async () => {
    await stopStandIn(started);
    started = undefined;
  });

  async function send(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    authorization = `Bearer ${ACCESS_TOKEN}`,
  ): Promise<{ status: number; message: string }> {
    const response = await fetch(new URL(pathAndQuery, started?.rootUrl), {
      method,
      headers: { authorization, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json()) as { error?: { message?: string } };
    return { status: response.status, message: payload.error?.message ?? "" };
  }

  it("refuses unknown fields, wrong types and enum values, naming each field, all at once", async () => {
    started = await startStandIn();
    const answer = await send("PATCH", `v1/${CONNECTION}?updateMask=eventingConfig.deadLetterConfig`, {
      eventingConfig: { deadLetterTopic: "t", privateConnectivityEnabled: "yes" },
    });
    assert.equal(answer.status, 400);
    assert.match(
      answer.message,
      /\(Connection\): .*\/eventingConfig must NOT have additional properties: deadLetterTopic/,
    );
    assert.match(answer.message, /\/eventingConfig\/privateConnectivityEnabled must be boolean/);

    const typed = await send("POST", `v1/${CONNECTION}/eventSubscriptions?eventSubscriptionId=s1`, {
      eventTypeId: "deal.creation",
      destinations: {
        type: "PUBSUB",
        pubsub: { projectId: PROJECT, topicId: "events" },
        serviceAccount: SERVICE_ACCOUNT,
      },
    });
    assert.equal(typed.status, 400);
    assert.match(
      typed.message,
      /\/destinations\/type must be equal to one of the allowed values: TYPE_UNSPECIFIED, ENDPOINT/,
    );
    assert.equal(started.standIn.subscriptions.size, 0, "a refused body changes nothing");
    assert.deepEqual(
      started.standIn.rejections.map((r) => [r.methodId, r.status]),
      [
        ["connectors.projects.locations.connections.patch", 400],
        ["connectors.projects.locations.connections.eventSubscriptions.create", 400],
      ],
    );
    assert.equal(started.standIn.requests.length, 0);
  });

  it("refuses an updateMask path that is no field, an unknown query parameter, a create without its id, and no token", async () => {
    started = await startStandIn();
    const mask = await send("PATCH", `v1/${CONNECTION}?updateMask=eventingConfig.deadLetter`, { eventingConfig: {} });
    assert.equal(mask.status, 400);
    assert.match(mask.message, /updateMask names no field of Connection: eventingConfig\.deadLetter/);

    const query = await send("GET", `v1/${CONNECTION}?verbose=true`);
    assert.match(query.message, /Unknown name "verbose": Cannot bind query parameter/);

    const create = await send("POST", "v1/projects/p/locations/l/connections", { description: "no id" });
    assert.match(create.message, /connectionId is required/);

    const anonymous = await send("GET", `v1/${CONNECTION}`, undefined, "");
    assert.equal(anonymous.status, 401);
  });

  it("serves connections.create as an operation; the connection gets its listener endpoint once done", async () => {
    started = await startStandIn({ pollsUntilDone: 2 });
    const name = "projects/p-123456/locations/europe-west1/connections/created";
    const operation = (await (
      await fetch(
        new URL("v1/projects/p-123456/locations/europe-west1/connections?connectionId=created", started.rootUrl),
        {
          method: "POST",
          headers: { authorization: `Bearer ${ACCESS_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ connectorVersion: "v", eventingEnablementType: "ONLY_EVENTING" }),
        },
      )
    ).json()) as { name: string; done: boolean };
    assert.equal(operation.done, false);
    assert.equal((started.standIn.connections.get(name)?.status as { state: string }).state, "CREATING");
    const get = () =>
      fetch(new URL(`v1/${operation.name}`, started?.rootUrl), {
        headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
      }).then(
        (r) =>
          r.json() as Promise<{
            done: boolean;
            response?: { eventingRuntimeData?: { eventsListenerEndpoint?: string } };
          }>,
      );
    assert.equal((await get()).done, false);
    const done = await get();
    assert.equal(done.done, true);
    assert.equal(
      done.response?.eventingRuntimeData?.eventsListenerEndpoint,
      "https://created-events.connectors.stand-in.test/v1/events",
    );
  });

  it("lists a connection's event subscriptions, and a list is a read that moves CREATING to ACTIVE", async () => {
    started = await startStandIn({ readsUntilActive: 2 });
    const name = `${CONNECTION}/eventSubscriptions/s1`;
    started.standIn.subscriptions.set(name, { name, eventTypeId: "deal.creation", status: { state: "CREATING" } });
    started.standIn.subscriptions.set("projects/p/locations/l/connections/other/eventSubscriptions/s2", { name: "x" });
    const list = async () => {
      const response = await fetch(new URL(`v1/${CONNECTION}/eventSubscriptions?pageSize=10`, started?.rootUrl), {
        headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
      });
      return ((await response.json()) as { eventSubscriptions: Array<{ name: string; status: { state: string } }> })
        .eventSubscriptions;
    };
    const first = await list();
    assert.deepEqual(
      first.map((s) => [s.name, s.status.state]),
      [[name, "CREATING"]],
    );
    assert.equal((await list())[0]?.status.state, "ACTIVE");
  });
});
