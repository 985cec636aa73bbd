import type { PolicyResource } from "@pulumi/policy";
import { configKey, TYPES } from "../lib/conventions";
import { subscriptions } from "../lib/pubsub";
import { componentOf, type StackRule } from "../lib/rule";
import { read, readArray, readString, UNKNOWN } from "../lib/values";

/**
 * Pub/Sub's subscription metrics (https://cloud.google.com/monitoring/api/metrics_gcp#gcp-pubsub), labelled by the
 * subscription's short name in the `subscription_id` resource label.
 */
const OLDEST_UNACKED_AGE = "pubsub.googleapis.com/subscription/oldest_unacked_message_age";
const UNDELIVERED_MESSAGES = "pubsub.googleapis.com/subscription/num_undelivered_messages";

/** The condition filters of the stack's alert policies; undefined when one is not known yet (a first preview). */
function conditionFilters(resources: PolicyResource[]): string[] | undefined {
  const filters: string[] = [];
  for (const policy of resources.filter((r) => r.type === TYPES.alertPolicy)) {
    const conditions = readArray(policy.props, "conditions");
    if (conditions === UNKNOWN) return undefined;
    for (const condition of conditions ?? []) {
      const filter = readString(condition, "conditionThreshold.filter");
      if (filter === UNKNOWN) return undefined;
      if (typeof filter === "string") filters.push(filter);
    }
  }
  return filters;
}

/** Whether a filter selects `metricType` of exactly this subscription. */
function watches(filter: string, metricType: string, subscription: string): boolean {
  const metric = /metric\.type\s*=\s*"([^"]+)"/.exec(filter)?.[1];
  const id = /resource\.labels?\.subscription_id\s*=\s*"([^"]+)"/.exec(filter)?.[1];
  return metric === metricType && id === subscription;
}

/**
 * Severity: medium. Protects against a backlog nobody sees: a trigger whose integration keeps failing fills its push
 * subscription and then the dead letter, which keeps events only `deadLetter.retentionDays`. Every push subscription
 * needs an alert on its oldest unacknowledged message's age, every dead-letter retention subscription one on its
 * undelivered messages. Mandatory in prod, advisory in dev (policies/config/<env>.json).
 * https://cloud.google.com/pubsub/docs/monitoring#monitor_message_backlog
 */
export const backlogAlerts: StackRule = {
  name: "hubspot-trigger-monitoring-backlog-alerts",
  description: "Every push subscription has a message-age alert and every dead-letter subscription a backlog alert.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Keep `hubspot-trigger:alerts.enabled` true: the stack then declares one oldest_unacked_message_age policy per " +
    "trigger subscription and a num_undelivered_messages policy on the dead-letter subscription.",
  url: "https://cloud.google.com/pubsub/docs/monitoring#monitor_message_backlog",
  validateStack: (args, report) => {
    const filters = conditionFilters(args.resources);
    if (filters === undefined) return;
    for (const subscription of subscriptions(args.resources)) {
      const name = readString(subscription.props, "name");
      if (typeof name !== "string") continue;
      const isPush = read(subscription.props, "pushConfig.pushEndpoint") !== undefined;
      const isDeadLetter = componentOf(subscription) === "dead-letter";
      if (isPush && !filters.some((filter) => watches(filter, OLDEST_UNACKED_AGE, name))) {
        report(
          `Push subscription ${name} has no alert on its oldest unacknowledged message age: a failing trigger goes unnoticed; keep ${configKey("alerts.enabled")} true.`,
          subscription.urn,
        );
      }
      if (isDeadLetter && !filters.some((filter) => watches(filter, UNDELIVERED_MESSAGES, name))) {
        report(
          `Dead-letter subscription ${name} has no alert on its undelivered messages: events expire there unseen; keep ${configKey("alerts.enabled")} true.`,
          subscription.urn,
        );
      }
    }
  },
};
