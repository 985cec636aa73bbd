// `npm run bench [-- --seconds N] [--only floor,listener-noop,...]`: the listener's and dispatcher's benchmarks, side
// by side in one run on 127.0.0.1. Prints a table and writes bench/results/<timestamp>.json. Not part of `npm test`:
// it takes minutes and its numbers are only meaningful as ratios against the floor measured in the same run.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { percentile, type LoadResult } from "./load-generator";
import type { WorkerJob } from "./load-worker";
import { HAS_TASKSET, startChild, type Child } from "./processes";
import { BENCH_PUBLIC_URL, BENCH_SECRET, EVENTS_PER_BATCH } from "./requests";
import { PUSH_PATTERNS, runDispatcherScenario, type DispatcherFigures } from "./dispatcher-scenario";
import { createPubSub } from "../runtime/shared/pubsub";
import { findEmulator, PubSubEmulator } from "../testing/pubsub-emulator";

const SERVER_CORE = 1;
const LOAD_CORE = 0;
const CONNECTIONS = 16;

interface ScenarioFigures {
  scenario: string;
  description: string;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Latency when offered 80 % of the maximum rate. */
  at80: { offeredRps: number; achievedRps: number; p50Ms: number; p99Ms: number; errors: number };
  errors: number;
  peakRssMiB: number;
}

const listenerEnv = {
  HUBSPOT_CLIENT_SECRET: BENCH_SECRET,
  PUBLIC_URL: BENCH_PUBLIC_URL,
  LOG_LEVEL: "WARNING",
};

function rps(result: LoadResult): number {
  return (result.ok * 1000) / result.elapsedMs;
}

