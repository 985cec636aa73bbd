import * as assert from "node:assert/strict";
import { connectorsAdminHumansOnly } from "../../../policies/rules/hubspot-trigger-iam-connectors-admin-humans-only";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildExistingStack, buildStack, EXISTING_ACCOUNTS, MEMBERS } from "../support/stack";

describe("hubspot-trigger-iam-connectors-admin-humans-only", () => {
  it("accepts connectors.admin for a group of people", () => {
    assert.deepEqual(messages(connectorsAdminHumansOnly, buildStack()), []);
  });

  it("reports connectors.admin on the listener's account", () => {
    const stack = buildStack((s) => {
      s.admin.inputs.member = MEMBERS.listener;
    });
    assert.deepEqual(messages(connectorsAdminHumansOnly, stack), [
      `Grants roles/connectors.admin to runtime account ${MEMBERS.listener}: remove it from hubspot-trigger:admins.`,
    ]);
  });

  it("does not guess while the member is unknown", () => {
    const stack = buildStack((s) => {
      s.admin.inputs.member = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(connectorsAdminHumansOnly, stack), []);
  });

  it("knows existing runtime accounts, which are not resources of the stack, by where they are used", () => {
    for (const email of Object.values(EXISTING_ACCOUNTS)) {
      const stack = buildExistingStack((s) => {
        s.admin.inputs.member = `serviceAccount:${email}`;
      });
      assert.deepEqual(messages(connectorsAdminHumansOnly, stack), [
        `Grants roles/connectors.admin to runtime account serviceAccount:${email}: remove it from hubspot-trigger:admins.`,
      ]);
    }
  });
});
