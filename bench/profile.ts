// `npx tsx bench/profile.ts [--seconds 15] [--server listener|listener-pubsub|floor-per-event] [--dir /tmp/...]`:
// runs a bench server under `node --cpu-prof` (pinned as in bench/run.ts; listener-pubsub with a Pub/Sub emulator)
// at the maximum rate of the closed-loop load generator, then prints where its busy time went (bench/cpu-profile.ts).
// Profiling slows the server, so the req/s printed here is not a benchmark figure; the shares are what it is for.
import { mkdtempSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { profileMarkdown, summarizeProfile } from "./cpu-profile";
import type { LoadResult } from "./load-generator";
import type { WorkerJob } from "./load-worker";
import { withEmulator } from "./emulator";
import { startChild } from "./processes";
import { BENCH_PUBLIC_URL, BENCH_SECRET } from "./requests";

const SERVERS: Record<string, { file: string; env: NodeJS.ProcessEnv; emulator?: true }> = {
  listener: { file: "servers/listener-server.ts", env: { LISTENER_SINK: "noop" } },
  "listener-pubsub": { file: "servers/listener-server.ts", env: {}, emulator: true },
  "floor-per-event": { file: "servers/floor-per-event-server.ts", env: {} },
};

const WARMUP_MS = 3000;

async function profileUnderLoad(file: string, env: NodeJS.ProcessEnv, dir: string, seconds: number): Promise<number> {
  const load = await startChild(path.join(__dirname, "load-worker.ts"), { core: 0 });
  const child = await startChild(path.join(__dirname, file), {
    core: 1,
    nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
    env: { HUBSPOT_CLIENT_SECRET: BENCH_SECRET, PUBLIC_URL: BENCH_PUBLIC_URL, LOG_LEVEL: "WARNING", ...env },
  });
  const job = (durationMs: number): WorkerJob => ({
    port: Number(child.hello.port),
    connections: 16,
    durationMs,
    targetRate: 0,
    batches: 3000,
  });
  try {
    await load.request<LoadResult>(job(WARMUP_MS));
    const result = await load.request<LoadResult>(job(seconds * 1000));
    return Math.round((result.ok * 1000) / result.elapsedMs);
  } finally {
    await child.stop(); // the profile is written when the child exits
    await load.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "15" },
      server: { type: "string", default: "listener" },
      dir: { type: "string", default: "" },
    },
  });
  const server = SERVERS[values.server];
  if (!server) throw new Error(`--server must be one of ${Object.keys(SERVERS).join(", ")}`);
  const dir = values.dir || mkdtempSync("/tmp/bench-prof-");
  const seconds = Number(values.seconds);
  const rate = server.emulator
    ? await withEmulator((env) => profileUnderLoad(server.file, { ...env, ...server.env }, dir, seconds))
    : await profileUnderLoad(server.file, server.env, dir, seconds);
  if (typeof rate !== "number") throw new Error(rate.missing);
  console.log(`${values.server} under --cpu-prof: ${rate} req/s`);
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  console.log(`profile: ${path.join(dir, file)} (the ${WARMUP_MS} ms warm-up left out)\n`);
  console.log(profileMarkdown(summarizeProfile(path.join(dir, file), 25, WARMUP_MS)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