async function measure(name: string, description: string, server: Child, load: Child, seconds: number, bigIds = false) {
  const port = Number(server.hello.port);
  const job = (durationMs: number, targetRate: number): WorkerJob => ({
    port,
    connections: CONNECTIONS,
    durationMs,
    targetRate,
    batches: 3000,
    bigIds,
  });
  await load.request<LoadResult>(job(Math.min(3000, seconds * 1000), 0)); // warm-up: JIT, connections, caches
  const max = await load.request<LoadResult>(job(seconds * 1000, 0));
  const maxRps = rps(max);
  const at80 = await load.request<LoadResult>(job(seconds * 1000, 0.8 * maxRps));
  const figures: ScenarioFigures = {
    scenario: name,
    description,
    requestsPerSecond: Math.round(maxRps),
    eventsPerSecond: Math.round(maxRps * EVENTS_PER_BATCH),
    p50Ms: percentile(max.latenciesUs, 50),
    p99Ms: percentile(max.latenciesUs, 99),
    at80: {
      offeredRps: Math.round(0.8 * maxRps),
      achievedRps: Math.round(rps(at80)),
      p50Ms: percentile(at80.latenciesUs, 50),
      p99Ms: percentile(at80.latenciesUs, 99),
      errors: at80.errors,
    },
    errors: max.errors,
    peakRssMiB: server.peakRssMiB(),
  };
  if (max.errors > 0) console.error(`${name}: ${max.errors} errors`, max.statusCounts);
  return figures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "10" }, only: { type: "string", default: "" } },
  });
  const seconds = Number(values.seconds);
  const only = new Set(values.only ? values.only.split(",") : []);
  const wanted = (name: string) => only.size === 0 || only.has(name);
  const load = await startChild(path.join(__dirname, "load-worker.ts"), { core: LOAD_CORE });
  const results: ScenarioFigures[] = [];
  const dispatcher: DispatcherFigures[] = [];
  const notes: string[] = [];
  try {
    if (wanted("floor")) {
      const server = await startChild(path.join(__dirname, "servers/floor-server.ts"), {
        core: SERVER_CORE,
        env: listenerEnv,
      });
      results.push(await measure("floor", "bare node:http + v3 HMAC + JSON.parse", server, load, seconds));
      await server.stop();
    }
    if (wanted("listener-noop")) {
      const server = await startChild(path.join(__dirname, "servers/listener-server.ts"), {
        core: SERVER_CORE,
        env: { ...listenerEnv, LISTENER_SINK: "noop" },
      });
      results.push(await measure("listener-noop", "listener, no-op sink", server, load, seconds));
      await server.stop();
    }
    if (wanted("listener-noop-bigids")) {
      const server = await startChild(path.join(__dirname, "servers/listener-server.ts"), {
        core: SERVER_CORE,
        env: { ...listenerEnv, LISTENER_SINK: "noop" },
      });
      results.push(
        await measure("listener-noop-bigids", "listener, no-op sink, ids > 2^53", server, load, seconds, true),
      );
      await server.stop();
    }
    if (wanted("listener-pubsub")) {
      const found = findEmulator();
      if ("missing" in found) {
        notes.push(`listener-pubsub skipped: ${found.missing}`);
      } else {
        const emulator = await PubSubEmulator.start(found.binary);
        try {
          const pubsub = createPubSub({ projectId: "bench-project", emulatorHost: emulator.host });
          await pubsub.createTopic("events");
          await pubsub.createTopic("dead-letter");
          await pubsub.close();
          const server = await startChild(path.join(__dirname, "servers/listener-server.ts"), {
            core: SERVER_CORE,
            env: {
              ...listenerEnv,
              GOOGLE_CLOUD_PROJECT: "bench-project",
              PUBSUB_EMULATOR_HOST: emulator.host,
              EVENTS_TOPIC: "events",
              DEAD_LETTER_TOPIC: "dead-letter",
            },
          });
          results.push(
            await measure("listener-pubsub", "listener publishing to the Pub/Sub emulator", server, load, seconds),
          );
          await server.stop();
        } finally {
          await emulator.stop();
        }
      }
    }
    if (wanted("dispatcher")) {
      for (const pattern of PUSH_PATTERNS) dispatcher.push(await runDispatcherScenario(seconds, pattern));
    }
  } finally {
    await load.stop();
  }

  const byName = new Map(results.map((r) => [r.scenario, r]));
  const floor = byName.get("floor")?.requestsPerSecond;
  const ratio = (name: string) => {
    const value = byName.get(name)?.requestsPerSecond;
    return floor && value ? Math.round((value / floor) * 100) / 100 : undefined;
  };
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      pinned: HAS_TASKSET ? `server on core ${SERVER_CORE}, load on core ${LOAD_CORE}` : "not pinned (no taskset)",
    },
    settings: { seconds, connections: CONNECTIONS, eventsPerBatch: EVENTS_PER_BATCH },
    results,
    ratios: { listenerNoopToFloor: ratio("listener-noop"), listenerPubSubToFloor: ratio("listener-pubsub") },
    dispatcher,
    notes,
  };
  const dir = path.join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${report.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));

  console.log(`\n| scenario | req/s | events/s | p50 ms | p99 ms | p99 ms at 80 % | errors | peak RSS MiB |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const r of results) {
    console.log(
      `| ${r.scenario} | ${r.requestsPerSecond} | ${r.eventsPerSecond} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ` +
        `${r.at80.p99Ms.toFixed(1)} | ${r.errors + r.at80.errors} | ${r.peakRssMiB} |`,
    );
  }
  console.log(
    `\nratios: listener-noop/floor = ${report.ratios.listenerNoopToFloor ?? "n/a"}, ` +
      `listener-pubsub/floor = ${report.ratios.listenerPubSubToFloor ?? "n/a"}`,
  );
  if (dispatcher.length > 0) {
    console.log(
      `\n| dispatcher pushes in flight | backoff after 429 ms | executions/s | utilization of the stand-in | stand-in peak / capacity | ` +
        `429s | lost | p50 ms | p99 ms | peak RSS MiB |`,
    );
    console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
    for (const d of dispatcher) {
      console.log(
        `| ${d.connections} | ${d.backoffOnRefusalMs} | ${d.executionsPerSecond} | ${d.utilization} | ${d.standInPeakConcurrency} / ` +
          `${d.standInCapacity} | ${d.throttledByDispatcher} | ${d.lost} | ${d.p50Ms.toFixed(1)} | ` +
          `${d.p99Ms.toFixed(1)} | ${d.peakRssMiB} |`,
      );
    }
  }
  for (const note of notes) console.log(note);
  console.log(`\nwritten: ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
