import * as assert from "node:assert/strict";
import { alertChannels } from "../../../policies/rules/hubspot-trigger-monitoring-alert-channels";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
import { one } from "../support/stack";

const TYPE = "gcp:monitoring/alertPolicy:AlertPolicy";

describe("hubspot-trigger-monitoring-alert-channels", () => {
  it("accepts an enabled policy with a channel", () => {
    assert.deepEqual(messages(alertChannels, [one("ageAlert"), one("deadLetterAlert")]), []);
  });

  it("reports a policy without channels, named by its display name, pointing at the config key", () => {
    const none = one("deadLetterAlert", (inputs) => {
      inputs.notificationChannels = [];
    });
    const absent = one("ageAlert", (inputs) => {
      delete (inputs as { notificationChannels?: unknown }).notificationChannels;
    });
    assert.deepEqual(messages(alertChannels, [none, absent]), [
      'Alert policy "hubspot/prod: dead-letter backlog" notifies no channel: its incidents open in the console only; set hubspot-trigger:alerts.notificationChannels.',
      'Alert policy "hubspot/prod: trigger deal-sync falling behind" notifies no channel: its incidents open in the console only; set hubspot-trigger:alerts.notificationChannels.',
    ]);
  });

  it("reports a disabled policy", () => {
    const disabled = one("deadLetterAlert", (inputs) => {
      inputs.enabled = false;
    });
    assert.deepEqual(messages(alertChannels, [disabled]), [
      'Alert policy "hubspot/prod: dead-letter backlog" is disabled: it never opens an incident; keep hubspot-trigger:alerts.enabled true.',
    ]);
  });

  it("is mandatory in prod and advisory in dev, as the environments' policy configs say", async () => {
    const { readFile } = await import("node:fs/promises");
    const levelOf = async (env: string) =>
      (
        JSON.parse(await readFile(`policies/config/${env}.json`, "utf8")) as Record<
          string,
          { enforcementLevel?: string }
        >
      )[alertChannels.name]?.enforcementLevel;
    assert.equal(await levelOf("prod"), "mandatory");
    assert.equal(await levelOf("dev"), "advisory");
  });

  it("trusts channels not known yet and skips other types, through the analyzer's unknown-checking props", () => {
    const inputs = one("ageAlert").inputs;
    assert.deepEqual(analyzeResource(alertChannels, TYPE, { ...inputs, notificationChannels: UNKNOWN_STRING }), []);
    assert.deepEqual(analyzeResource(alertChannels, TYPE, { ...inputs, notificationChannels: [] }), [
      'Alert policy "hubspot/prod: trigger deal-sync falling behind" notifies no channel: its incidents open in the console only; set hubspot-trigger:alerts.notificationChannels.',
    ]);
    assert.equal(analyzeResource(alertChannels, "gcp:pubsub/topic:Topic", {}), "n/a");
  });
});
