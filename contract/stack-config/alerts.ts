import { z } from "zod";
import { describeValue, flag, integer, section, stringList } from "./fields";
import type { StringRule } from "./rules";

/**
 * The `alerts` key: Cloud Monitoring alert policies and a dashboard the stack declares (docs/alerts.md). Channels are
 * referenced, never created: PagerDuty, Slack and webhook channels carry credentials the on-call team owns, and one
 * channel usually serves many stacks.
 */

/**
 * A notification channel's resource name, as `gcloud beta monitoring channels list` prints it (the id is numeric).
 * https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.notificationChannels
 */
export const NOTIFICATION_CHANNEL: StringRule = {
  pattern: /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/notificationChannels\/[0-9]{1,20}$/,
  rule: "an existing notification channel as projects/PROJECT/notificationChannels/ID (`gcloud beta monitoring channels list`)",
};

/** A share in percent, more than 0 and at most 100 ("2.5" from `pulumi config set --path` is read as 2.5). */
function percent(fallback: number) {
  const rule = `must be a number of percent above 0 and at most 100 (default ${fallback})`;
  return z
    .preprocess(
      (value) => (typeof value === "string" && /^\d+(?:\.\d+)?$/.test(value.trim()) ? Number(value) : value),
      z
        .number({ error: (iss) => `got ${describeValue(iss.input)}, not a number; ${rule}` })
        .gt(0, { error: (iss) => `${String(iss.input)} is out of range; ${rule}` })
        .max(100, { error: (iss) => `${String(iss.input)} is out of range; ${rule}` }),
    )
    .default(fallback);
}

export const alertsSchema = section({
  enabled: flag(true).meta({
    rule: "declare the alert policies, their log-based metrics and the dashboard ([alerts](alerts.md))",
  }),
  notificationChannels: stringList(NOTIFICATION_CHANNEL).meta({
    docType: "list",
    rule: "existing channels every alert notifies; the policy pack requires at least one in production stacks",
  }),
  deadLetterBacklog: integer({ min: 0, max: 1_000_000, default: 0 }).meta({
    rule: "0..1000000; alert when the dead-letter retention subscription holds more messages than this",
  }),
  messageAgeSeconds: integer({ min: 60, max: 604_800, default: 900 }).meta({
    rule: "60..604800; alert when a trigger's push subscription holds a message older than this",
  }),
  listener5xxPercent: percent(5).meta({
    docType: "number",
    rule: "(0, 100]; alert when this share of the listener's requests over `windowSeconds` is answered 5xx",
  }),
  signatureRejectionPercent: percent(10).meta({
    docType: "number",
    rule: "(0, 100]; alert when this share of the listener's requests over `windowSeconds` fails signature checks",
  }),
  executionFailurePercent: percent(10).meta({
    docType: "number",
    rule: "(0, 100]; alert when this share of integration executions over `windowSeconds` fails",
  }),
  windowSeconds: integer({ min: 60, max: 3600, default: 300 }).meta({
    rule: "60..3600; the sliding window the three ratios are computed over",
  }),
}).prefault({});

export const ALERTS_DEFAULTS = alertsSchema.parse({});
