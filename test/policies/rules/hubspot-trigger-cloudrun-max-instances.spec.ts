import * as assert from "node:assert/strict";
import { maxInstances } from "../../../policies/rules/hubspot-trigger-cloudrun-max-instances";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
import { buildManagedStack, one } from "../support/stack";

describe("hubspot-trigger-cloudrun-max-instances", () => {
  it("accepts a template maximum and a service-level maximum", () => {
    const serviceLevel = one("listener", (inputs) => {
      delete (inputs.template.scaling as { maxInstanceCount?: number }).maxInstanceCount;
      Object.assign(inputs, { scaling: { maxInstanceCount: 20 } });
    });
    assert.deepEqual(messages(maxInstances, [one("listener"), serviceLevel]), []);
  });

  it("reports a service without maximum", () => {
    const unbounded = one("dispatcher", (inputs) => {
      delete (inputs.template as { scaling?: unknown }).scaling;
    });
    assert.deepEqual(messages(maxInstances, [unbounded]), [
      "Maximum instance count is unset: set hubspot-trigger:scaling.maxInstances to a positive number (template.scaling.maxInstanceCount).",
    ]);
  });

  it("waits for a maximum that is unknown during preview", () => {
    const props = { template: { scaling: { maxInstanceCount: UNKNOWN_STRING } } };
    assert.deepEqual(analyzeResource(maxInstances, "gcp:cloudrunv2/service:Service", props), []);
  });

  it("backend managed: holds with a connection and no listener service", () => {
    assert.deepEqual(messages(maxInstances, buildManagedStack()), []);
  });
});
