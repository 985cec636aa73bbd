// docs/policies.md's rule table is generated (scripts/generate/policies-doc.ts); the staleness test checks the page
// is current, this checks that what it writes is what the pack does.
import * as assert from "node:assert/strict";
import { ruleTable } from "../../scripts/generate/policies-doc";
import { isStackRule } from "../../policies/lib/rule";
import { rules } from "../../policies/rules";
import { effectiveLevel, loadPolicyConfig } from "../../policies/offline";

const rows = () =>
  ruleTable()
    .trimEnd()
    .split("\n")
    .slice(2)
    .map((line) =>
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.replace(/\\\|/g, "|")),
    );

describe("docs/policies.md rule table", () => {
  it("has one row per rule, in the pack's order, with its scope, severity and description", () => {
    assert.deepEqual(
      rows().map(([name, scope, severity, , , description]) => [name, scope, severity, description]),
      rules.map((rule) => [
        `\`${rule.name}\``,
        isStackRule(rule) ? "stack" : "resource",
        rule.severity,
        rule.description,
      ]),
    );
  });

  it("shows the level each environment's config gives a rule, as the offline evaluator reads it", () => {
    const [dev, prod] = [loadPolicyConfig("dev"), loadPolicyConfig("prod")];
    assert.deepEqual(
      rows().map(([, , , devLevel, prodLevel]) => [devLevel, prodLevel]),
      rules.map((rule) => [effectiveLevel(rule, dev), effectiveLevel(rule, prod)]),
    );
    assert.ok(
      rows().some(([, , , devLevel]) => devLevel === "advisory"),
      "dev relaxes some rule",
    );
  });
});
