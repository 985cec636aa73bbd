import { strict as assert } from "node:assert";
import {
  capacityWarnings,
  dispatcherSizing,
  EXECUTIONS_PER_DISPATCHER,
  INTEGRATION_CONCURRENT_EXECUTIONS,
} from "../../components/capacity";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { mocks } from "../support/setup";
import { recorded, resolve, triggerArgs } from "./support";

describe("capacity model", () => {
  it("sizes the dispatchers so that together they never exceed the project's execution quota", () => {
    for (const maxInstances of [1, 2, 5, 6, 50, 1000]) {
      const sizing = dispatcherSizing({ minInstances: 2, maxInstances, concurrency: 80 });
      assert.ok(
        sizing.scaling.maxInstances * sizing.maxConcurrentExecutions <= INTEGRATION_CONCURRENT_EXECUTIONS,
        `maxInstances ${maxInstances}`,
      );
      assert.equal(sizing.scaling.concurrency, sizing.maxConcurrentExecutions, "Cloud Run never queues past the cap");
      assert.ok(sizing.scaling.minInstances <= sizing.scaling.maxInstances);
    }
    assert.deepEqual(dispatcherSizing({ minInstances: 2, maxInstances: 50, concurrency: 80 }), {
      scaling: { minInstances: 2, maxInstances: 5, concurrency: EXECUTIONS_PER_DISPATCHER },
      maxConcurrentExecutions: EXECUTIONS_PER_DISPATCHER,
    });
  });

  it("gives the dispatchers more instances only when the project's execution quota was raised", () => {
    const listener = { minInstances: 2, maxInstances: 50, concurrency: 80 };
    assert.equal(dispatcherSizing(listener, 500).scaling.maxInstances, 50);
    assert.equal(dispatcherSizing(listener, 5000).scaling.maxInstances, 50, "never more than the listener may run");
    assert.deepEqual(dispatcherSizing(listener, 4), {
      scaling: { minInstances: 1, maxInstances: 1, concurrency: 4 },
      maxConcurrentExecutions: 4,
    });
  });

  it("warns with the setting to raise when the listener cannot hold every portal's deliveries", () => {
    assert.deepEqual(
      capacityWarnings({
        expectedPortals: 100,
        maxConcurrentRequests: 10,
        listener: { minInstances: 2, maxInstances: 50, concurrency: 80 },
      }),
      [],
      "1000 in flight fit in 50 x 80",
    );
    const warnings = capacityWarnings({
      expectedPortals: 1000,
      maxConcurrentRequests: 10,
      listener: { minInstances: 2, maxInstances: 50, concurrency: 80 },
    });
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /10000 requests in flight, but the listener serves at most 4000/);
    assert.match(warnings[0], /Raise scaling\.maxInstances to 125/);
    assert.match(warnings[1], /125 listener instances exceed Cloud Run's default limit of 100/);
  });

  it("warns about Cloud Run's 100-instance default whenever the listener may scale past it, undersized or not", () => {
    const warnings = capacityWarnings({
      expectedPortals: 1,
      maxConcurrentRequests: 10,
      listener: { minInstances: 1, maxInstances: 150, concurrency: 80 },
    });
    assert.deepEqual(warnings, [
      "capacity: 150 listener instances exceed Cloud Run's default limit of 100 per service: request a quota " +
        "increase, or raise scaling.concurrency (up to 1000).",
    ]);
  });

  it("is wired: the dispatcher service and its env follow the sizing, and a too-small stack warns", async () => {
    mocks.reset();
    const logged: string[] = [];
    const original = console.warn;
    console.warn = (message: unknown) => logged.push(String(message));
    try {
      const trigger = new HubSpotTrigger("hs", triggerArgs({ expectedPortals: 5000 }));
      await resolve(trigger.dispatcherUrl);
    } finally {
      console.warn = original;
    }
    const dispatcher = recorded("gcp:cloudrunv2/service:Service", "hs-services-dispatcher").inputs as {
      template: { maxInstanceRequestConcurrency: number; scaling: { maxInstanceCount: number } };
    };
    assert.equal(dispatcher.template.maxInstanceRequestConcurrency, EXECUTIONS_PER_DISPATCHER);
    assert.ok(dispatcher.template.scaling.maxInstanceCount * EXECUTIONS_PER_DISPATCHER <= 50);
    assert.ok(
      logged.some((line) => /5000 portal\(s\)/.test(line)),
      logged.join("\n"),
    );
  });

  it("is wired: a raised execution quota reaches the dispatcher's scaling", async () => {
    mocks.reset();
    const args = triggerArgs();
    const trigger = new HubSpotTrigger("hs", {
      ...args,
      integration: { ...args.integration, concurrentExecutions: 200 },
    });
    await resolve(trigger.dispatcherUrl);
    const dispatcher = recorded("gcp:cloudrunv2/service:Service", "hs-services-dispatcher").inputs as {
      template: { scaling: { maxInstanceCount: number } };
    };
    assert.equal(dispatcher.template.scaling.maxInstanceCount, 200 / EXECUTIONS_PER_DISPATCHER);
  });
});
