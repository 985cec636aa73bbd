// Backend `managed`: no Cloud Run listener and no PSC of it, an Integration Connectors connection instead. Every rule
// of the pack runs on that stack without crashing and without a violation, both ways rules run (offline evaluator at
// prod's levels; analyzer-like args through @pulumi/policy's unknown-checking proxy).
import * as assert from "node:assert/strict";
import { evaluatePolicies, loadPolicyConfig } from "../../policies/offline";
import { isStackRule } from "../../policies/lib/rule";
import { rules } from "../../policies/rules";
import { analyzeResource, analyzeStack } from "./support/harness";
import { buildManagedStack } from "./support/stack";

describe("the pack on a backend managed stack", () => {
  it("has a connection and no listener service or PSC attachment", () => {
    const types = buildManagedStack().map((r) => `${r.type}::${r.name}`);
    assert.ok(types.includes("gcp:integrationconnectors/connection:Connection::connection"));
    assert.ok(!types.includes("gcp:cloudrunv2/service:Service::listener"));
    assert.ok(!types.some((t) => t.startsWith("gcp:compute/serviceAttachment:ServiceAttachment")));
  });

  it("finds no violation with prod's config", () => {
    assert.deepEqual(evaluatePolicies(buildManagedStack(), loadPolicyConfig("prod")), []);
  });

  it("runs every rule through analyzer-like args without a violation or a crash", () => {
    const stack = buildManagedStack();
    for (const rule of rules) {
      if (isStackRule(rule)) {
        assert.deepEqual(analyzeStack(rule, stack), [], rule.name);
        continue;
      }
      for (const resource of stack) {
        const found = analyzeResource(rule, resource.type, resource.inputs);
        assert.ok(found === "n/a" || found.length === 0, `${rule.name} on ${resource.name}: ${String(found)}`);
      }
    }
  });
});
