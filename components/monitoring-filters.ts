/**
 * The Cloud Monitoring and Cloud Logging filters the alerts and the dashboard read: metric types and their labels
 * (Google's), and the log lines the runtime writes (ours). Internal. Exported for testing: test/components/
 * monitoring-filters.spec.ts runs the listener and the dispatcher and matches these log filters against the lines they
 * really write.
 */

/**
 * Built-in metric types and the labels the filters use, from Google's metric list
 * (https://cloud.google.com/monitoring/api/metrics_gcp):
 * - run.googleapis.com/request_count: DELTA INT64 on `cloud_run_revision` (resource label `service_name`), metric
 *   label `response_code_class` ("2xx", "4xx", "5xx"...);
 * - pubsub.googleapis.com/subscription/num_undelivered_messages and .../oldest_unacked_message_age (seconds): GAUGE
 *   INT64 on `pubsub_subscription` (resource label `subscription_id`, the subscription's short name).
 */
export const METRIC = {
  requestCount: "run.googleapis.com/request_count",
  undeliveredMessages: "pubsub.googleapis.com/subscription/num_undelivered_messages",
  oldestUnackedAge: "pubsub.googleapis.com/subscription/oldest_unacked_message_age",
} as const;

/** A user-defined log-based metric's type (https://cloud.google.com/logging/docs/logs-based-metrics#user-metrics). */
export function logMetricType(metricName: string): string {
  return `logging.googleapis.com/user/${metricName}`;
}

/** A filter string literal: double quotes, with `\` and `"` escaped (https://cloud.google.com/logging/docs/view/logging-query-language#values_conversions). */
export function quoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Requests reaching a Cloud Run service (every revision); `responseClass` narrows to "5xx", "2xx"... */
export function requestCountFilter(service: string, responseClass?: string): string {
  return [
    `metric.type=${quoted(METRIC.requestCount)}`,
    `resource.type="cloud_run_revision"`,
    `resource.label.service_name=${quoted(service)}`,
    ...(responseClass === undefined ? [] : [`metric.label.response_code_class=${quoted(responseClass)}`]),
  ].join(" AND ");
}

/** A Pub/Sub subscription metric of one subscription, by short name (the `subscription_id` resource label). */
export function subscriptionFilter(metricType: string, subscriptionId: string): string {
  return [
    `metric.type=${quoted(metricType)}`,
    `resource.type="pubsub_subscription"`,
    `resource.label.subscription_id=${quoted(subscriptionId)}`,
  ].join(" AND ");
}

/** A log-based metric's series, optionally narrowed by metric labels (`metric.label.<key>`; `!=` when negated). */
export function logMetricFilter(
  metricName: string,
  labels: readonly { key: string; value: string; not?: boolean }[] = [],
): string {
  return [
    `metric.type=${quoted(logMetricType(metricName))}`,
    `resource.type="cloud_run_revision"`,
    ...labels.map((label) => `metric.label.${label.key}${label.not ? "!=" : "="}${quoted(label.value)}`),
  ].join(" AND ");
}

/** `projects/P/subscriptions/S` or `S` -> `S`, the `subscription_id` label's form. */
export function subscriptionShortName(subscription: string): string {
  return subscription.slice(subscription.lastIndexOf("/") + 1);
}

/**
 * The log lines these filters select, as runtime/listener/handler.ts and runtime/dispatcher/push-handler.ts write
 * them: one JSON object per line on stdout, which Cloud Run's agent turns into a LogEntry with `severity` at the top
 * level and the other fields (`message` included) under `jsonPayload`
 * (https://cloud.google.com/logging/docs/structured-logging#special-payload-fields).
 */
export const LOG_LINES = {
  /** Every 401 of a signature check (missing, malformed, mismatching, stale...): `reason` says which. */
  signatureRejected: { severity: "WARNING", message: "rejected: signature" },
  executed: { message: "integration executed" },
  executionFailed: { message: "integration execution failed; Pub/Sub will redeliver" },
  /** Dead-lettered by the dispatcher; `reason` starts with `integration-` when the integration refused it. */
  deadLettered: { message: "message dead-lettered", integrationReasonPattern: "^integration-" },
} as const;

function serviceLogs(service: string): string {
  return `resource.type="cloud_run_revision" AND resource.labels.service_name=${quoted(service)}`;
}

/** The listener's signature rejections: one entry per refused request. */
export function signatureRejectionLogFilter(listenerService: string): string {
  const line = LOG_LINES.signatureRejected;
  return `${serviceLogs(listenerService)} AND severity=${line.severity} AND jsonPayload.message=${quoted(line.message)}`;
}

/**
 * The dispatcher's integration executions, whatever their outcome: one entry per `:execute` call answered or not
 * (a timeout and an unreachable integration count as failed); events it skipped or could not read are not executions.
 */
export function executionLogFilter(dispatcherService: string): string {
  const { executed, executionFailed, deadLettered } = LOG_LINES;
  return (
    `${serviceLogs(dispatcherService)} AND (jsonPayload.message=${quoted(executed.message)}` +
    ` OR jsonPayload.message=${quoted(executionFailed.message)}` +
    ` OR (jsonPayload.message=${quoted(deadLettered.message)} AND jsonPayload.reason=~${quoted(deadLettered.integrationReasonPattern)}))`
  );
}

/** The `outcome` label value of a successful execution; every other value is a failure. */
export const EXECUTED_OUTCOME = "executed";
