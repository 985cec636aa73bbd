import * as assert from "node:assert/strict";
import { maxConcurrentRequests } from "../../../policies/rules/hubspot-trigger-hubspot-max-concurrent-requests";
import { messages } from "../support/harness";
import { one } from "../support/stack";

describe("hubspot-trigger-hubspot-max-concurrent-requests", () => {
  it("accepts 5 and more", () => {
    const five = one("webhookSettings", (inputs) => {
      inputs.maxConcurrentRequests = 5;
    });
    assert.deepEqual(messages(maxConcurrentRequests, [one("webhookSettings"), five]), []);
  });

  it("reports fewer than 5", () => {
    const four = one("webhookSettings", (inputs) => {
      inputs.maxConcurrentRequests = 4;
    });
    assert.deepEqual(messages(maxConcurrentRequests, [four]), [
      "maxConcurrentRequests is 4; HubSpot requires at least 5: raise hubspot-trigger:registration.maxConcurrentRequests.",
    ]);
  });
});
