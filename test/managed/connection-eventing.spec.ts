import assert from "node:assert/strict";
import { UNKNOWN_INPUT } from "../../components/hubspot/validation";
import {
  ACCESS_TOKEN,
  checked,
  CONNECTION,
  eventingProvider,
  PROJECT,
  startStandIn,
  stopStandIn,
  type Started,
} from "./support";

const PATCH = "connectors.projects.locations.connections.patch";
const OPERATIONS_GET = "connectors.projects.locations.operations.get";
const FULL_MASK = [
  "eventingConfig.deadLetterConfig",
  "eventingConfig.privateConnectivityEnabled",
  "eventingConfig.privateConnectivityAllowlistedProjects",
].join(",");

describe("managed backend: ConnectionEventing provider against the Connectors stand-in", () => {
  let started: Started | undefined;
  afterEach(async () => {
    await stopStandIn(started);
    started = undefined;
  });

  async function declared(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return checked(eventingProvider, {
      connectionName: CONNECTION,
      deadLetter: { projectId: PROJECT, topic: "hubspot-trigger-dead-letter" },
      privateConnectivityEnabled: true,
      privateConnectivityAllowlistedProjects: ["hubspot-trigger-prod"],
      ...started?.settings,
      ...overrides,
    });
  }

  function eventingConfig(): Record<string, unknown> {
    return started?.standIn.connections.get(CONNECTION)?.eventingConfig as Record<string, unknown>;
  }

  it("create: one PATCH naming exactly the three managed fields, the rest of eventingConfig untouched, the webhook URL out", async () => {
    started = await startStandIn({ pollsUntilDone: 3 });
    const { id, outs } = await eventingProvider.create(await declared());

    assert.equal(id, CONNECTION);
    const [patch] = started.standIn.requestsOf(PATCH);
    assert.equal(patch?.query.updateMask, FULL_MASK);
    assert.deepEqual(patch?.body, {
      eventingConfig: {
        deadLetterConfig: { projectId: PROJECT, topic: "hubspot-trigger-dead-letter" },
        privateConnectivityEnabled: true,
        privateConnectivityAllowlistedProjects: ["hubspot-trigger-prod"],
      },
    });
    assert.equal(started.standIn.requestsOf(OPERATIONS_GET).length, 3, "polled until the operation was done");
    assert.equal(outs.eventsListenerEndpoint, "https://hubspot-events-events.connectors.stand-in.test/v1/events");
    assert.equal(outs.eventingState, "ACTIVE");
    // Private connectivity on: the listener's service attachment (Connectors v1 EventingRuntimeData.eventsListenerPscSa).
    assert.equal(
      outs.eventsListenerPscSa,
      `projects/${PROJECT}/regions/europe-west1/serviceAttachments/hubspot-events-events`,
    );
    const config = eventingConfig();
    assert.equal(config.privateConnectivityEnabled, true);
    assert.deepEqual(config.privateConnectivityAllowlistedProjects, ["hubspot-trigger-prod"]);
    assert.deepEqual(config.registrationDestinationConfig, { destinations: [{ host: "https://api.hubapi.com" }] });
    assert.ok(config.listenerAuthConfig, "what the gcp Connection manages is left alone");
    assert.deepEqual(started.standIn.rejections, []);
  });

  it("listenerAuth: written in the same PATCH, read back for drift, and left alone when not declared", async () => {
    started = await startStandIn();
    const secretVersion = `projects/${PROJECT}/secrets/hubspot-client-secret/versions/3`;
    const listenerAuth = {
      authType: "AUTH_TYPE_UNSPECIFIED",
      authKey: "client-secret",
      secretVariable: "client_secret",
      secretVersion,
    };
    const { outs } = await eventingProvider.create(await declared({ listenerAuth }));
    const [patch] = started.standIn.requestsOf(PATCH);
    assert.equal(patch?.query.updateMask, `${FULL_MASK},eventingConfig.listenerAuthConfig`);
    // Connectors v1 AuthConfig (discovery 20240701): the secret travels as a version name, never as a value.
    assert.deepEqual((patch?.body as { eventingConfig: Record<string, unknown> }).eventingConfig.listenerAuthConfig, {
      authType: "AUTH_TYPE_UNSPECIFIED",
      authKey: "client-secret",
      additionalVariables: [{ key: "client_secret", secretValue: { secretVersion } }],
    });
    assert.deepEqual(started.standIn.rejections, []);

    // Changed in the console: refresh shows the listener's secret as Google holds it.
    const config = eventingConfig();
    config.listenerAuthConfig = {
      authType: "AUTH_TYPE_UNSPECIFIED",
      authKey: "client-secret",
      additionalVariables: [{ key: "client_secret", secretValue: { secretVersion: `${secretVersion}0` } }],
    };
    const read = await eventingProvider.read(CONNECTION, outs);
    assert.equal(
      (read.props as { listenerAuth: { secretVersion: string } }).listenerAuth.secretVersion,
      `${secretVersion}0`,
    );
    const diff = await eventingProvider.diff(CONNECTION, read.props, await declared({ listenerAuth }));
    assert.equal(diff.changes, true);

    // Without listenerAuth the stack never names the field, so the console's value stays.
    await stopStandIn(started);
    started = await startStandIn();
    await eventingProvider.create(await declared());
    assert.equal(started.standIn.requestsOf(PATCH)[0]?.query.updateMask, FULL_MASK);
  });

  it("create: waits for Google to provision the listener, and reports it empty if the settle bound passes first", async () => {
    started = await startStandIn({ readsUntilListener: 3 });
    const { outs } = await eventingProvider.create(await declared());
    const reads = started.standIn.requestsOf("connectors.projects.locations.connections.get");
    assert.equal(reads.length, 3, "read until the endpoint appeared");
    assert.equal(outs.eventsListenerEndpoint, "https://hubspot-events-events.connectors.stand-in.test/v1/events");
    await stopStandIn(started);

    started = await startStandIn({ readsUntilListener: 1_000 });
    const polling = { initialDelayMs: 0, maxDelayMs: 0, timeoutMs: 50, settleTimeoutMs: 2 };
    const pending = await eventingProvider.create(await declared({ polling }));
    assert.equal(pending.outs.eventsListenerEndpoint, "");
    assert.equal(pending.outs.eventingState, "STATE_UNSPECIFIED");
    assert.equal(started.standIn.requestsOf("connectors.projects.locations.connections.get").length, 3);
  });

  it("an operation that ends in error fails with Google's code and message, and changes nothing", async () => {
    started = await startStandIn({ pollsUntilDone: 2 });
    started.standIn.failNextOperation(PATCH, { code: 9, message: "Connection is being updated by another operation" });
    await assert.rejects(
      eventingProvider.create(await declared()),
      /connections\.patch .*hubspot-events .*operation projects\/.*\/operations\/operation-1 ended in error 9: Connection is being updated by another operation/,
    );
    assert.equal(eventingConfig().privateConnectivityEnabled, undefined);
  });

  it("an operation still running when the polling bound is reached fails naming it", async () => {
    started = await startStandIn({ pollsUntilDone: 1_000 });
    const inputs = await declared({ polling: { initialDelayMs: 0, maxDelayMs: 0, timeoutMs: 5, settleTimeoutMs: 5 } });
    await assert.rejects(eventingProvider.create(inputs), /operation-1 is not done after 5 ms of polling/);
    assert.equal(started.standIn.requestsOf(OPERATIONS_GET).length, 5);
  });

  it("retries 429 and 5xx answers, then gives up with the status and Google's message, never the token", async () => {
    started = await startStandIn();
    started.standIn.injectFaults(PATCH, [503, 429]);
    started.standIn.injectFaults(OPERATIONS_GET, [500]);
    await eventingProvider.create(await declared());
    assert.deepEqual(
      started.standIn.rejections.map((r) => [r.methodId, r.status]),
      [
        [PATCH, 503],
        [PATCH, 429],
        [OPERATIONS_GET, 500],
      ],
    );
    assert.equal(eventingConfig().privateConnectivityEnabled, true, "the retried PATCH and poll went through");

    started.standIn.injectFaults(PATCH, [503, 503, 503, 503]);
    const error = await eventingProvider
      .update(
        CONNECTION,
        {},
        await declared({ privateConnectivityEnabled: false, privateConnectivityAllowlistedProjects: [] }),
      )
      .then(
        () => assert.fail("update should fail"),
        (e: Error) => e,
      );
    assert.match(
      error.message,
      /connections\.patch .* failed after 4 attempts: HTTP 503 UNAVAILABLE: injected fault 503/,
    );
    assert.ok(!error.message.includes(ACCESS_TOKEN) && !String(error.stack).includes(ACCESS_TOKEN));
  });

  it("update: PATCHes only the changed fields; no change, no PATCH", async () => {
    started = await startStandIn();
    const first = await eventingProvider.create(await declared());
    const news = await declared({ deadLetter: { projectId: PROJECT, topic: "other-dead-letter" } });
    assert.equal((await eventingProvider.diff(CONNECTION, first.outs, news)).changes, true);
    const { outs } = await eventingProvider.update(CONNECTION, first.outs, news);

    const patches = started.standIn.requestsOf(PATCH);
    assert.equal(patches.length, 2);
    assert.equal(patches[1]?.query.updateMask, "eventingConfig.deadLetterConfig");
    assert.deepEqual((eventingConfig().deadLetterConfig as Record<string, unknown>).topic, "other-dead-letter");
    assert.equal(eventingConfig().privateConnectivityEnabled, true);
    assert.equal(outs.eventsListenerEndpoint, first.outs.eventsListenerEndpoint);

    assert.equal((await eventingProvider.diff(CONNECTION, outs, news)).changes, false);
    await eventingProvider.update(CONNECTION, outs, news);
    assert.equal(started.standIn.requestsOf(PATCH).length, 2, "no PATCH when nothing changed");
  });

  it("reapplyWhen: another writer's update of the connection makes the next update write every managed field again", async () => {
    started = await startStandIn();
    const first = await eventingProvider.create(await declared({ reapplyWhen: "2026-12-02T07:00:00Z" }));
    // The gcp Connection's own update named the whole eventingConfig and wiped the managed fields.
    delete eventingConfig().deadLetterConfig;
    delete eventingConfig().privateConnectivityEnabled;
    const news = await declared({ reapplyWhen: "2026-12-02T07:05:00Z" });
    assert.equal((await eventingProvider.diff(CONNECTION, first.outs, news)).changes, true);
    await eventingProvider.update(CONNECTION, first.outs, news);
    assert.equal(started.standIn.requestsOf(PATCH).at(-1)?.query.updateMask, FULL_MASK);
    assert.equal(eventingConfig().privateConnectivityEnabled, true);
    assert.ok(eventingConfig().deadLetterConfig);
  });

  it("removing the dead letter clears it: the path is in the mask and absent from the body", async () => {
    started = await startStandIn();
    const first = await eventingProvider.create(await declared());
    await eventingProvider.update(CONNECTION, first.outs, await declared({ deadLetter: undefined }));
    const last = started.standIn.requestsOf(PATCH).at(-1);
    assert.equal(last?.query.updateMask, "eventingConfig.deadLetterConfig");
    assert.deepEqual(last?.body, { eventingConfig: {} });
    assert.equal(eventingConfig().deadLetterConfig, undefined);
  });

  it("read: reports drift made in the console, so diff sees it and update puts the declared values back", async () => {
    started = await startStandIn();
    const first = await eventingProvider.create(await declared());
    Object.assign(eventingConfig(), {
      privateConnectivityEnabled: false,
      deadLetterConfig: { projectId: PROJECT, topic: "changed-in-console" },
    });

    const { id, props } = await eventingProvider.read(CONNECTION, first.outs);
    assert.equal(id, CONNECTION);
    assert.equal(props?.privateConnectivityEnabled, false);
    assert.deepEqual(props?.deadLetter, { projectId: PROJECT, topic: "changed-in-console" });

    const news = await declared();
    assert.equal((await eventingProvider.diff(CONNECTION, props, news)).changes, true);
    await eventingProvider.update(CONNECTION, props, news);
    assert.equal(
      started.standIn.requestsOf(PATCH).at(-1)?.query.updateMask,
      "eventingConfig.deadLetterConfig,eventingConfig.privateConnectivityEnabled",
    );
    assert.equal(eventingConfig().privateConnectivityEnabled, true);
  });

  it("read: a deleted connection answers an empty id", async () => {
    started = await startStandIn();
    const first = await eventingProvider.create(await declared());
    started.standIn.connections.delete(CONNECTION);
    assert.deepEqual(await eventingProvider.read(CONNECTION, first.outs), { id: "", props: {} });
  });

  it("delete: resets the managed fields; a connection already gone is not an error", async () => {
    started = await startStandIn();
    const first = await eventingProvider.create(await declared());
    await eventingProvider.delete(CONNECTION, first.outs);
    assert.equal(started.standIn.requestsOf(PATCH).at(-1)?.query.updateMask, FULL_MASK);
    assert.equal(eventingConfig().privateConnectivityEnabled, false);
    assert.equal(eventingConfig().deadLetterConfig, undefined);
    assert.equal(eventingConfig().privateConnectivityAllowlistedProjects, undefined);

    started.standIn.connections.delete(CONNECTION);
    await eventingProvider.delete(CONNECTION, first.outs);
    assert.equal(started.standIn.requestsOf(PATCH).length, 2, "no PATCH on a connection that is gone");
  });

  it("check: every bad field at once, each naming the field, the problem and the rule", async () => {
    const { failures } = await eventingProvider.check(
      {},
      {
        connectionName: "hubspot-events",
        deadLetter: { projectId: "Bad_Project", topic: "goog-topic" },
        privateConnectivityEnabled: false,
        privateConnectivityAllowlistedProjects: ["ok-project-1", "ok-project-1", "x"],
      },
    );
    assert.deepEqual(
      failures?.map((f) => f.property),
      [
        "connectionName",
        "deadLetter.projectId",
        "deadLetter.topic",
        "privateConnectivityAllowlistedProjects[2]",
        "privateConnectivityAllowlistedProjects",
        "privateConnectivityAllowlistedProjects",
      ],
    );
    assert.match(failures?.[0]?.reason ?? "", /"hubspot-events" is not valid: .*projects\/\{project\}\/locations/);
    assert.match(failures?.[2]?.reason ?? "", /does not start with goog/);
    assert.match(failures?.[4]?.reason ?? "", /"ok-project-1" more than once/);
    assert.match(failures?.[5]?.reason ?? "", /privateConnectivityEnabled is false/);
  });

  it("check: values not known until apply (preview) are neither refused nor replaced", async () => {
    const { inputs, failures } = await eventingProvider.check(
      {},
      {
        connectionName: UNKNOWN_INPUT,
        deadLetter: UNKNOWN_INPUT,
        privateConnectivityEnabled: false,
        privateConnectivityAllowlistedProjects: UNKNOWN_INPUT,
      },
    );
    assert.deepEqual(failures, []);
    assert.equal(inputs.deadLetter, UNKNOWN_INPUT);
    assert.equal(inputs.privateConnectivityAllowlistedProjects, UNKNOWN_INPUT);
  });
});
