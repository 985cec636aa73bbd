import * as assert from "node:assert/strict";
import { pushDeadLetterPolicy } from "../../../policies/rules/hubspot-trigger-pubsub-push-dead-letter-policy";
import { messages } from "../support/harness";
import { one } from "../support/stack";

describe("hubspot-trigger-pubsub-push-dead-letter-policy", () => {
  it("accepts a push subscription with a dead-letter topic and 10 attempts, and ignores pull subscriptions", () => {
    assert.deepEqual(messages(pushDeadLetterPolicy, [one("triggerSubscription"), one("deadLetterSubscription")]), []);
  });

  it("reports a push subscription without dead-letter topic", () => {
    const sub = one("triggerSubscription", (inputs) => {
      delete (inputs as { deadLetterPolicy?: unknown }).deadLetterPolicy;
    });
    assert.deepEqual(messages(pushDeadLetterPolicy, [sub]), [
      "Push subscription has no dead-letter topic (deadLetterPolicy.deadLetterTopic): check hubspot-trigger:deadLetter.",
    ]);
  });

  it("reports delivery attempts outside 5..100", () => {
    const subs = [4, 101].map((attempts) =>
      one("triggerSubscription", (inputs) => {
        inputs.deadLetterPolicy.maxDeliveryAttempts = attempts;
      }),
    );
    assert.deepEqual(messages(pushDeadLetterPolicy, subs), [
      "deadLetterPolicy.maxDeliveryAttempts is 4; Pub/Sub accepts an integer from 5 to 100: set hubspot-trigger:deadLetter.maxDeliveryAttempts.",
      "deadLetterPolicy.maxDeliveryAttempts is 101; Pub/Sub accepts an integer from 5 to 100: set hubspot-trigger:deadLetter.maxDeliveryAttempts.",
    ]);
  });
});
