import * as assert from "node:assert/strict";
import { runtimeAccountsDedicated } from "../../../policies/rules/hubspot-trigger-iam-runtime-accounts-dedicated";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildExistingStack, buildManagedStack, buildStack, EXISTING_ACCOUNTS, PUBSUB_AGENT } from "../support/stack";

// Default accounts: https://cloud.google.com/iam/docs/service-account-types#default
const COMPUTE_DEFAULT = "123456789012-compute@developer.gserviceaccount.com";
const APP_ENGINE_DEFAULT = "acme-prod@appspot.gserviceaccount.com";

describe("hubspot-trigger-iam-runtime-accounts-dedicated", () => {
  it("accepts three accounts the stack creates, and three existing ones", () => {
    assert.deepEqual(messages(runtimeAccountsDedicated, buildStack()), []);
    assert.deepEqual(messages(runtimeAccountsDedicated, buildExistingStack()), []);
  });

  it("reports a service that names no account: it runs as the Compute Engine default account", () => {
    const stack = buildStack((s) => {
      delete (s.listener.inputs.template as { serviceAccount?: string }).serviceAccount;
    });
    assert.deepEqual(messages(runtimeAccountsDedicated, stack), [
      "Cloud Run service listener names no service account, so it runs as the Compute Engine default account.",
    ]);
  });

  it("reports Google's default accounts as the dispatcher's or the push identity", () => {
    const stack = buildExistingStack((s) => {
      s.dispatcher.inputs.template.serviceAccount = COMPUTE_DEFAULT;
      s.triggerSubscription.inputs.pushConfig.oidcToken.serviceAccountEmail = APP_ENGINE_DEFAULT;
    });
    const found = messages(runtimeAccountsDedicated, stack);
    assert.equal(found.length, 2);
    assert.match(found[0], new RegExp(`^The trigger identity ${COMPUTE_DEFAULT} is the Compute Engine default`));
    assert.match(found[1], new RegExp(`^The push identity ${APP_ENGINE_DEFAULT} is the App Engine default`));
  });

  it("reports one account in two roles, on the resource using it second", () => {
    const stack = buildExistingStack((s) => {
      s.triggerSubscription.inputs.pushConfig.oidcToken.serviceAccountEmail = EXISTING_ACCOUNTS.listener;
    });
    assert.deepEqual(messages(runtimeAccountsDedicated, stack), [
      `${EXISTING_ACCOUNTS.listener} is both the listener and the push identity; each role needs its own account.`,
    ]);
  });

  it("does not guess while an account's email is unknown (a created account during preview)", () => {
    const stack = buildStack((s) => {
      s.dispatcher.inputs.template.serviceAccount = UNKNOWN_STRING;
      s.triggerSubscription.inputs.pushConfig.oidcToken.serviceAccountEmail = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(runtimeAccountsDedicated, stack), []);
  });

  it("backend managed: accepts the connection running as the listener account, with no listener service", () => {
    assert.deepEqual(messages(runtimeAccountsDedicated, buildManagedStack()), []);
  });

  it("backend managed: reports the connection sharing the dispatcher's account, on the connection", () => {
    const trigger = "hubspot-prod-trigger@acme-prod.iam.gserviceaccount.com";
    const stack = buildManagedStack((s) => {
      s.connection.inputs.serviceAccount = trigger;
      s.dealCreationEvents.inputs.serviceAccount = trigger;
    });
    assert.deepEqual(messages(runtimeAccountsDedicated, stack), [
      `${trigger} is both the trigger and the listener identity; each role needs its own account.`,
    ]);
    assert.equal(analyzeStack(runtimeAccountsDedicated, stack).length, 1, "the same through analyzer-like args");
  });

  it("backend managed: leaves a connection without an account to hubspot-trigger-managed-connection-account", () => {
    const stack = buildManagedStack((s) => {
      s.connection.inputs.serviceAccount = COMPUTE_DEFAULT;
    });
    assert.deepEqual(messages(runtimeAccountsDedicated, stack), []);
  });

  it("backend managed: reports an event subscription publishing as another account than its connection's", () => {
    const listener = "hubspot-prod-listener@acme-prod.iam.gserviceaccount.com";
    const stack = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.serviceAccount = EXISTING_ACCOUNTS.push;
    });
    const expected =
      `Event subscription event-subscription-deal-creation publishes as ${EXISTING_ACCOUNTS.push}, not as its ` +
      `connection's account ${listener}: another account needs its own publisher grant on the events topic and ` +
      "widens who may write it.";
    assert.deepEqual(messages(runtimeAccountsDedicated, stack), [expected]);
    assert.deepEqual(analyzeStack(runtimeAccountsDedicated, stack), [expected], "the same through analyzer-like args");
  });

  it("backend managed: reports an event subscription publishing as a Google default account or service agent", () => {
    const agent = PUBSUB_AGENT.replace(/^serviceAccount:/, "");
    const defaults = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.serviceAccount = COMPUTE_DEFAULT;
    });
    const found = messages(runtimeAccountsDedicated, defaults);
    assert.equal(found.length, 1);
    assert.match(
      found[0],
      new RegExp(
        `^Event subscription event-subscription-deal-creation publishes as ${COMPUTE_DEFAULT}, which is the Compute Engine default`,
      ),
    );
    assert.match(found[0], /; it must publish as its connection's account\.$/);
    const serviceAgent = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.serviceAccount = agent;
    });
    assert.equal(messages(runtimeAccountsDedicated, serviceAgent).length, 1);
    assert.match(messages(runtimeAccountsDedicated, serviceAgent)[0], new RegExp(`publishes as ${agent}, which `));
  });

  it("backend managed: reports an event subscription naming no account", () => {
    const stack = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.serviceAccount = "";
    });
    assert.deepEqual(messages(runtimeAccountsDedicated, stack), [
      "Event subscription event-subscription-deal-creation names no service account; it must publish as its connection's account.",
    ]);
  });

  it("backend managed: finds the connection by name, or the only one while its name is unknown", () => {
    const unknownName = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.connectionName = UNKNOWN_STRING;
      s.dealCreationEvents.inputs.serviceAccount = EXISTING_ACCOUNTS.push;
    });
    assert.equal(analyzeStack(runtimeAccountsDedicated, unknownName).length, 1);
    const otherConnection = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.connectionName = "projects/acme-prod/locations/europe-west1/connections/other";
      s.dealCreationEvents.inputs.serviceAccount = EXISTING_ACCOUNTS.push;
    });
    assert.deepEqual(messages(runtimeAccountsDedicated, otherConnection), [], "not this stack's connection");
  });

  it("backend managed: does not guess while an event subscription's or its connection's account is unknown", () => {
    const subscription = buildManagedStack((s) => {
      s.dealCreationEvents.inputs.serviceAccount = UNKNOWN_STRING;
    });
    const connection = buildManagedStack((s) => {
      s.connection.inputs.serviceAccount = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(runtimeAccountsDedicated, subscription), []);
    assert.deepEqual(analyzeStack(runtimeAccountsDedicated, connection), []);
  });
});
