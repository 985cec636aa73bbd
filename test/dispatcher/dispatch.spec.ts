import assert from "node:assert/strict";
import { createDispatcher, startDispatcher, type Dispatcher, type DispatcherConfig } from "../../runtime/dispatcher";
import { EnvError } from "../../contract/runtime-env";
import type { DeadLetterAttributes } from "../../runtime/shared/pubsub";
import { captureLogs, type LogEntry } from "../../runtime/shared/log";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { freePort } from "../../testing/pubsub-emulator";
import { Counter, Gate } from "../support/wait-for";
import {
  attributesOf,
  DEAL_TRIGGER,
  FIXED_TOKEN,
  fixedTokenAuth,
  post,
  pushEnvelope,
  samplePayload,
  testConfig,
} from "./helpers";

/** Credentials that hold each execution, slot taken, until the test opens the gate; `arrivals` counts them. */
function heldAuth(): { auth: typeof fixedTokenAuth; arrivals: Counter; gate: Gate } {
  const arrivals = new Counter();
  const gate = new Gate();
  const auth = {
    getRequestHeaders: async () => {
      arrivals.increment();
      await gate.passed();
      return fixedTokenAuth.getRequestHeaders();
    },
  };
  return { auth, arrivals, gate };
}

/** Date.now frozen at the real time until `advance(ms)`; `restore()` puts the real clock back. */
function frozenClock(): { advance(ms: number): void; restore(): void } {
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  return {
    advance: (ms) => (now += ms),
    restore: () => (Date.now = realNow),
  };
}

interface Harness {
  url: string;
  dispatcher: Dispatcher;
  deadLetters: Array<{ data: Buffer; attributes: DeadLetterAttributes }>;
  logs: LogEntry[];
}

