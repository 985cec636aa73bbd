// The log-based metrics' filters against the lines the runtime really writes: the listener refusing signatures
// over HTTP, the dispatcher's push handler executing, failing and skipping events.
import assert from "node:assert/strict";
import {
  EXECUTED_OUTCOME,
  executionLogFilter,
  logMetricFilter,
  signatureRejectionLogFilter,
} from "../../components/monitoring-filters";
import { ConcurrencyLimit } from "../../runtime/dispatcher/concurrency-limit";
import type { Enricher } from "../../runtime/dispatcher/enrichment";
import type { ExecutionOutcome } from "../../runtime/dispatcher/integration-client";
import { PushHandler } from "../../runtime/dispatcher/push-handler";
import { captureLogs } from "../../runtime/shared/log";
import { batchJson, sampleEvents } from "../../testing/sample-events";
import { DEAL_TRIGGER, pushEnvelope, samplePayload } from "../dispatcher/helpers";
import { postSigned, RecordingSink, startTestListener } from "../listener/support/fixtures";
import { extract, matches, toLogEntry, type LogEntry } from "../support/logging-query";

const LISTENER = "hubspot-prod-listener-bb5a1322";
const DISPATCHER = "hubspot-prod-dispatcher-bb5a1322";

function onService(service: string) {
  return (line: Record<string, unknown>): LogEntry =>
    toLogEntry(line, { type: "cloud_run_revision", labels: { service_name: service } });
}

describe("log-based metrics: the filters select exactly the lines the runtime writes", () => {
  it("signature rejections: every 401 of a signature check, with its reason; nothing else the listener logs", async () => {
    const server = await startTestListener({}, new RecordingSink());
    try {
      const body = batchJson(sampleEvents("deal.creation", 2));
      const statuses = [
        (await postSigned(server.url, body, { secret: "a-rotated-secret-nobody-stored" })).status,
        (await postSigned(server.url, body, { timestamp: Date.now() - 10 * 60_000 })).status,
        (await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body })).status,
        (await postSigned(server.url, body, { headers: { "content-type": "text/plain" } })).status,
        (await postSigned(server.url, "{}")).status,
        (await postSigned(server.url, body)).status,
      ];
      assert.deepEqual(statuses, [401, 401, 401, 415, 400, 204]);

      const entries = server.logs.map((line) => onService(LISTENER)(line));
      const filter = signatureRejectionLogFilter(LISTENER);
      const selected = entries.filter((entry) => matches(filter, entry));
      assert.deepEqual(
        selected.map((entry) => extract("EXTRACT(jsonPayload.reason)", entry)),
        ["signature-mismatch", "timestamp-too-old", "missing-signature"],
      );
      assert.ok(entries.length > selected.length, "the other requests were logged too, and are not counted");
      // The same lines on another service are another stack's.
      const elsewhere = server.logs.map((line) => onService("hubspot-dev-listener-00000000")(line));
      assert.equal(elsewhere.filter((entry) => matches(filter, entry)).length, 0);
    } finally {
      await server.listener.close();
    }
  });

  describe("integration executions", () => {
    const filter = executionLogFilter(DISPATCHER);

    /** Pushes one message through a handler whose integration answers `outcome`; the lines it logged. */
    async function linesOf(
      outcome: ExecutionOutcome,
      options: { enricher?: Enricher; data?: Buffer; eventType?: "deal.creation" | "deal.deletion" } = {},
    ): Promise<LogEntry[]> {
      const { logger, entries } = captureLogs("DEBUG");
      const handler = new PushHandler({
        triggers: [DEAL_TRIGGER],
        executor: { execute: () => Promise.resolve(outcome) },
        deadLetter: () => Promise.resolve("dead-letter-id"),
        limit: new ConcurrencyLimit(4),
        enricher: options.enricher,
      });
      const payload = samplePayload({ eventType: options.eventType ?? "deal.creation" });
      await handler.handle(pushEnvelope(options.data ?? payload, { subscription: DEAL_TRIGGER.subscription }), logger);
      return entries.map((line) => onService(DISPATCHER)(line));
    }

    const counted = (entries: LogEntry[]) =>
      entries
        .filter((entry) => matches(filter, entry))
        .map((entry) => ({
          outcome: extract("EXTRACT(jsonPayload.outcome)", entry),
          trigger: extract("EXTRACT(jsonPayload.trigger)", entry),
          reason: extract("EXTRACT(jsonPayload.reason)", entry),
        }));

    it("counts a success as outcome executed, labelled with its trigger", async () => {
      assert.deepEqual(counted(await linesOf({ kind: "success", httpStatus: 200, executionId: "e-1" })), [
        { outcome: EXECUTED_OUTCOME, trigger: DEAL_TRIGGER.name, reason: undefined },
      ]);
    });

    it("counts transient failures (5xx, timeouts) and refusals (4xx, dead-lettered) as failures", async () => {
      const transient = await linesOf({
        kind: "transient",
        reason: "integration-unavailable",
        detail: "503",
        httpStatus: 503,
      });
      const timeout = await linesOf({ kind: "transient", reason: "execution-timeout", detail: "no answer in 120 s" });
      const refused = await linesOf({
        kind: "permanent",
        reason: "integration-not-found",
        detail: "404",
        httpStatus: 404,
      });
      assert.deepEqual(
        [...counted(transient), ...counted(timeout), ...counted(refused)],
        [
          { outcome: "transient", trigger: DEAL_TRIGGER.name, reason: "integration-unavailable" },
          { outcome: "transient", trigger: DEAL_TRIGGER.name, reason: "execution-timeout" },
          { outcome: "dead-lettered", trigger: DEAL_TRIGGER.name, reason: "integration-not-found" },
        ],
      );
      for (const row of [...counted(transient), ...counted(refused)]) assert.notEqual(row.outcome, EXECUTED_OUTCOME);
    });

    it("does not count what never reached the integration: skipped events, unreadable payloads, enrichment failures", async () => {
      const success: ExecutionOutcome = { kind: "success", httpStatus: 200 };
      const notOurs = await linesOf(success, { eventType: "deal.deletion" });
      const unreadable = await linesOf(success, { data: Buffer.from("not json") });
      const failingEnricher = {
        enrich: () => Promise.reject(new Error("HubSpot answered 429")),
      } as unknown as Enricher;
      const enrichment = await linesOf(success, { enricher: failingEnricher });
      for (const [what, entries] of [
        ["not ours", notOurs],
        ["invalid payload", unreadable],
        ["enrichment", enrichment],
      ] as const) {
        assert.ok(entries.length > 0, `${what}: the dispatcher logged its decision`);
        assert.deepEqual(counted(entries), [], `${what} is not an execution`);
      }
    });
  });

  it("alert filters name the metric type Cloud Logging gives a user-defined log-based metric", () => {
    assert.equal(
      logMetricFilter("m-1", [{ key: "outcome", value: EXECUTED_OUTCOME, not: true }]),
      'metric.type="logging.googleapis.com/user/m-1" AND resource.type="cloud_run_revision" AND metric.label.outcome!="executed"',
    );
  });
});
