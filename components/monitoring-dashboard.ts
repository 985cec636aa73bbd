/**
 * The stack's Cloud Monitoring dashboard, as the `dashboardJson` the Dashboards API takes
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v1/projects.dashboards#Dashboard): one chart per alerted
 * series, plus the delivery rate. Internal. Exported for testing.
 */
import {
  EXECUTED_OUTCOME,
  logMetricFilter,
  METRIC,
  requestCountFilter,
  subscriptionFilter,
  subscriptionShortName,
} from "./monitoring-filters";

export interface DashboardInput {
  displayName: string;
  /** Absent with the managed backend: no listener charts. */
  listenerService?: string;
  dispatcherService: string;
  deadLetterSubscription: string;
  triggers: readonly { name: string; subscription: string }[];
  logMetrics: { signatureRejections?: string; executions: string };
  thresholds: { deadLetterBacklog: number; messageAgeSeconds: number };
}

interface DataSet {
  filter: string;
  aligner: "ALIGN_RATE" | "ALIGN_MAX";
  groupBy?: string;
  legend?: string;
}

/** Chart titles, in the order of the tiles; the spec checks each chart is there and says what it plots. */
export const CHART_TITLES = {
  deliveries: "HubSpot deliveries: listener requests/s by response class",
  deliveryRate: "Delivery rate: integration executions/s by outcome",
  signatureRejections: "Signature rejections/s by reason",
  executionFailures: "Failed integration executions/s by trigger",
  messageAge: "Oldest unacknowledged message age (s) per trigger",
  deadLetter: "Dead-letter backlog (messages)",
} as const;

const ALIGNMENT_PERIOD = "60s";

function chart(title: string, yLabel: string, dataSets: DataSet[], threshold?: number): Record<string, unknown> {
  return {
    title,
    xyChart: {
      dataSets: dataSets.map((set) => ({
        plotType: "LINE",
        ...(set.legend !== undefined && { legendTemplate: set.legend }),
        timeSeriesQuery: {
          timeSeriesFilter: {
            filter: set.filter,
            aggregation: {
              alignmentPeriod: ALIGNMENT_PERIOD,
              perSeriesAligner: set.aligner,
              crossSeriesReducer: set.aligner === "ALIGN_RATE" ? "REDUCE_SUM" : "REDUCE_MAX",
              groupByFields: set.groupBy === undefined ? [] : [set.groupBy],
            },
          },
        },
      })),
      yAxis: { label: yLabel, scale: "LINEAR" },
      ...(threshold !== undefined && { thresholds: [{ value: threshold }] }),
    },
  };
}

export function dashboardJson(input: DashboardInput): string {
  const { logMetrics, listenerService } = input;
  const signatureRejections = logMetrics.signatureRejections;
  const widgets = [
    ...(listenerService === undefined
      ? []
      : [
          chart(CHART_TITLES.deliveries, "requests/s", [
            {
              filter: requestCountFilter(listenerService),
              aligner: "ALIGN_RATE",
              groupBy: "metric.label.response_code_class",
            },
          ]),
        ]),
    chart(CHART_TITLES.deliveryRate, "executions/s", [
      { filter: logMetricFilter(logMetrics.executions), aligner: "ALIGN_RATE", groupBy: "metric.label.outcome" },
    ]),
    ...(signatureRejections === undefined
      ? []
      : [
          chart(CHART_TITLES.signatureRejections, "requests/s", [
            { filter: logMetricFilter(signatureRejections), aligner: "ALIGN_RATE", groupBy: "metric.label.reason" },
          ]),
        ]),
    chart(CHART_TITLES.executionFailures, "executions/s", [
      {
        filter: logMetricFilter(logMetrics.executions, [{ key: "outcome", value: EXECUTED_OUTCOME, not: true }]),
        aligner: "ALIGN_RATE",
        groupBy: "metric.label.trigger",
      },
    ]),
    chart(
      CHART_TITLES.messageAge,
      "seconds",
      input.triggers.map((trigger) => ({
        filter: subscriptionFilter(METRIC.oldestUnackedAge, subscriptionShortName(trigger.subscription)),
        aligner: "ALIGN_MAX" as const,
        legend: trigger.name,
      })),
      input.thresholds.messageAgeSeconds,
    ),
    chart(
      CHART_TITLES.deadLetter,
      "messages",
      [
        {
          filter: subscriptionFilter(METRIC.undeliveredMessages, subscriptionShortName(input.deadLetterSubscription)),
          aligner: "ALIGN_MAX",
        },
      ],
      input.thresholds.deadLetterBacklog,
    ),
  ];
  const width = 6;
  const height = 4;
  return JSON.stringify({
    displayName: input.displayName,
    mosaicLayout: {
      columns: 12,
      tiles: widgets.map((widget, index) => ({
        xPos: (index % 2) * width,
        yPos: Math.floor(index / 2) * height,
        width,
        height,
        widget,
      })),
    },
  });
}
