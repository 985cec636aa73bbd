import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readNumber, UNKNOWN } from "../lib/values";

/**
 * Severity: medium. Protects against unbounded cost and downstream overload: without a maximum, a burst of HubSpot
 * events (or a retry storm) scales Cloud Run up to the regional quota, and every dispatcher instance calls
 * Application Integration, whose project quota is 50 concurrent executions.
 * https://cloud.google.com/run/docs/configuring/max-instances
 */
export const maxInstances: ResourceRule = {
  name: "hubspot-trigger-cloudrun-max-instances",
  description: "Every Cloud Run service sets a maximum instance count.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set `template.scaling.maxInstanceCount` (`hubspot-trigger:scaling.maxInstances`, default 50).",
  url: "https://cloud.google.com/run/docs/configuring/max-instances",
  validateResource: validateResourceOfTypes([TYPES.cloudRunService], (props, _args, report) => {
    const template = readNumber(props, "template.scaling.maxInstanceCount");
    const service = readNumber(props, "scaling.maxInstanceCount");
    if (template === UNKNOWN || service === UNKNOWN) return;
    const max = template ?? service;
    if (max === undefined || max <= 0) {
      report(
        `Maximum instance count is ${max ?? "unset"}: set ${configKey("scaling.maxInstances")} to a positive number (template.scaling.maxInstanceCount).`,
      );
    }
  }),
};
