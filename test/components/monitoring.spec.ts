// The alerts of a HubSpotTrigger under mocks: every policy's condition, threshold, channels, labels and runbook, the
// log-based metrics they read, and the dashboard.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import type { AlertsArgs } from "../../components/args";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { CHART_TITLES } from "../../components/monitoring-dashboard";
import {
  executionLogFilter,
  logMetricType,
  METRIC,
  requestCountFilter,
  signatureRejectionLogFilter,
} from "../../components/monitoring-filters";
import { RUNBOOK } from "../../components/monitoring-runbook";
import { ALERTS_DEFAULTS } from "../../contract/stack-config";
import { mocks } from "../support/setup";
import { build, PROJECT, resolve, triggerArgs } from "./support";

const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
const LOG_METRIC = "gcp:logging/metric:Metric";
const DASHBOARD = "gcp:monitoring/dashboard:Dashboard";
const SUBSCRIPTION = "gcp:pubsub/subscription:Subscription";
const SERVICE = "gcp:cloudrunv2/service:Service";
const CHANNELS = [
  "projects/acme-hubspot-test/notificationChannels/4807265123904519817",
  "projects/acme-ops/notificationChannels/77",
];

interface Threshold {
  filter: string;
  denominatorFilter?: string;
  comparison: string;
  thresholdValue: number;
  duration: string;
  aggregations: { alignmentPeriod: string; perSeriesAligner: string; crossSeriesReducer?: string }[];
}
interface PolicyInputs {
  project: string;
  displayName: string;
  enabled: boolean;
  severity: string;
  notificationChannels: string[];
  userLabels: Record<string, string>;
  documentation: { mimeType: string; subject: string; content: string; links: { displayName: string; url: string }[] };
  conditions: { displayName: string; conditionThreshold: Threshold }[];
}
interface ChartJson {
  title: string;
  xyChart: {
    dataSets: { timeSeriesQuery: { timeSeriesFilter: { filter: string } } }[];
    thresholds?: { value: number }[];
  };
}

const policies = () => new Map(mocks.ofType(POLICY).map((r) => [r.name, r.inputs as unknown as PolicyInputs]));
const policy = (name: string): PolicyInputs => {
  const found = policies().get(name);
  assert.ok(found, `policy ${name}; recorded ${[...policies().keys()].join(", ")}`);
  return found;
};
const condition = (name: string): Threshold => policy(name).conditions[0].conditionThreshold;
const nameOf = (type: string, resource: string): string => {
  const found = mocks.ofType(type).find((r) => r.name === resource);
  assert.ok(found, `${type} ${resource}`);
  return String(found.inputs.name);
};

