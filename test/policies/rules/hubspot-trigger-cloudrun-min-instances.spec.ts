import * as assert from "node:assert/strict";
import { minInstances } from "../../../policies/rules/hubspot-trigger-cloudrun-min-instances";
import { messages } from "../support/harness";
import { buildManagedStack, one } from "../support/stack";

function withMin(min: number | undefined) {
  return one("listener", (inputs) => {
    if (min === undefined) delete (inputs.template.scaling as { minInstanceCount?: number }).minInstanceCount;
    else inputs.template.scaling.minInstanceCount = min;
  });
}

describe("hubspot-trigger-cloudrun-min-instances", () => {
  it("accepts two warm instances", () => {
    assert.deepEqual(messages(minInstances, [withMin(2)]), []);
  });

  it("reports zero and unset minimums", () => {
    assert.deepEqual(messages(minInstances, [withMin(0), withMin(undefined)]), [
      "Minimum instance count is 0; at least 1 warm instance(s) required: raise hubspot-trigger:scaling.minInstances.",
      "Minimum instance count is 0; at least 1 warm instance(s) required: raise hubspot-trigger:scaling.minInstances.",
    ]);
  });

  it("takes the minimum from the policy config", () => {
    const config = { "hubspot-trigger-cloudrun-min-instances": { minimum: 3 } };
    assert.deepEqual(messages(minInstances, [withMin(2)], config), [
      "Minimum instance count is 2; at least 3 warm instance(s) required: raise hubspot-trigger:scaling.minInstances.",
    ]);
  });

  it("backend managed: holds with a connection and no listener service", () => {
    assert.deepEqual(messages(minInstances, buildManagedStack()), []);
  });
});
