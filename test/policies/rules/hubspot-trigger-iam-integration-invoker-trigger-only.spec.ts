import * as assert from "node:assert/strict";
import { integrationInvokerTriggerOnly } from "../../../policies/rules/hubspot-trigger-iam-integration-invoker-trigger-only";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildExistingStack, buildStack, EXISTING_ACCOUNTS, MEMBERS } from "../support/stack";

describe("hubspot-trigger-iam-integration-invoker-trigger-only", () => {
  it("accepts the invoker role on the trigger account", () => {
    assert.deepEqual(messages(integrationInvokerTriggerOnly, buildStack()), []);
  });

  it("reports the invoker role on the listener account and on a user", () => {
    const stack = buildStack((s) => {
      s.invoker.inputs.member = MEMBERS.listener;
      s.admin.inputs.role = "roles/integrations.integrationInvoker";
    });
    assert.deepEqual(messages(integrationInvokerTriggerOnly, stack), [
      `Grants roles/integrations.integrationInvoker to ${MEMBERS.listener}, not the trigger account.`,
      "Grants roles/integrations.integrationInvoker to group:platform@example.com, not the trigger account.",
    ]);
  });

  it("before the accounts exist, derives their emails from accountId and project", () => {
    const stack = buildStack((s) => {
      s.invoker.inputs.member = MEMBERS.listener;
    }).map((r) => ({ ...r, outputs: r.inputs }));
    assert.deepEqual(analyzeStack(integrationInvokerTriggerOnly, stack), [
      `Grants roles/integrations.integrationInvoker to ${MEMBERS.listener}, not the trigger account.`,
    ]);
  });

  it("when the trigger account's email cannot be known, doubts only members that are not service accounts", () => {
    const stack = buildStack((s) => {
      s.invoker.inputs.member = MEMBERS.listener;
      s.admin.inputs.role = "roles/integrations.integrationInvoker";
      s.triggerAccount.inputs.project = UNKNOWN_STRING;
    }).map((r) => ({ ...r, outputs: { ...r.inputs, email: UNKNOWN_STRING } }));
    assert.deepEqual(analyzeStack(integrationInvokerTriggerOnly, stack), [
      "Grants roles/integrations.integrationInvoker to group:platform@example.com, not the trigger account.",
    ]);
  });

  it("with an existing trigger account, accepts it (the dispatcher runs as it) and still reports others", () => {
    assert.deepEqual(messages(integrationInvokerTriggerOnly, buildExistingStack()), []);
    const stack = buildExistingStack((s) => {
      s.invoker.inputs.member = `serviceAccount:${EXISTING_ACCOUNTS.listener}`;
    });
    assert.deepEqual(messages(integrationInvokerTriggerOnly, stack), [
      `Grants roles/integrations.integrationInvoker to serviceAccount:${EXISTING_ACCOUNTS.listener}, not the trigger account.`,
    ]);
    // The created trigger account's marker is gone, so a created account's old member no longer counts.
    const stale = buildExistingStack((s) => {
      s.invoker.inputs.member = MEMBERS.trigger;
    });
    assert.equal(messages(integrationInvokerTriggerOnly, stale).length, 1);
  });
});