describe("dispatcher against the Application Integration stand-in", () => {
  let standIn: IntegrationStandIn;
  let harness: Harness | undefined;
  let failDeadLetter = false;

  async function start(
    overrides: Partial<DispatcherConfig> = {},
    auth: typeof fixedTokenAuth = fixedTokenAuth,
  ): Promise<Harness> {
    const { logger, entries } = captureLogs("DEBUG", "demo-project");
    const deadLetters: Harness["deadLetters"] = [];
    const dispatcher = createDispatcher({
      config: testConfig({ integrationsEndpoint: standIn.url, ...overrides }),
      auth,
      logger,
      deadLetter: async (data, attributes) => {
        if (failDeadLetter) throw new Error("UNAVAILABLE: dead-letter topic unreachable");
        deadLetters.push({ data, attributes });
        return "dl-1";
      },
    });
    const port = await dispatcher.listen(0, "127.0.0.1");
    harness = { url: `http://127.0.0.1:${port}`, dispatcher, deadLetters, logs: entries };
    return harness;
  }

  beforeEach(async () => {
    standIn = await IntegrationStandIn.start();
    failDeadLetter = false;
  });
  afterEach(async () => {
    await harness?.dispatcher.close();
    harness = undefined;
    await standIn.close();
  });

  it("executes the integration with the payload as a JSON string, as the trigger account, and answers 204", async () => {
    const { url } = await start();
    const payload = samplePayload();
    const response = await post(`${url}/pubsub/push`, pushEnvelope(payload));
    assert.equal(response.status, 204);
    assert.equal(standIn.requests.length, 1);
    const [execution] = standIn.requests;
    assert.equal(execution.project, "demo-project");
    assert.equal(execution.location, "europe-west1");
    assert.equal(execution.integration, "on-deal-created");
    assert.equal(execution.triggerId, "api_trigger/on-deal-created");
    assert.equal(execution.authorization, `Bearer ${FIXED_TOKEN}`);
    assert.equal(typeof execution.inputParameters.ConnectorEventPayload.jsonValue, "string");
    assert.deepEqual(execution.connectorEventPayload, payload);
    // The jsonValue text itself carries the int64 id digit for digit.
    assert.match(execution.inputParameters.ConnectorEventPayload.jsonValue as string, /"objectId":"9007199254740993"/);
  });

  for (const status of [429, 500, 503]) {
    it(`answers non-2xx on a transient ${status} so Pub/Sub redelivers, and dead-letters nothing`, async () => {
      const { url, deadLetters } = await start();
      standIn.setStatuses([status]);
      const response = await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()));
      assert.equal(response.status, 503);
      assert.equal(deadLetters.length, 0);
    });
  }

  it("answers non-2xx when the integration does not answer within EXECUTION_TIMEOUT_MS", async () => {
    const { url, logs } = await start({ executionTimeoutMs: 150 });
    standIn.setLatency(60_000); // never answers within the test
    const response = await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()));
    assert.equal(response.status, 503);
    assert.equal(standIn.count, 1, "the execution reached the integration");
    // The stand-in records an execution only when it answers: none yet, so the dispatcher did not wait for it.
    assert.equal(standIn.requests.length, 0, "the dispatcher waited for the integration's answer");
    assert.ok(logs.some((entry) => entry.reason === "execution-timeout"));
  });

  it("answers non-2xx when the endpoint cannot be reached", async () => {
    await standIn.close();
    const { url, logs } = await start({ integrationsEndpoint: standIn.url });
    standIn = await IntegrationStandIn.start(); // for afterEach
    const response = await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()));
    assert.equal(response.status, 503);
    assert.ok(logs.some((entry) => entry.reason === "network-error"));
  });

  for (const [status, reason] of [
    [400, "integration-rejected"],
    [403, "integration-forbidden"],
    [404, "integration-not-found"],
  ] as const) {
    it(`dead-letters on a permanent ${status} with the original bytes and attributes plus why, then acks`, async () => {
      const { url, deadLetters } = await start();
      standIn.setStatuses([status]);
      const payload = samplePayload();
      const envelope = pushEnvelope(payload) as {
        message: { data: string; attributes: Record<string, string>; messageId: string };
      };
      const response = await post(`${url}/pubsub/push`, envelope);
      assert.equal(response.status, 204);
      assert.equal(deadLetters.length, 1);
      const [letter] = deadLetters;
      assert.equal(letter.data.toString("base64"), envelope.message.data);
      assert.deepEqual(letter.attributes, {
        ...envelope.message.attributes,
        reason,
        reasonDetail: `HTTP ${status} ${
          { 400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND" }[status]
        }: stand-in answered ${status}`,
        trigger: "deal-created",
        httpStatus: String(status),
        subscription: "deals-created",
        originalMessageId: envelope.message.messageId,
      });
    });
  }

  it("answers non-2xx when the dead-letter publish fails, so the message is not lost", async () => {
    const { url } = await start();
    standIn.setStatuses([403]);
    failDeadLetter = true;
    const response = await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()));
    assert.equal(response.status, 503);
  });

  it("acknowledges an event type the trigger does not handle, without executing", async () => {
    const { url, logs } = await start();
    const response = await post(`${url}/pubsub/push`, pushEnvelope(samplePayload({ eventType: "deal.deletion" })));
    assert.equal(response.status, 204);
    assert.equal(standIn.count, 0);
    assert.ok(logs.some((entry) => entry.outcome === "not-ours" && entry.eventType === "deal.deletion"));
  });

  it("runs a property-scoped trigger only for the properties it watches", async () => {
    const { url } = await start({
      triggers: [{ ...DEAL_TRIGGER, eventTypes: ["deal.propertyChange"], propertyNames: ["dealstage"] }],
    });
    const change = (propertyName: string) =>
      pushEnvelope(samplePayload({ eventType: "deal.propertyChange", propertyName, propertyValue: "x" }));
    assert.equal((await post(`${url}/pubsub/push`, change("amount"))).status, 204);
    assert.equal(standIn.count, 0);
    assert.equal((await post(`${url}/pubsub/push`, change("dealstage"))).status, 204);
    assert.equal(standIn.count, 1);
  });

  it("executes a redriven event only on the subscription it was dead-lettered from", async () => {
    const { url } = await start();
    const payload = samplePayload();
    const redriven = (target: string) =>
      pushEnvelope(payload, {
        attributes: { ...attributesOf(payload), redriveSubscription: target, redriveCount: "1" },
      });
    assert.equal((await post(`${url}/pubsub/push`, redriven("other-trigger-sub"))).status, 204);
    assert.equal(standIn.count, 0);
    assert.equal((await post(`${url}/pubsub/push`, redriven("deals-created"))).status, 204);
    assert.equal(standIn.count, 1);
  });

  it("executes a redriven event on its trigger's renamed subscription: it compares subscription keys", async () => {
    const key = "hubspot-dev-trigger-deals-0a1b2c3d";
    const { url } = await start({ triggers: [{ ...DEAL_TRIGGER, subscription: `${key}-7a7a7a7` }] });
    const payload = samplePayload();
    const redriven = (target: string) =>
      pushEnvelope(payload, {
        subscription: `${key}-7a7a7a7`,
        attributes: { ...attributesOf(payload), redriveSubscription: target, redriveCount: "1" },
      });
    // Dead-lettered from the subscription the trigger had before an edit of its filter: same key.
    assert.equal((await post(`${url}/pubsub/push`, redriven(key))).status, 204);
    assert.equal(standIn.count, 1);
    // Another trigger's key: acknowledged without executing.
    assert.equal((await post(`${url}/pubsub/push`, redriven("hubspot-dev-trigger-other-0a1b2c3d"))).status, 204);
    assert.equal(standIn.count, 1);
  });

  it("answers 429 beyond MAX_CONCURRENT_EXECUTIONS and runs only the allowed executions", async () => {
    const { auth, arrivals, gate } = heldAuth();
    const { url } = await start({ maxConcurrentExecutions: 2, executionTimeoutMs: 30_000 }, auth);
    const push = async () => (await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status;
    // Each next delivery is sent once the previous one holds its slot (it reached the held credentials).
    const first = push();
    await arrivals.reached(1);
    const second = push();
    await arrivals.reached(2);
    assert.equal(await push(), 429);
    gate.open();
    assert.deepEqual([await first, await second], [204, 204]);
    assert.equal(arrivals.count, 2, "the refused delivery took no slot");
    assert.equal(standIn.count, 2);
    // Slots are given back: the next delivery runs.
    assert.equal((await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status, 204);
  });

  it("logs refusals at the cap once per second with their count, not once per refusal", async () => {
    const { auth, arrivals, gate } = heldAuth();
    const { url, logs } = await start({ maxConcurrentExecutions: 1, executionTimeoutMs: 30_000 }, auth);
    const push = async () => (await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status;
    // The interval is measured with Date.now: frozen, a slow machine cannot make the refusals straddle it.
    const clock = frozenClock();
    try {
      const running = push();
      await arrivals.reached(1); // the one slot is held until the gate opens
      const refused = await Promise.all(Array.from({ length: 20 }, push));
      assert.deepEqual(new Set(refused), new Set([429]));
      // Every refusal is answered, and logged (or not) before its answer: the count is final.
      const lines = logs.filter((entry) => entry.outcome === "throttled");
      assert.equal(lines.length, 1, JSON.stringify(lines));
      assert.equal(lines[0]?.throttled, 1, "the first refusal is logged at once");
      clock.advance(999);
      assert.equal(await push(), 429);
      assert.equal(logs.filter((entry) => entry.outcome === "throttled").length, 1, "a line within the second");
      clock.advance(1);
      assert.equal(await push(), 429);
      const after = logs.filter((entry) => entry.outcome === "throttled");
      assert.equal(after.length, 2);
      assert.equal(after[1]?.throttled, 21, "the next line counts the refusals it did not log");
      gate.open();
      assert.equal(await running, 204);
    } finally {
      clock.restore();
      gate.open();
    }
  });

  it("answers 400 to a malformed envelope and to a body that is not JSON", async () => {
    const { url } = await start();
    const bad = await post(`${url}/pubsub/push`, {
      message: { data: "%%%" },
      subscription: "projects/p/subscriptions/deals-created",
    });
    assert.equal(bad.status, 400);
    assert.match((bad.body as { detail: string }).detail, /^message\.messageId/);
    assert.equal((await post(`${url}/pubsub/push`, "{not json")).status, 400);
    assert.equal(standIn.count, 0);
  });

  it("serves a trigger's previous subscription during an edit, matched by its stable key", async () => {
    // Names are `<key>-<settings hash>` (contract/subscription-key.ts): the hash differs, the key does not.
    const current = { ...DEAL_TRIGGER, subscription: "hubspot-dev-trigger-deals-0123abcd-89abcde" };
    const { url } = await start({ triggers: [current] });
    const previous = await post(
      `${url}/pubsub/push`,
      pushEnvelope(samplePayload(), { subscription: "hubspot-dev-trigger-deals-0123abcd-1234567" }),
    );
    assert.equal(previous.status, 204);
    assert.equal(standIn.count, 1, "executed, not left to burn delivery attempts");
    const unversioned = await post(
      `${url}/pubsub/push`,
      pushEnvelope(samplePayload(), { subscription: "hubspot-dev-trigger-deals-0123abcd" }),
    );
    assert.equal(unversioned.status, 204, "the name from before versioned names is the key itself");
    const other = await post(
      `${url}/pubsub/push`,
      pushEnvelope(samplePayload(), { subscription: "hubspot-dev-trigger-leads-0123abcd-89abcde" }),
    );
    assert.equal(other.status, 404);
  });

  it("answers 404 for a subscription no trigger declares (redelivered until the rollout catches up)", async () => {
    const { url } = await start();
    const response = await post(
      `${url}/pubsub/push`,
      pushEnvelope(samplePayload(), { subscription: "contacts-created" }),
    );
    assert.equal(response.status, 404);
    assert.equal(standIn.count, 0);
  });

  it("dead-letters a payload it cannot read instead of retrying it", async () => {
    const { url, deadLetters } = await start();
    const response = await post(`${url}/pubsub/push`, pushEnvelope(Buffer.from('{"schemaVersion":"9"}')));
    assert.equal(response.status, 204);
    assert.equal(deadLetters[0].attributes.reason, "invalid-payload");
    assert.match(deadLetters[0].attributes.reasonDetail, /payload\.schemaVersion/);
    assert.equal(standIn.count, 0);
  });

  it("serves /healthz and /readyz, and refuses other methods on the push path", async () => {
    const { url } = await start();
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal((await fetch(`${url}/pubsub/push`)).status, 405);
  });

  it("lets an in-flight execution finish when closed, and accepts no new connection", async () => {
    const { auth, arrivals, gate } = heldAuth();
    const { url, dispatcher } = await start({ executionTimeoutMs: 30_000 }, auth);
    const inFlight = post(`${url}/pubsub/push`, pushEnvelope(samplePayload()));
    await arrivals.reached(1); // executing, held until the gate opens
    const closed = dispatcher.close();
    gate.open();
    assert.equal((await inFlight).status, 204);
    assert.equal(standIn.count, 1, "the execution ran after close()");
    await closed;
    await assert.rejects(fetch(`${url}/healthz`));
    harness = undefined;
  });

  it("joins each outcome line to the push request's trace", async () => {
    const { url, logs } = await start();
    await fetch(`${url}/pubsub/push`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/1;o=1",
      },
      body: JSON.stringify(pushEnvelope(samplePayload())),
    });
    const outcome = logs.find((entry) => entry.outcome === "executed");
    assert.equal(
      outcome?.["logging.googleapis.com/trace"],
      "projects/demo-project/traces/105445aa7843bc8bf206b12000100000",
    );
  });

  it("logs one outcome per delivery with no token and no payload content", async () => {
    const { url, logs } = await start();
    const payload = samplePayload({ eventType: "deal.creation", propertyValue: "private-deal-amount-42" });
    await post(`${url}/pubsub/push`, pushEnvelope(payload));
    standIn.setStatuses([403]);
    await post(`${url}/pubsub/push`, pushEnvelope(payload));
    const outcomes = logs.filter((entry) => entry.outcome !== undefined).map((entry) => entry.outcome);
    assert.deepEqual(outcomes, ["executed", "dead-lettered"]);
    const text = JSON.stringify(logs);
    assert.ok(!text.includes(FIXED_TOKEN));
    assert.ok(!text.includes("private-deal-amount-42"));
    assert.ok(!text.includes(payload.dedupKey));
  });
});

describe("startDispatcher (what runtime/main.ts runs for ROLE=dispatcher)", () => {
  it("starts from the environment contract, serves /healthz and closes", async () => {
    const port = await freePort();
    const service = await startDispatcher(
      {
        ROLE: "dispatcher",
        PORT: String(port),
        GOOGLE_CLOUD_PROJECT: "demo-project",
        DEAD_LETTER_TOPIC: "projects/demo-project/topics/hubspot-dead-letter",
        DISPATCHER_TRIGGERS: JSON.stringify([DEAL_TRIGGER]),
        INTEGRATION_LOCATION: "europe-west1",
      },
      { logger: captureLogs().logger },
    );
    try {
      assert.equal(service.port, port);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    } finally {
      await service.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });

  it("refuses to start on an invalid environment, listing the problems", async () => {
    await assert.rejects(startDispatcher({ ROLE: "dispatcher" }), (error: unknown) => {
      assert.ok(error instanceof EnvError);
      assert.ok(error.problems.some((problem) => problem.startsWith("DISPATCHER_TRIGGERS: is missing")));
      return true;
    });
  });
});
