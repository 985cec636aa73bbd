// `npm run soak [-- --seconds 60] [--rate 200] [--warmup 10] [--pubsub]`: the listener's soak. The real listener runs
// in a child process (no-op sink, or the Pub/Sub emulator with --pubsub) under a steady open-loop load of fresh signed
// 100-event batches; its RSS is sampled every second. Targets: zero errors, RSS growth after the warm-up < 10 %.
// Prints a summary, writes bench/results/soak-<timestamp>.json, exits 1 when a target is missed.
//
// Open loop (a request every 1/rate s, whatever the answers) rather than bench/load-generator's closed loop: a
// slowing server must show up as latency and errors, not as a politely lower rate. Batches are built on the fly
// rather than prepared (bench/requests' prepareRequests, one per tick): 60 s at 200 requests/s would otherwise
// hold 12,000 bodies, and every event must be a new change so the replay cache never short-cuts the work.
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPubSub } from "../runtime/shared/pubsub";
import { findEmulator, PubSubEmulator } from "../testing/pubsub-emulator";
import { percentile, type PreparedRequest } from "./load-generator";
import { HAS_TASKSET, startChild } from "./processes";
import { BENCH_PUBLIC_URL, BENCH_SECRET, EVENTS_PER_BATCH, prepareRequests } from "./requests";

const RSS_GROWTH_TARGET = 0.1;
const SERVER_CORE = 1;
const MAX_IN_FLIGHT = 256;

interface Options {
  seconds: number;
  rate: number;
  warmup: number;
  pubsub: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "60" },
      rate: { type: "string", default: "200" },
      warmup: { type: "string", default: "10" },
      pubsub: { type: "boolean", default: false },
    },
  });
  const positive = (name: "seconds" | "rate" | "warmup", min: number) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`--${name} is ${JSON.stringify(values[name])}; the rule is a number >= ${min}`);
    }
    return value;
  };
  const options = {
    seconds: positive("seconds", 1),
    rate: positive("rate", 1),
    warmup: positive("warmup", 0),
    pubsub: values.pubsub,
  };
  if (options.warmup + 3 > options.seconds) {
    throw new Error(`--warmup ${options.warmup} leaves under 3 s to measure in --seconds ${options.seconds}`);
  }
  return options;
}

function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "0");
  return kib / 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

interface LoadTally {
  sent: number;
  ok: number;
  errors: number;
  /** Ticks skipped because MAX_IN_FLIGHT requests were already waiting: the server fell behind. */
  skipped: number;
  statusCounts: Record<string, number>;
  latenciesUs: number[];
}

function send(agent: Agent, port: number, prepared: PreparedRequest, tally: LoadTally): Promise<void> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const finish = (status: string) => {
      tally.latenciesUs.push(Number((process.hrtime.bigint() - started) / 1000n));
      tally.statusCounts[status] = (tally.statusCounts[status] ?? 0) + 1;
      if (status.startsWith("2")) tally.ok++;
      else tally.errors++;
      resolve();
    };
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: prepared.path, headers: prepared.headers, agent },
      (res) => {
        res.resume();
        res.on("end", () => finish(String(res.statusCode)));
        res.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? "response-error"));
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? "request-error"));
    req.end(prepared.body);
  });
}

/** One fresh signed batch per tick at `rate` per second for `seconds`; calls `onSecond` once a second. */
async function steadyLoad(port: number, options: Options, onSecond: (second: number) => void): Promise<LoadTally> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const tally: LoadTally = { sent: 0, ok: 0, errors: 0, skipped: 0, statusCounts: {}, latenciesUs: [] };
  const pending = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rate;
  const started = performance.now();
  // Every batch 10 s of occurredAt apart from the previous one: all of its 100 events are new changes.
  const origin = Date.now() - 60_000;
  let tick = 0;
  let second = 0;
  while (performance.now() - started < options.seconds * 1000) {
    const due = started + tick * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const elapsedSecond = Math.floor((performance.now() - started) / 1000);
    while (second < elapsedSecond) onSecond(++second);
    if (pending.size >= MAX_IN_FLIGHT) tally.skipped++;
    else {
      const [prepared] = prepareRequests(1, { startMs: origin - tick * 10_000 });
      tally.sent++;
      const inFlight = send(agent, port, prepared, tally).finally(() => pending.delete(inFlight));
      pending.add(inFlight);
    }
    tick++;
  }
  await Promise.all(pending);
  agent.destroy();
  tally.latenciesUs.sort((a, b) => a - b);
  return tally;
}

