import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { LabelArgs, resourceLabels } from "./labels";
import { dashboardJson } from "./monitoring-dashboard";
import {
  EXECUTED_OUTCOME,
  executionLogFilter,
  logMetricFilter,
  METRIC,
  requestCountFilter,
  signatureRejectionLogFilter,
  subscriptionFilter,
  subscriptionShortName,
} from "./monitoring-filters";
import {
  deadLetterBacklogText,
  executionFailureText,
  listenerErrorsText,
  messageAgeText,
  signatureRejectionText,
  type AlertText,
  type RunbookContext,
} from "./monitoring-runbook";

/** The thresholds of the alerts (`alerts` in the stack config, every default applied). */
export interface AlertThresholds {
  readonly deadLetterBacklog: number;
  readonly messageAgeSeconds: number;
  readonly listener5xxPercent: number;
  readonly signatureRejectionPercent: number;
  readonly executionFailurePercent: number;
  readonly windowSeconds: number;
}

export interface MonitoringArgs extends LabelArgs {
  /** Where the policies, log-based metrics and dashboard live: the project whose metrics scope holds the stack. */
  readonly project: pulumi.Input<string>;
  /** `connectionName/environment`: starts every policy's name and notification subject. */
  readonly stackName: string;
  /** Absent with the managed backend: no listener metric, charts or policies. */
  readonly listenerService?: pulumi.Input<string>;
  readonly dispatcherService: pulumi.Input<string>;
  readonly deadLetterProject: pulumi.Input<string>;
  /** The dead-letter retention subscription, `projects/P/subscriptions/S` or `S`. */
  readonly deadLetterSubscription: pulumi.Input<string>;
  /** One push subscription per trigger. */
  readonly triggers: readonly { readonly name: string; readonly subscription: pulumi.Input<string> }[];
  /** Existing channels (`projects/P/notificationChannels/N`) every policy notifies. */
  readonly notificationChannels: readonly string[];
  readonly thresholds: AlertThresholds;
}

/** Gauges (backlog, age) are sampled every minute by Pub/Sub; their alerts fire on the first sample above. */
const GAUGE_ALIGNMENT = "60s";

type Condition = gcp.types.input.monitoring.AlertPolicyCondition;

function seconds(value: number): string {
  return `${value}s`;
}

/** A gauge above a threshold: the largest sample of the last minute. */
function gaugeAbove(displayName: string, filter: pulumi.Input<string>, threshold: number): Condition {
  return {
    displayName,
    conditionThreshold: {
      filter,
      comparison: "COMPARISON_GT",
      thresholdValue: threshold,
      duration: "0s",
      trigger: { count: 1 },
      aggregations: [{ alignmentPeriod: GAUGE_ALIGNMENT, perSeriesAligner: "ALIGN_MAX" }],
    },
  };
}

/**
 * numerator / denominator over a sliding window, above `percent`. Both sides are DELTA INT64 counts summed into one
 * series each, as a ratio condition requires
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies#MetricThreshold).
 */
