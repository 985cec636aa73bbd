import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readArray, readBoolean, readString, UNKNOWN } from "../lib/values";

/**
 * Severity: high. Protects against alerts nobody hears: a policy without a notification channel opens its incident
 * in the console only, so the dead letter fills or signatures fail for hours before anyone looks; a disabled policy
 * does not even do that. Mandatory in prod, advisory in dev, where a console-only alert is a normal first step
 * (policies/config/<env>.json).
 * https://cloud.google.com/monitoring/support/notification-options
 */
export const alertChannels: ResourceRule = {
  name: "hubspot-trigger-monitoring-alert-channels",
  description: "Alert policies are enabled and notify at least one notification channel.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "List the on-call team's channels (`gcloud beta monitoring channels list`) in " +
    "`hubspot-trigger:alerts.notificationChannels` as projects/PROJECT/notificationChannels/ID.",
  url: "https://cloud.google.com/monitoring/support/notification-options",
  validateResource: validateResourceOfTypes([TYPES.alertPolicy], (props, _args, report) => {
    const name = readString(props, "displayName");
    const policy = typeof name === "string" ? `Alert policy "${name}"` : "The alert policy";
    const channels = readArray(props, "notificationChannels");
    if (channels !== UNKNOWN && (channels === undefined || channels.length === 0)) {
      report(
        `${policy} notifies no channel: its incidents open in the console only; set ${configKey("alerts.notificationChannels")}.`,
      );
    }
    if (readBoolean(props, "enabled") === false) {
      report(`${policy} is disabled: it never opens an incident; keep ${configKey("alerts.enabled")} true.`);
    }
  }),
};