async function main(): Promise<void> {
  const options = readOptions();
  let emulator: PubSubEmulator | undefined;
  const env: NodeJS.ProcessEnv = {
    HUBSPOT_CLIENT_SECRET: BENCH_SECRET,
    PUBLIC_URL: BENCH_PUBLIC_URL,
    LOG_LEVEL: "WARNING",
    LISTENER_SINK: "noop",
  };
  if (options.pubsub) {
    const found = findEmulator();
    if ("missing" in found) throw new Error(`--pubsub needs the Pub/Sub emulator: ${found.missing}`);
    emulator = await PubSubEmulator.start(found.binary);
    const admin = createPubSub({ projectId: "soak-project", emulatorHost: emulator.host });
    await admin.createTopic("events");
    await admin.createTopic("dead-letter");
    await admin.close();
    Object.assign(env, {
      LISTENER_SINK: "pubsub",
      GOOGLE_CLOUD_PROJECT: "soak-project",
      EVENTS_TOPIC: "events",
      DEAD_LETTER_TOPIC: "dead-letter",
      PUBSUB_EMULATOR_HOST: emulator.host,
      METADATA_SERVER_DETECTION: "none",
    });
  }
  const server = await startChild(path.join(__dirname, "servers/listener-server.ts"), { core: SERVER_CORE, env });
  const pid = server.process.pid!;
  const samples: Array<{ second: number; rssMiB: number }> = [{ second: 0, rssMiB: rssMiB(pid) }];
  try {
    console.log(
      `soak: ${options.seconds} s at ${options.rate} requests/s (${options.rate * EVENTS_PER_BATCH} events/s), ` +
        `sink ${options.pubsub ? "pubsub (emulator)" : "noop"}, warm-up ${options.warmup} s`,
    );
    const tally = await steadyLoad(Number(server.hello.port), options, (second) => {
      samples.push({ second, rssMiB: rssMiB(pid) });
    });
    samples.push({ second: options.seconds, rssMiB: rssMiB(pid) });

    // Median of three samples at each end: one GC landing on a sample must not decide the verdict.
    const afterWarmup = samples.filter((sample) => sample.second >= options.warmup);
    const baselineMiB = median(afterWarmup.slice(0, 3).map((sample) => sample.rssMiB));
    const finalMiB = median(afterWarmup.slice(-3).map((sample) => sample.rssMiB));
    const growth = (finalMiB - baselineMiB) / baselineMiB;
    // Diagnostic, not the verdict: V8 frees medium-lived garbage in a sawtooth, so end points can land anywhere on
    // it. Peaks of the two halves after the warm-up tell a leak (second peak higher) from a sawtooth (equal peaks).
    const half = Math.ceil(afterWarmup.length / 2);
    const peakOf = (part: typeof samples) => Math.max(...part.map((sample) => sample.rssMiB));
    const peakFirstHalfMiB = peakOf(afterWarmup.slice(0, half));
    const peakSecondHalfMiB = peakOf(afterWarmup.slice(half));
    const errors = tally.errors + tally.skipped;
    const passed = errors === 0 && growth < RSS_GROWTH_TARGET;
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model.trim(),
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        pinned: HAS_TASKSET ? `server on core ${SERVER_CORE}` : "no taskset: not pinned",
      },
      settings: { ...options, eventsPerBatch: EVENTS_PER_BATCH, sink: options.pubsub ? "pubsub-emulator" : "noop" },
      load: {
        sent: tally.sent,
        ok: tally.ok,
        errors: tally.errors,
        skippedTicks: tally.skipped,
        statusCounts: tally.statusCounts,
        achievedRps: Math.round((tally.ok / options.seconds) * 10) / 10,
        p50Ms: percentile(tally.latenciesUs, 50),
        p99Ms: percentile(tally.latenciesUs, 99),
        maxMs: percentile(tally.latenciesUs, 100),
      },
      rss: {
        baselineMiB: Math.round(baselineMiB * 10) / 10,
        finalMiB: Math.round(finalMiB * 10) / 10,
        peakMiB: Math.round(Math.max(...samples.map((sample) => sample.rssMiB)) * 10) / 10,
        growthPercent: Math.round(growth * 1000) / 10,
        peakFirstHalfMiB: Math.round(peakFirstHalfMiB * 10) / 10,
        peakSecondHalfMiB: Math.round(peakSecondHalfMiB * 10) / 10,
        peakGrowthPercent: Math.round(((peakSecondHalfMiB - peakFirstHalfMiB) / peakFirstHalfMiB) * 1000) / 10,
        samples: samples.map((sample) => ({ ...sample, rssMiB: Math.round(sample.rssMiB * 10) / 10 })),
      },
      targets: { errors: 0, rssGrowthPercentBelow: RSS_GROWTH_TARGET * 100 },
      passed,
    };
    const directory = path.join(__dirname, "results");
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `soak-${result.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    console.log(
      [
        `requests  sent ${tally.sent}, 2xx ${tally.ok}, errors ${tally.errors}, skipped ticks ${tally.skipped}`,
        `latency   p50 ${result.load.p50Ms} ms, p99 ${result.load.p99Ms} ms, max ${result.load.maxMs} ms`,
        `rss       ${result.rss.baselineMiB} MiB after warm-up -> ${result.rss.finalMiB} MiB at the end ` +
          `(${result.rss.growthPercent} %, target < ${RSS_GROWTH_TARGET * 100} %), peak ${result.rss.peakMiB} MiB`,
        `          peaks of the two halves after warm-up ${result.rss.peakFirstHalfMiB} -> ` +
          `${result.rss.peakSecondHalfMiB} MiB (${result.rss.peakGrowthPercent} %, diagnostic)`,
        `verdict   ${passed ? "PASS" : "FAIL"}; written to ${path.relative(process.cwd(), file)}`,
      ].join("\n"),
    );
    process.exitCode = passed ? 0 : 1;
  } finally {
    await server.stop();
    await emulator?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
