// The request-path scenarios of one bench run, each a process pinned to the server core and driven from the load
// worker (or, for publisher-bare, driving itself). Pub/Sub scenarios share one emulator per run, warmed up first, so
// listener-pubsub and publisher-bare meet the same emulator in the same state.
import path from "node:path";
import type { LoadResult, PacedJob } from "./load-generator";
import type { WorkerJob } from "./load-worker";
import { CONNECTIONS, measure, type Measured, type ScenarioFigures } from "./measure";
import { startChild, type Child } from "./processes";
import { BENCH_PUBLIC_URL, BENCH_SECRET } from "./requests";
import { withEmulator } from "./emulator";

export const SERVER_CORE = 1;
export const LOAD_CORE = 0;

export const HTTP_SCENARIOS = [
  "floor",
  "floor-per-event",
  "listener-noop",
  "listener-noop-bigids",
  "publisher-bare",
  "listener-pubsub",
] as const;

const EMULATOR_WARMUP_MS = 5000;

const listenerEnv = {
  HUBSPOT_CLIENT_SECRET: BENCH_SECRET,
  PUBLIC_URL: BENCH_PUBLIC_URL,
  LOG_LEVEL: "WARNING",
};

function server(file: string, env: NodeJS.ProcessEnv): Promise<Child> {
  return startChild(path.join(__dirname, "servers", file), { core: SERVER_CORE, env: { ...listenerEnv, ...env } });
}

/** An HTTP server under test, driven by the load worker. */
function overHttp(name: string, description: string, child: Child, load: Child, bigIds = false): Measured {
  return {
    name,
    description,
    drive: (job: PacedJob) =>
      load.request<LoadResult>({ ...job, port: Number(child.hello.port), batches: 3000, bigIds } satisfies WorkerJob),
    peakRssMiB: () => child.peakRssMiB(),
    cpuSeconds: () => child.cpuSeconds(),
  };
}

async function measureServer(
  name: string,
  description: string,
  start: Promise<Child>,
  load: Child,
  seconds: number,
  bigIds = false,
): Promise<ScenarioFigures> {
  const child = await start;
  try {
    return await measure(overHttp(name, description, child, load, bigIds), seconds);
  } finally {
    await child.stop();
  }
}

async function pubSubScenarios(
  wanted: (name: string) => boolean,
  load: Child,
  seconds: number,
  notes: string[],
): Promise<ScenarioFigures[]> {
  const results: ScenarioFigures[] = [];
  const outcome = await withEmulator(async (env) => {
    const publisher = await server("publisher-bare.ts", env);
    try {
      const bare: Measured = {
        name: "publisher-bare",
        description: "pre-built listener messages published with the listener's client settings",
        drive: (job) => publisher.request<LoadResult>(job),
        peakRssMiB: () => publisher.peakRssMiB(),
        cpuSeconds: () => publisher.cpuSeconds(),
      };
      // The emulator's JVM warms up here, before either measured scenario sees it.
      await bare.drive({ connections: CONNECTIONS, durationMs: EMULATOR_WARMUP_MS, targetRate: 0 });
      if (wanted("publisher-bare")) results.push(await measure(bare, seconds));
    } finally {
      await publisher.stop();
    }
    if (wanted("listener-pubsub")) {
      const description = "listener publishing to the Pub/Sub emulator";
      results.push(
        await measureServer("listener-pubsub", description, server("listener-server.ts", env), load, seconds),
      );
    }
  });
  if (outcome && "missing" in outcome) notes.push(`listener-pubsub and publisher-bare skipped: ${outcome.missing}`);
  return results;
}

export async function runScenarios(
  wanted: (name: string) => boolean,
  load: Child,
  seconds: number,
  notes: string[],
): Promise<ScenarioFigures[]> {
  const results: ScenarioFigures[] = [];
  const noop = { LISTENER_SINK: "noop" };
  if (wanted("floor")) {
    const description = "bare node:http + v3 HMAC + JSON.parse";
    results.push(await measureServer("floor", description, server("floor-server.ts", {}), load, seconds));
  }
  if (wanted("floor-per-event")) {
    const description = "floor + per event a payload-sized message and its attributes serialised";
    results.push(
      await measureServer("floor-per-event", description, server("floor-per-event-server.ts", {}), load, seconds),
    );
  }
  if (wanted("listener-noop")) {
    const description = "listener, no-op sink";
    results.push(await measureServer("listener-noop", description, server("listener-server.ts", noop), load, seconds));
  }
  if (wanted("listener-noop-bigids")) {
    const description = "listener, no-op sink, ids > 2^53";
    const start = server("listener-server.ts", noop);
    results.push(await measureServer("listener-noop-bigids", description, start, load, seconds, true));
  }
  if (wanted("publisher-bare") || wanted("listener-pubsub")) {
    results.push(...(await pubSubScenarios(wanted, load, seconds, notes)));
  }
  return results;
}