function ratioAbove(
  displayName: string,
  numerator: pulumi.Input<string>,
  denominator: pulumi.Input<string>,
  percent: number,
  windowSeconds: number,
): Condition {
  const sum = [
    { alignmentPeriod: seconds(windowSeconds), perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM" },
  ];
  return {
    displayName,
    conditionThreshold: {
      filter: numerator,
      denominatorFilter: denominator,
      comparison: "COMPARISON_GT",
      thresholdValue: percent / 100,
      duration: "0s",
      trigger: { count: 1 },
      aggregations: sum,
      denominatorAggregations: sum,
    },
  };
}

/**
 * The stack's Cloud Monitoring alert policies (dead-letter backlog, one message-age policy per trigger, listener 5xx
 * ratio, signature-rejection share, integration-execution failure share), the two log-based metrics the last two
 * read, and one dashboard with these series and the delivery rate. docs/alerts.md describes each.
 */
export class TriggerMonitoring extends pulumi.ComponentResource {
  /** Keyed `dead-letter`, `age-<trigger>`, `listener-5xx`, `signature-rejections`, `execution-failures`. */
  readonly policies: Record<string, gcp.monitoring.AlertPolicy> = {};
  /** Undefined with the managed backend (no listener logs). */
  readonly signatureRejections?: gcp.logging.Metric;
  readonly executions: gcp.logging.Metric;
  readonly dashboard: gcp.monitoring.Dashboard;
  /** The dashboard in the Cloud console; every policy's notification links to it. */
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:monitoring:TriggerMonitoring", name, {}, opts);
    const child = { parent: this };
    const t = args.thresholds;
    const userLabels = resourceLabels(args, "monitoring");
    const dashboardName = `HubSpot trigger ${args.stackName}`;
    const context: pulumi.Output<RunbookContext> = pulumi
      .all([
        args.project,
        args.listenerService,
        args.dispatcherService,
        args.deadLetterProject,
        args.deadLetterSubscription,
      ])
      .apply(([project, listenerService, dispatcherService, deadLetterProject, deadLetterSubscription]) => ({
        stack: args.stackName,
        project,
        ...(listenerService !== undefined && { listenerService }),
        dispatcherService,
        deadLetterProject,
        deadLetterSubscription: subscriptionShortName(deadLetterSubscription),
      }));

    // Alert policies see the metrics of their project's metrics scope only.
    pulumi.all([args.project, args.deadLetterProject]).apply(([project, deadLetterProject]) => {
      if (project === deadLetterProject) return;
      void pulumi.log.warn(
        `the dead-letter backlog alert lives in ${project} and watches a subscription of ${deadLetterProject}: add ` +
          `${deadLetterProject} to ${project}'s metrics scope, or the alert never sees a message (docs/alerts.md)`,
        this,
      );
    });

    // Metric names only need to be unique in the project: the service names already are (they carry the suffix).
    const listenerService = args.listenerService;
    const signatureRejections =
      listenerService === undefined
        ? undefined
        : new gcp.logging.Metric(
            `${name}-signature-rejections`,
            {
              project: args.project,
              name: pulumi.interpolate`${listenerService}-signature-rejections`,
              description: "HubSpot webhook requests the listener refused with 401 after a signature check, by reason.",
              filter: pulumi.output(listenerService).apply(signatureRejectionLogFilter),
              metricDescriptor: {
                metricKind: "DELTA",
                valueType: "INT64",
                unit: "1",
                labels: [
                  { key: "reason", valueType: "STRING", description: "signature-mismatch, timestamp-too-old..." },
                ],
              },
              labelExtractors: { reason: "EXTRACT(jsonPayload.reason)" },
            },
            child,
          );
    this.signatureRejections = signatureRejections;

    this.executions = new gcp.logging.Metric(
      `${name}-executions`,
      {
        project: args.project,
        name: pulumi.interpolate`${args.dispatcherService}-integration-executions`,
        description: "Application Integration executions the dispatcher ran, by outcome, trigger and failure reason.",
        filter: pulumi.output(args.dispatcherService).apply(executionLogFilter),
        metricDescriptor: {
          metricKind: "DELTA",
          valueType: "INT64",
          unit: "1",
          labels: [
            { key: "outcome", valueType: "STRING", description: `${EXECUTED_OUTCOME}, transient or dead-lettered` },
            { key: "trigger", valueType: "STRING", description: "the trigger whose subscription pushed the event" },
            { key: "reason", valueType: "STRING", description: "why it failed (empty when executed)" },
          ],
        },
        labelExtractors: {
          outcome: "EXTRACT(jsonPayload.outcome)",
          trigger: "EXTRACT(jsonPayload.trigger)",
          reason: "EXTRACT(jsonPayload.reason)",
        },
      },
      child,
    );

    this.dashboard = new gcp.monitoring.Dashboard(
      `${name}-dashboard`,
      {
        project: args.project,
        dashboardJson: pulumi
          .all([
            context,
            signatureRejections?.name,
            this.executions.name,
            pulumi.all(args.triggers.map((trigger) => pulumi.output(trigger.subscription))),
          ])
          .apply(([c, rejections, executions, subscriptions]) =>
            dashboardJson({
              displayName: dashboardName,
              listenerService: c.listenerService,
              dispatcherService: c.dispatcherService,
              deadLetterSubscription: c.deadLetterSubscription,
              triggers: args.triggers.map((trigger, index) => ({
                name: trigger.name,
                subscription: subscriptions[index],
              })),
              logMetrics: { ...(rejections !== undefined && { signatureRejections: rejections }), executions },
              thresholds: t,
            }),
          ),
      },
      { parent: this, dependsOn: [...(signatureRejections ? [signatureRejections] : []), this.executions] },
    );

    // The console's address of a dashboard is its id's last segment (the resource id is projects/N/dashboards/ID).
    this.dashboardUrl = pulumi
      .all([this.dashboard.id, args.project])
      .apply(
        ([id, project]) =>
          `https://console.cloud.google.com/monitoring/dashboards/builder/${id.slice(id.lastIndexOf("/") + 1)}?project=${project}`,
      );

    const policy = (
      key: string,
      title: string,
      severity: "CRITICAL" | "ERROR" | "WARNING",
      condition: Condition,
      text: pulumi.Output<AlertText>,
      after: pulumi.Resource[] = [],
    ): void => {
      this.policies[key] = new gcp.monitoring.AlertPolicy(
        `${name}-${key}`,
        {
          project: args.project,
          displayName: `${args.stackName}: ${title}`,
          combiner: "OR",
          enabled: true,
          severity,
          conditions: [condition],
          notificationChannels: [...args.notificationChannels],
          userLabels,
          documentation: {
            links: [{ displayName: `Dashboard: ${dashboardName}`, url: this.dashboardUrl }],
            mimeType: "text/markdown",
            subject: text.apply((x) => x.subject),
            content: text.apply((x) => x.content),
          },
        },
        // A policy on a log-based metric is refused until the metric exists, and for up to 10 minutes after
        // (https://github.com/hashicorp/terraform-provider-google/issues/11102): docs/alerts.md says to rerun `pulumi up`.
        { parent: this, dependsOn: after },
      );
    };

    const deadLetterId = pulumi.output(args.deadLetterSubscription).apply(subscriptionShortName);
    policy(
      "dead-letter",
      "dead-letter backlog",
      "ERROR",
      gaugeAbove(
        `Dead-letter subscription holds more than ${t.deadLetterBacklog} message(s)`,
        deadLetterId.apply((id) => subscriptionFilter(METRIC.undeliveredMessages, id)),
        t.deadLetterBacklog,
      ),
      context.apply((c) => deadLetterBacklogText(c, t.deadLetterBacklog)),
    );
    for (const trigger of args.triggers) {
      const subscriptionId = pulumi.output(trigger.subscription).apply(subscriptionShortName);
      policy(
        `age-${trigger.name}`,
        `trigger ${trigger.name} falling behind`,
        "ERROR",
        gaugeAbove(
          `Oldest unacknowledged message of ${trigger.name} older than ${t.messageAgeSeconds} s`,
          subscriptionId.apply((id) => subscriptionFilter(METRIC.oldestUnackedAge, id)),
          t.messageAgeSeconds,
        ),
        pulumi
          .all([context, subscriptionId])
          .apply(([c, id]) => messageAgeText(c, trigger.name, id, t.messageAgeSeconds)),
      );
    }
    if (listenerService !== undefined && signatureRejections !== undefined) {
      const listener = pulumi.output(listenerService);
      const listenerContext = pulumi
        .all([context, listener])
        .apply(([c, service]) => ({ ...c, listenerService: service }));
      policy(
        "listener-5xx",
        "listener 5xx ratio",
        "CRITICAL",
        ratioAbove(
          `More than ${t.listener5xxPercent}% of listener requests answered 5xx`,
          listener.apply((service) => requestCountFilter(service, "5xx")),
          listener.apply((service) => requestCountFilter(service)),
          t.listener5xxPercent,
          t.windowSeconds,
        ),
        listenerContext.apply((c) => listenerErrorsText(c, t.listener5xxPercent, t.windowSeconds)),
      );
      policy(
        "signature-rejections",
        "webhook signature rejections",
        "WARNING",
        ratioAbove(
          `More than ${t.signatureRejectionPercent}% of listener requests fail the signature check`,
          signatureRejections.name.apply((metric) => logMetricFilter(metric)),
          listener.apply((service) => requestCountFilter(service)),
          t.signatureRejectionPercent,
          t.windowSeconds,
        ),
        listenerContext.apply((c) => signatureRejectionText(c, t.signatureRejectionPercent, t.windowSeconds)),
        [signatureRejections],
      );
    }
    policy(
      "execution-failures",
      "integration executions failing",
      "ERROR",
      ratioAbove(
        `More than ${t.executionFailurePercent}% of integration executions fail`,
        this.executions.name.apply((metric) =>
          logMetricFilter(metric, [{ key: "outcome", value: EXECUTED_OUTCOME, not: true }]),
        ),
        this.executions.name.apply((metric) => logMetricFilter(metric)),
        t.executionFailurePercent,
        t.windowSeconds,
      ),
      context.apply((c) => executionFailureText(c, t.executionFailurePercent, t.windowSeconds)),
      [this.executions],
    );

    this.registerOutputs({ dashboard: this.dashboard.id, dashboardUrl: this.dashboardUrl });
  }
}
