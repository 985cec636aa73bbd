import { configKey, TYPES } from "../lib/conventions";
import { durationSeconds } from "../lib/pubsub";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { read, readString, UNKNOWN } from "../lib/values";

/**
 * Severity: medium. Protects against retry storms: without a retry policy Pub/Sub redelivers a failed push
 * immediately, hammering a dispatcher (and Application Integration's 50 concurrent executions) that is already
 * failing; an exponential backoff (0s..600s bounds, minimum <= maximum) spreads the retries.
 * https://cloud.google.com/pubsub/docs/handling-failures#exponential_backoff
 */
export const pushRetryPolicy: ResourceRule = {
  name: "hubspot-trigger-pubsub-push-retry-policy",
  description: "Every push subscription retries with exponential backoff between valid bounds.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    'Set `retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" }` (`hubspot-trigger:retry`), with ' +
    "0s <= minimum <= maximum <= 600s.",
  url: "https://cloud.google.com/pubsub/docs/handling-failures#exponential_backoff",
  validateResource: validateResourceOfTypes([TYPES.subscription], (props, _args, report) => {
    const push = read(props, "pushConfig");
    if (push === undefined || push === UNKNOWN) return;
    if (read(props, "retryPolicy") === undefined) {
      report(
        `Push subscription has no retryPolicy: failed pushes are redelivered immediately; set ${configKey("retry")}.`,
      );
      return;
    }
    const bounds: Record<string, number | undefined> = {};
    for (const field of ["minimumBackoff", "maximumBackoff"]) {
      const value = readString(props, `retryPolicy.${field}`);
      if (typeof value !== "string") continue;
      const seconds = durationSeconds(value);
      if (seconds === undefined || seconds > 600) {
        report(
          `retryPolicy.${field} is "${value}"; expected a duration like "10s" between 0s and 600s: set ${configKey(`retry.${field}`)}.`,
        );
      } else {
        bounds[field] = seconds;
      }
    }
    const { minimumBackoff: min, maximumBackoff: max } = bounds;
    if (min !== undefined && max !== undefined && min > max) {
      report(
        `retryPolicy.minimumBackoff (${min}s) is greater than retryPolicy.maximumBackoff (${max}s): fix ${configKey("retry.minimumBackoff")} or ${configKey("retry.maximumBackoff")}.`,
      );
    }
  }),
};