const OPERATIONS = readFileSync("docs/operations.md", "utf8");
/** GitHub's anchor of a markdown heading. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
const SECTIONS = new Set([...OPERATIONS.matchAll(/^#{2,3} (.+)$/gm)].map((m) => anchor(m[1])));

describe("HubSpotTrigger alerts (components/monitoring.ts)", () => {
  beforeEach(() => mocks.reset());

  async function withAlerts(alerts: AlertsArgs | undefined): Promise<HubSpotTrigger> {
    return (await build((opts) => new HubSpotTrigger("hs", triggerArgs({ alerts }), opts))).component;
  }

  it("declares one policy per signal and one message-age policy per trigger, all on the configured channels", async () => {
    await withAlerts({ notificationChannels: CHANNELS });
    const triggers = triggerArgs().triggers.map((t) => `hs-monitoring-age-${t.name}`);
    assert.deepEqual(
      [...policies().keys()].sort(),
      [
        "hs-monitoring-dead-letter",
        "hs-monitoring-execution-failures",
        "hs-monitoring-listener-5xx",
        "hs-monitoring-signature-rejections",
        ...triggers,
      ].sort(),
    );
    for (const [name, inputs] of policies()) {
      assert.deepEqual(inputs.notificationChannels, CHANNELS, name);
      assert.equal(inputs.project, PROJECT, name);
      assert.equal(inputs.enabled, true, name);
      assert.match(inputs.displayName, /^hubspot\/test: /, name);
      assert.deepEqual(
        inputs.userLabels,
        { team: "revops", app: "hubspot-trigger", env: "test", component: "monitoring" },
        name,
      );
      assert.equal(inputs.conditions.length, 1, name);
      assert.equal(inputs.conditions[0].conditionThreshold.comparison, "COMPARISON_GT", name);
    }
  });

  it("documents every policy: what it means, three first checks, and a runbook section that exists", async () => {
    const trigger = await withAlerts({ notificationChannels: CHANNELS });
    assert.ok(trigger.monitoring);
    const dashboardId = (await resolve(trigger.monitoring.dashboard.id)).split("/").pop();
    assert.ok(dashboardId, "the mock gave the dashboard an id");
    assert.equal(
      await resolve(trigger.monitoring.dashboardUrl),
      policy("hs-monitoring-dead-letter").documentation.links[0].url,
    );
    const sections = new Set<string>(Object.values(RUNBOOK));
    for (const section of sections) assert.ok(SECTIONS.has(section), `docs/operations.md has a section #${section}`);
    for (const [name, inputs] of policies()) {
      const { mimeType, subject, content } = inputs.documentation;
      assert.equal(mimeType, "text/markdown", name);
      assert.ok(subject.startsWith("hubspot/test: ") && subject.length <= 255, `${name} subject "${subject}"`);
      const checks = content.split("**First three things to check**")[1] ?? "";
      assert.deepEqual(
        [...checks.matchAll(/^(\d)\. /gm)].map((m) => m[1]),
        ["1", "2", "3"],
        `${name} lists three checks`,
      );
      assert.deepEqual(
        inputs.documentation.links.map((link) => link.displayName),
        ["Dashboard: HubSpot trigger hubspot/test"],
        name,
      );
      assert.match(
        inputs.documentation.links[0].url,
        new RegExp(
          `^https://console\\.cloud\\.google\\.com/monitoring/dashboards/builder/${dashboardId}\\?project=${PROJECT}$`,
        ),
        name,
      );
      const linked = /docs\/operations\.md#([a-z0-9-]+)/.exec(content)?.[1];
      assert.ok(linked !== undefined && sections.has(linked), `${name} points at a runbook section: ${linked}`);
    }
    assert.match(
      policy("hs-monitoring-signature-rejections").documentation.content,
      /#runbook-rotate-the-hubspot-client-secret/,
    );
    assert.match(policy("hs-monitoring-dead-letter").documentation.content, /#runbook-redrive-the-dead-letter/);
  });

  it("dead letter: its retention subscription's undelivered messages above the backlog threshold", async () => {
    await withAlerts({ notificationChannels: CHANNELS, deadLetterBacklog: 3 });
    const dlq = nameOf(SUBSCRIPTION, "hs-dead-letter-retention");
    const c = condition("hs-monitoring-dead-letter");
    assert.equal(
      c.filter,
      `metric.type="${METRIC.undeliveredMessages}" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="${dlq}"`,
    );
    assert.equal(c.thresholdValue, 3);
    assert.deepEqual(c.aggregations, [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX" }]);
    assert.match(policy("hs-monitoring-dead-letter").documentation.content, new RegExp(`--subscription ${dlq} `));
  });

  it("message age: each trigger's own push subscription, at the configured age", async () => {
    await withAlerts({ notificationChannels: CHANNELS, messageAgeSeconds: 1200 });
    const push = mocks.ofType(SUBSCRIPTION).filter((s) => s.inputs.pushConfig !== undefined);
    assert.equal(push.length, triggerArgs().triggers.length);
    for (const trigger of triggerArgs().triggers) {
      const subscription = push.find((s) => String(s.inputs.name).includes(`-trigger-${trigger.name}-`));
      assert.ok(subscription, trigger.name);
      const c = condition(`hs-monitoring-age-${trigger.name}`);
      assert.equal(
        c.filter,
        `metric.type="${METRIC.oldestUnackedAge}" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="${String(subscription.inputs.name)}"`,
      );
      assert.equal(c.thresholdValue, 1200);
    }
  });

  it("listener 5xx: a ratio of the listener's 5xx requests to all its requests over the window", async () => {
    await withAlerts({ notificationChannels: CHANNELS, listener5xxPercent: 2.5, windowSeconds: 600 });
    const listener = nameOf(SERVICE, "hs-services-listener");
    const c = condition("hs-monitoring-listener-5xx");
    assert.equal(c.filter, requestCountFilter(listener, "5xx"));
    assert.match(c.filter, /metric\.label\.response_code_class="5xx"/);
    assert.equal(c.denominatorFilter, requestCountFilter(listener));
    assert.equal(c.thresholdValue, 0.025);
    for (const aggregations of [
      c.aggregations,
      (c as unknown as { denominatorAggregations: Threshold["aggregations"] }).denominatorAggregations,
    ]) {
      assert.deepEqual(aggregations, [
        { alignmentPeriod: "600s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM" },
      ]);
    }
  });

  it("signature rejections: a log-based metric on the listener's rejection lines, as a share of its requests", async () => {
    await withAlerts({ notificationChannels: CHANNELS });
    const listener = nameOf(SERVICE, "hs-services-listener");
    const metric = mocks.ofType(LOG_METRIC).find((m) => m.name === "hs-monitoring-signature-rejections");
    assert.ok(metric);
    assert.equal(metric.inputs.filter, signatureRejectionLogFilter(listener));
    assert.deepEqual(metric.inputs.labelExtractors, { reason: "EXTRACT(jsonPayload.reason)" });
    assert.deepEqual(metric.inputs.metricDescriptor, {
      metricKind: "DELTA",
      valueType: "INT64",
      unit: "1",
      labels: [{ key: "reason", valueType: "STRING", description: "signature-mismatch, timestamp-too-old..." }],
    });
    const c = condition("hs-monitoring-signature-rejections");
    assert.match(c.filter, new RegExp(`^metric\\.type="${logMetricType(String(metric.inputs.name))}"`));
    assert.equal(c.denominatorFilter, requestCountFilter(listener));
    assert.equal(c.thresholdValue, ALERTS_DEFAULTS.signatureRejectionPercent / 100);
  });

  it("execution failures: executions whose outcome is not `executed`, as a share of all executions", async () => {
    await withAlerts({ notificationChannels: CHANNELS, executionFailurePercent: 20 });
    const dispatcher = nameOf(SERVICE, "hs-services-dispatcher");
    const metric = mocks.ofType(LOG_METRIC).find((m) => m.name === "hs-monitoring-executions");
    assert.ok(metric);
    assert.equal(metric.inputs.filter, executionLogFilter(dispatcher));
    const type = logMetricType(String(metric.inputs.name));
    const c = condition("hs-monitoring-execution-failures");
    assert.equal(
      c.filter,
      `metric.type="${type}" AND resource.type="cloud_run_revision" AND metric.label.outcome!="executed"`,
    );
    assert.equal(c.denominatorFilter, `metric.type="${type}" AND resource.type="cloud_run_revision"`);
    assert.equal(c.thresholdValue, 0.2);
  });

  it("one dashboard whose JSON parses and charts every alerted series and the delivery rate", async () => {
    await withAlerts({ notificationChannels: CHANNELS });
    const dashboards = mocks.ofType(DASHBOARD);
    assert.equal(dashboards.length, 1);
    const json = JSON.parse(String(dashboards[0].inputs.dashboardJson)) as {
      displayName: string;
      mosaicLayout: { tiles: { widget: ChartJson }[] };
    };
    assert.equal(json.displayName, "HubSpot trigger hubspot/test");
    const charts = new Map(json.mosaicLayout.tiles.map((tile) => [tile.widget.title, tile.widget.xyChart]));
    assert.deepEqual([...charts.keys()], Object.values(CHART_TITLES));
    const filtersOf = (title: string) =>
      charts.get(title)!.dataSets.map((set) => set.timeSeriesQuery.timeSeriesFilter.filter);
    const listener = nameOf(SERVICE, "hs-services-listener");
    assert.deepEqual(filtersOf(CHART_TITLES.deliveries), [requestCountFilter(listener)]);
    const executions = logMetricType(nameOf(LOG_METRIC, "hs-monitoring-executions"));
    assert.match(filtersOf(CHART_TITLES.deliveryRate)[0], new RegExp(`^metric\\.type="${executions}"`));
    assert.match(filtersOf(CHART_TITLES.executionFailures)[0], /metric\.label\.outcome!="executed"/);
    const signature = logMetricType(nameOf(LOG_METRIC, "hs-monitoring-signature-rejections"));
    assert.match(filtersOf(CHART_TITLES.signatureRejections)[0], new RegExp(`^metric\\.type="${signature}"`));
    const ages = filtersOf(CHART_TITLES.messageAge);
    assert.equal(ages.length, triggerArgs().triggers.length);
    for (const trigger of triggerArgs().triggers) {
      assert.ok(
        ages.some((filter) => filter.includes(`-trigger-${trigger.name}-`)),
        trigger.name,
      );
    }
    assert.deepEqual(charts.get(CHART_TITLES.messageAge)!.thresholds, [{ value: ALERTS_DEFAULTS.messageAgeSeconds }]);
    assert.match(filtersOf(CHART_TITLES.deadLetter)[0], /dead-letter-retention/);
  });

  it("declares nothing, and enables neither Monitoring nor Logging, with alerts.enabled false", async () => {
    await withAlerts({ enabled: false, notificationChannels: CHANNELS });
    for (const type of [POLICY, LOG_METRIC, DASHBOARD]) assert.equal(mocks.ofType(type).length, 0, type);
    const apis = mocks.ofType("gcp:projects/service:Service").map((s) => s.inputs.service);
    assert.ok(
      apis.length > 0 && !apis.includes("monitoring.googleapis.com") && !apis.includes("logging.googleapis.com"),
    );
  });

  it("applies the schema's defaults when the alerts section is left out", async () => {
    await withAlerts(undefined);
    assert.deepEqual(policy("hs-monitoring-dead-letter").notificationChannels, []);
    assert.equal(condition("hs-monitoring-dead-letter").thresholdValue, ALERTS_DEFAULTS.deadLetterBacklog);
    assert.equal(condition("hs-monitoring-listener-5xx").thresholdValue, ALERTS_DEFAULTS.listener5xxPercent / 100);
    assert.equal(
      condition(`hs-monitoring-age-${triggerArgs().triggers[0].name}`).thresholdValue,
      ALERTS_DEFAULTS.messageAgeSeconds,
    );
  });
});
