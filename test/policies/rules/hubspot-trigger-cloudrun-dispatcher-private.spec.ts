import * as assert from "node:assert/strict";
import { dispatcherPrivate } from "../../../policies/rules/hubspot-trigger-cloudrun-dispatcher-private";
import { messages } from "../support/harness";
import { buildExistingStack, buildManagedStack, buildStack, EXISTING_ACCOUNTS, MEMBERS } from "../support/stack";

describe("hubspot-trigger-cloudrun-dispatcher-private", () => {
  it("accepts an internal dispatcher invoked by the push identity only", () => {
    assert.deepEqual(messages(dispatcherPrivate, buildStack()), []);
  });

  it("reports public ingress, disabled IAM checks and another invoker", () => {
    const stack = buildStack((s) => {
      Object.assign(s.dispatcher.inputs, { ingress: "INGRESS_TRAFFIC_ALL", invokerIamDisabled: true });
      s.dispatcherInvoker.inputs.member = MEMBERS.listener;
    });
    assert.deepEqual(messages(dispatcherPrivate, stack), [
      "Dispatcher ingress is INGRESS_TRAFFIC_ALL; it must be internal.",
      "Dispatcher has invokerIamDisabled: anyone who reaches it can invoke it.",
      `${MEMBERS.listener} may invoke the dispatcher; only the push identity may.`,
    ]);
  });

  it("reports an unset ingress, which Cloud Run opens to all traffic", () => {
    const stack = buildStack((s) => {
      delete (s.dispatcher.inputs as { ingress?: string }).ingress;
    });
    assert.deepEqual(messages(dispatcherPrivate, stack), [
      "Dispatcher ingress is unset (INGRESS_TRAFFIC_ALL); it must be internal.",
    ]);
  });

  it("does not apply the rule to the public listener", () => {
    const stack = buildStack((s) => {
      s.listener.inputs.ingress = "INGRESS_TRAFFIC_ALL";
    });
    assert.deepEqual(messages(dispatcherPrivate, stack), []);
  });

  it("with an existing push account, accepts it (the push subscriptions sign as it) and reports another invoker", () => {
    assert.deepEqual(messages(dispatcherPrivate, buildExistingStack()), []);
    const stack = buildExistingStack((s) => {
      s.dispatcherInvoker.inputs.member = `serviceAccount:${EXISTING_ACCOUNTS.listener}`;
    });
    assert.deepEqual(messages(dispatcherPrivate, stack), [
      `serviceAccount:${EXISTING_ACCOUNTS.listener} may invoke the dispatcher; only the push identity may.`,
    ]);
  });

  it("backend managed: holds with a connection and no listener service", () => {
    assert.deepEqual(messages(dispatcherPrivate, buildManagedStack()), []);
  });
});
