import * as assert from "node:assert/strict";
import { pushRetryPolicy } from "../../../policies/rules/hubspot-trigger-pubsub-push-retry-policy";
import { messages } from "../support/harness";
import { one } from "../support/stack";

function withRetry(retryPolicy: unknown) {
  return one("triggerSubscription", (inputs) => {
    Object.assign(inputs, { retryPolicy });
    if (retryPolicy === undefined) delete (inputs as { retryPolicy?: unknown }).retryPolicy;
  });
}

describe("hubspot-trigger-pubsub-push-retry-policy", () => {
  it("accepts 10s..600s and Pub/Sub's defaults ({})", () => {
    assert.deepEqual(messages(pushRetryPolicy, [one("triggerSubscription"), withRetry({})]), []);
  });

  it("reports a push subscription without retry policy", () => {
    assert.deepEqual(messages(pushRetryPolicy, [withRetry(undefined)]), [
      "Push subscription has no retryPolicy: failed pushes are redelivered immediately; set hubspot-trigger:retry.",
    ]);
  });

  it("reports bounds out of range, malformed or inverted", () => {
    assert.deepEqual(
      messages(pushRetryPolicy, [
        withRetry({ minimumBackoff: "10m", maximumBackoff: "900s" }),
        withRetry({ minimumBackoff: "60s", maximumBackoff: "30s" }),
      ]),
      [
        'retryPolicy.minimumBackoff is "10m"; expected a duration like "10s" between 0s and 600s: set hubspot-trigger:retry.minimumBackoff.',
        'retryPolicy.maximumBackoff is "900s"; expected a duration like "10s" between 0s and 600s: set hubspot-trigger:retry.maximumBackoff.',
        "retryPolicy.minimumBackoff (60s) is greater than retryPolicy.maximumBackoff (30s): fix hubspot-trigger:retry.minimumBackoff or hubspot-trigger:retry.maximumBackoff.",
      ],
    );
  });
});
