import * as assert from "node:assert/strict";
import { runtimeAccountsDedicated } from "../../../policies/rules/hubspot-trigger-iam-runtime-accounts-dedicated";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildExistingStack, buildManagedStack, buildStack, EXISTING_ACCOUNTS } from "../support/stack";

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
});
