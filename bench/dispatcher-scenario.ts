// The dispatcher scenario: the dispatcher against a local Application Integration stand-in with a fixed latency and a
// capacity (concurrent executions beyond which it answers 429, as the 50-per-project quota does). The dispatcher
// must hold its own cap (the stand-in never refuses), keep the stand-in >= 95 % busy, and lose nothing: every push it
// acknowledged (2xx) was executed; what it refused (429) Pub/Sub would redeliver.
import path from "node:path";
import { IntegrationStandIn } from "../testing/integration-stand-in";
import type { ConnectorEventPayload } from "../runtime/shared/connector-event-payload";
import { percentile, type LoadResult, type PreparedRequest } from "./load-generator";
import { startChild } from "./processes";

export interface DispatcherFigures {
  standInCapacity: number;
  standInLatencyMs: number;
  dispatcherCap: number;
  connections: number;
  backoffOnRefusalMs: number;
  executionsPerSecond: number;
  /** executions/s divided by what the stand-in can do (capacity / latency). */
  utilization: number;
  standInPeakConcurrency: number;
  standInRefusals: number;
  acknowledged: number;
  executed: number;
  throttledByDispatcher: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMiB: number;
}

const CAPACITY = 50;
const LATENCY_MS = 100;
/** How the pushes arrive. */
export interface PushPattern {
  /** Pushes in flight: 80 is more than the dispatcher's cap of 50. */
  connections: number;
  /**
   * Wait after a 429 before the next push on that connection. 0 is the worst case: every refused push is resent at
   * once, so the dispatcher also answers thousands of 429s a second on its one core. Real Pub/Sub slows its push
   * rate when answers are not successes (and Cloud Run, with concurrency = cap, queues instead of overfilling an
   * instance), which a short backoff models.
   */
  backoffOnRefusalMs: number;
}

export const PUSH_PATTERNS: readonly PushPattern[] = [
  { connections: 80, backoffOnRefusalMs: 0 },
  { connections: 80, backoffOnRefusalMs: 20 },
];

function pushRequests(count: number): PreparedRequest[] {
  const requests: PreparedRequest[] = [];
  for (let index = 0; index < count; index++) {
    const occurredAt = Date.now() - index;
    const payload: ConnectorEventPayload = {
      schemaVersion: "1",
      eventType: "deal.creation",
      objectType: "deal",
      objectId: String(31_000_000_000 + index),
      portalId: "62515",
      appId: "1234567",
      eventId: String(4_000_000_000 + index),
      subscriptionId: "2461227",
      occurredAt: { epochMillis: occurredAt, iso: new Date(occurredAt).toISOString() },
      changeSource: "CRM",
      changeFlag: "CREATED",
      attemptNumber: 0,
      receivedAt: new Date().toISOString(),
      dedupKey: index.toString(16).padStart(64, "0"),
      raw: { eventId: 4_000_000_000 + index, subscriptionType: "deal.creation" },
    };
    const body = Buffer.from(
      JSON.stringify({
        message: {
          data: Buffer.from(JSON.stringify(payload)).toString("base64"),
          attributes: { eventType: payload.eventType, objectType: "deal", objectId: payload.objectId },
          messageId: String(index),
          publishTime: new Date().toISOString(),
        },
        subscription: "projects/bench-project/subscriptions/bench-deals",
      }),
    );
    requests.push({
      path: "/pubsub/push",
      body,
      headers: { "content-type": "application/json", "content-length": String(body.length) },
    });
  }
  return requests;
}

export async function runDispatcherScenario(seconds: number, pattern: PushPattern): Promise<DispatcherFigures> {
  const { connections, backoffOnRefusalMs } = pattern;
  const standIn = await IntegrationStandIn.start({ latencyMs: LATENCY_MS, capacity: CAPACITY, record: false });
  const server = await startChild(path.join(__dirname, "servers/dispatcher-server.ts"), {
    core: 1,
    env: {
      GOOGLE_CLOUD_PROJECT: "bench-project",
      DEAD_LETTER_TOPIC: "projects/bench-project/topics/dead-letter",
      DISPATCHER_TRIGGERS: JSON.stringify([
        {
          name: "bench-deals",
          subscription: "bench-deals",
          eventTypes: ["deal.creation"],
          integration: "on-deal",
          triggerId: "api_trigger/on-deal",
        },
      ]),
      INTEGRATION_PROJECT: "bench-project",
      INTEGRATION_LOCATION: "europe-west1",
      INTEGRATIONS_ENDPOINT: standIn.url,
      MAX_CONCURRENT_EXECUTIONS: String(CAPACITY),
    },
  });
  const load = await startChild(path.join(__dirname, "load-worker.ts"), { core: 0 });
  try {
    const requests = pushRequests(2000);
    const job = (durationMs: number) => ({
      port: Number(server.hello.port),
      connections,
      backoffOnRefusalMs,
      durationMs,
      targetRate: 0,
      requests,
    });
    await load.request<LoadResult>(job(2000));
    const executedBefore = standIn.succeeded;
    const refusalsBefore = standIn.refusals;
    standIn.peakConcurrency = 0;
    const result = await load.request<LoadResult>(job(seconds * 1000));
    const executed = standIn.succeeded - executedBefore;
    const acknowledged = result.statusCounts["204"] ?? 0;
    const executionsPerSecond = (executed * 1000) / result.elapsedMs;
    return {
      standInCapacity: CAPACITY,
      standInLatencyMs: LATENCY_MS,
      dispatcherCap: CAPACITY,
      connections,
      backoffOnRefusalMs,
      executionsPerSecond: Math.round(executionsPerSecond),
      utilization: Math.round((executionsPerSecond / ((CAPACITY * 1000) / LATENCY_MS)) * 1000) / 1000,
      standInPeakConcurrency: standIn.peakConcurrency,
      standInRefusals: standIn.refusals - refusalsBefore,
      acknowledged,
      executed,
      throttledByDispatcher: result.statusCounts["429"] ?? 0,
      lost: Math.max(0, acknowledged - executed),
      p50Ms: percentile(result.latenciesUs, 50),
      p99Ms: percentile(result.latenciesUs, 99),
      peakRssMiB: server.peakRssMiB(),
    };
  } finally {
    await load.stop();
    await server.stop();
    await standIn.close();
  }
}
