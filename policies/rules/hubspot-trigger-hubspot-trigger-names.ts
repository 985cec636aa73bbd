import { RESOURCE_NAME_RULE, resourceNameProblems } from "../vendor/contract";
import { configKey, TYPES } from "../lib/conventions";
import { dispatcherTriggers } from "../lib/dispatcher-triggers";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";

/**
 * Severity: medium. Protects against trigger names the managed HubSpot trigger would refuse (and that then fail as
 * GCP resource names): the seed's rule is lowercase letters, digits and hyphens, a letter first, a letter or digit
 * last, at most 49 characters, no "goog" prefix; names must also be unique, since each names a subscription.
 * https://cloud.google.com/integration-connectors/docs/connectors/hubspot/configure#configure-the-connector
 */
export const triggerNames: ResourceRule = {
  name: "hubspot-trigger-hubspot-trigger-names",
  description: "Trigger names follow the HubSpot trigger's naming rules and are unique.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Rename the trigger in `hubspot-trigger:triggers`: 1-49 characters of [a-z0-9-], starting with a letter, ending " +
    'with a letter or digit, not starting with "goog", and unique within the stack.',
  url: "https://cloud.google.com/integration-connectors/docs/connectors/hubspot/configure",
  validateResource: validateResourceOfTypes([TYPES.cloudRunService], (props, _args, report) => {
    const triggers = dispatcherTriggers(props);
    if (triggers.kind === "invalid")
      report(
        `DISPATCHER_TRIGGERS ${triggers.problem}: expected [{"name", "eventTypes", ...}] built from ${configKey("triggers")}.`,
      );
    if (triggers.kind !== "parsed") return;
    const seen = new Set<string>();
    for (const trigger of triggers.value) {
      const problems = resourceNameProblems(trigger.name);
      if (problems.length > 0) {
        report(
          `Trigger name "${trigger.name}" ${problems.join(", ")} (${RESOURCE_NAME_RULE}): rename it in ${configKey("triggers")}.`,
        );
      }
      if (seen.has(trigger.name)) {
        report(`Trigger name "${trigger.name}" is used twice: rename one in ${configKey("triggers")}.`);
      }
      seen.add(trigger.name);
    }
  }),
};
