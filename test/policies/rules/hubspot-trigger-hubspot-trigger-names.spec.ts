import * as assert from "node:assert/strict";
import { RESOURCE_NAME_RULE } from "../../../policies/vendor/contract";
import { triggerNames } from "../../../policies/rules/hubspot-trigger-hubspot-trigger-names";
import { messages } from "../support/harness";
import { DISPATCHER_TRIGGERS, one } from "../support/stack";

function dispatcherWithTriggers(triggers: unknown) {
  return one("dispatcher", (inputs) => {
    inputs.template.containers[0].envs[1] = { name: "DISPATCHER_TRIGGERS", value: JSON.stringify(triggers) };
  });
}

describe("hubspot-trigger-hubspot-trigger-names", () => {
  it("accepts the seed's names", () => {
    assert.deepEqual(messages(triggerNames, [one("dispatcher"), one("listener")]), []);
  });

  it("names each name that breaks the seed's rule, with the rule", () => {
    const base = DISPATCHER_TRIGGERS[0];
    const bad = ["Deal_Sync", "google-sync", "x".repeat(50), "deal-"].map((name) => ({ ...base, name }));
    const rule = `(${RESOURCE_NAME_RULE}): rename it in hubspot-trigger:triggers.`;
    assert.deepEqual(messages(triggerNames, [dispatcherWithTriggers(bad)]), [
      `Trigger name "Deal_Sync" contains uppercase letters, contains characters other than a-z, 0-9 and - ${rule}`,
      `Trigger name "google-sync" starts with "goog" ${rule}`,
      `Trigger name "${"x".repeat(50)}" is 50 characters long ${rule}`,
      `Trigger name "deal-" does not end with a letter or digit ${rule}`,
    ]);
  });

  it("reports a name used twice", () => {
    const twice = [DISPATCHER_TRIGGERS[0], { ...DISPATCHER_TRIGGERS[0], eventTypes: ["deal.deletion"] }];
    assert.deepEqual(messages(triggerNames, [dispatcherWithTriggers(twice)]), [
      'Trigger name "deal-sync" is used twice: rename one in hubspot-trigger:triggers.',
    ]);
  });

  it("reports a DISPATCHER_TRIGGERS value that is not a list of triggers", () => {
    const broken = one("dispatcher", (inputs) => {
      inputs.template.containers[0].envs[1] = { name: "DISPATCHER_TRIGGERS", value: "{not json" };
    });
    const [message] = messages(triggerNames, [broken]);
    assert.match(
      message,
      /^DISPATCHER_TRIGGERS is not JSON \(.+\): expected \[\{"name", "eventTypes", \.\.\.\}\] built from hubspot-trigger:triggers\.$/,
    );
    assert.deepEqual(messages(triggerNames, [dispatcherWithTriggers([{ name: "a" }])]), [
      'DISPATCHER_TRIGGERS entry 0 ("a") has no "eventTypes" array of strings: expected [{"name", "eventTypes", ...}] built from hubspot-trigger:triggers.',
    ]);
  });
});
