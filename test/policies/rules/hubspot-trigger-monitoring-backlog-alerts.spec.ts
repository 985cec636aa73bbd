import * as assert from "node:assert/strict";
import { backlogAlerts } from "../../../policies/rules/hubspot-trigger-monitoring-backlog-alerts";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildStack } from "../support/stack";

const NO_AGE_ALERT =
  "Push subscription hubspot-prod-trigger-deal-sync has no alert on its oldest unacknowledged message age: a failing trigger goes unnoticed; keep hubspot-trigger:alerts.enabled true.";
const NO_BACKLOG_ALERT =
  "Dead-letter subscription hubspot-prod-dead-letter-retention has no alert on its undelivered messages: events expire there unseen; keep hubspot-trigger:alerts.enabled true.";

describe("hubspot-trigger-monitoring-backlog-alerts", () => {
  it("accepts a push subscription with its age alert and a dead-letter subscription with its backlog alert", () => {
    assert.deepEqual(messages(backlogAlerts, buildStack()), []);
  });

  it("reports both when the stack declares no alert policy (alerts.enabled false)", () => {
    const stack = buildStack().filter((r) => r.type !== "gcp:monitoring/alertPolicy:AlertPolicy");
    assert.deepEqual(messages(backlogAlerts, stack), [NO_AGE_ALERT, NO_BACKLOG_ALERT]);
  });

  it("needs the right metric on the right subscription: another subscription's alert or metric does not count", () => {
    const otherSubscription = buildStack((s) => {
      s.ageAlert.inputs.conditions[0].conditionThreshold.filter =
        s.ageAlert.inputs.conditions[0].conditionThreshold.filter.replace("deal-sync", "contact-sync");
    });
    assert.deepEqual(messages(backlogAlerts, otherSubscription), [NO_AGE_ALERT]);
    const wrongMetric = buildStack((s) => {
      s.deadLetterAlert.inputs.conditions[0].conditionThreshold.filter =
        s.deadLetterAlert.inputs.conditions[0].conditionThreshold.filter.replace(
          "num_undelivered_messages",
          "oldest_unacked_message_age",
        );
    });
    assert.deepEqual(messages(backlogAlerts, wrongMetric), [NO_BACKLOG_ALERT]);
  });

  it("trusts filters not known yet (a first preview), through the analyzer's unknown-checking props", () => {
    const unknown = buildStack((s) => {
      s.ageAlert.inputs.conditions[0].conditionThreshold.filter = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(backlogAlerts, unknown), []);
    const withoutAlerts = buildStack().filter((r) => r.type !== "gcp:monitoring/alertPolicy:AlertPolicy");
    assert.deepEqual(analyzeStack(backlogAlerts, withoutAlerts), [NO_AGE_ALERT, NO_BACKLOG_ALERT]);
  });
});
