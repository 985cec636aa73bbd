import * as assert from "node:assert/strict";
import { EnvError } from "../../contract/runtime-env";
import { readDispatcherConfig } from "../../runtime/dispatcher/config";
import { readListenerConfig } from "../../runtime/listener/config";
import { dispatcherEnv, listenerEnv } from "../../components/runtime-env";

const LISTENER = { HUBSPOT_CLIENT_SECRET: "4f1c2b9e-6d3a-4b8f", GOOGLE_CLOUD_PROJECT: "acme-dev" };
const DISPATCHER = {
  GOOGLE_CLOUD_PROJECT: "acme-dev",
  DEAD_LETTER_TOPIC: "projects/acme-dev/topics/hubspot-dead-letter",
  INTEGRATION_LOCATION: "europe-west1",
  DISPATCHER_TRIGGERS: JSON.stringify([
    {
      name: "deals",
      subscription: "hubspot-dev-trigger-deals-0a1b2c3d",
      eventTypes: ["deal.creation"],
      integration: "crm",
      triggerId: "api_trigger/crm",
    },
  ]),
};

describe("status store configuration", () => {
  it("records nothing without STATUS_DATABASE", () => {
    assert.equal(readListenerConfig(LISTENER).status, undefined);
    assert.equal(readDispatcherConfig(DISPATCHER).status, undefined);
  });

  it("reads the database, the flush interval and the emulator for both roles", () => {
    const status = { STATUS_DATABASE: "hubspot-dev-status-0a1b2c3d", STATUS_FLUSH_SECONDS: "30" };
    const expected = {
      databaseId: "hubspot-dev-status-0a1b2c3d",
      projectId: "acme-dev",
      flushIntervalMs: 30_000,
      emulatorHost: "127.0.0.1:8085",
    };
    const emulator = { FIRESTORE_EMULATOR_HOST: "127.0.0.1:8085" };
    assert.deepEqual(readListenerConfig({ ...LISTENER, ...status, ...emulator }).status, expected);
    assert.deepEqual(readDispatcherConfig({ ...DISPATCHER, ...status, ...emulator }).status, expected);
    assert.equal(
      readListenerConfig({ ...LISTENER, STATUS_DATABASE: "status-db" }).status?.flushIntervalMs,
      60_000,
      "once a minute by default",
    );
  });

  it("refuses the project's (default) database and a flush interval out of range, naming the variable", () => {
    assert.throws(
      () => readListenerConfig({ ...LISTENER, STATUS_DATABASE: "(default)" }),
      (error: unknown) => error instanceof EnvError && error.problems.some((p) => p.startsWith("STATUS_DATABASE:")),
    );
    assert.throws(
      () => readDispatcherConfig({ ...DISPATCHER, STATUS_DATABASE: "status-db", STATUS_FLUSH_SECONDS: "0" }),
      (error: unknown) =>
        error instanceof EnvError && error.problems.some((p) => p.startsWith("STATUS_FLUSH_SECONDS:")),
    );
  });

  it("is what the components write into both roles' environment", () => {
    const secret = { secret: "s", version: "1" };
    const listener = listenerEnv({
      project: "acme-dev",
      publicUrl: "https://l.example/webhooks/hubspot",
      eventsTopic: "events",
      deadLetterTopic: "projects/acme-dev/topics/hubspot-dead-letter",
      clientSecret: secret,
      signature: { allowLegacy: false, maxSkewSeconds: 300 },
      dedupWindowSeconds: 600,
      messageOrdering: false,
      statusDatabase: "status-db",
    });
    const dispatcher = dispatcherEnv({
      project: "acme-dev",
      deadLetterTopic: "projects/acme-dev/topics/hubspot-dead-letter",
      triggers: [],
      integrationProject: "acme-dev",
      integrationLocation: "europe-west1",
      executionTimeoutSeconds: 60,
      maxConcurrentExecutions: 10,
      enrichment: { enabled: false, contactProperties: [], companyProperties: [], dealProperties: [] },
      hubspot: { baseUrl: "https://api.hubapi.com" },
      statusDatabase: "status-db",
      maxDeliveryAttempts: 7,
    });
    assert.equal(listener.plain.STATUS_DATABASE, "status-db");
    assert.equal(dispatcher.plain.STATUS_DATABASE, "status-db");
    assert.equal(dispatcher.plain.MAX_DELIVERY_ATTEMPTS, "7");
    // The dispatcher reads it back as the attempt after which Pub/Sub dead-letters.
    assert.equal(readDispatcherConfig({ ...DISPATCHER, MAX_DELIVERY_ATTEMPTS: "7" }).maxDeliveryAttempts, 7);
  });
});
