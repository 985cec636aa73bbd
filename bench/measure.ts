// One scenario's figures: a warm-up, the maximum rate (closed loop), then latency when offered 80 % of that maximum
// (open loop). Whatever is driven (HTTP requests to a server, or batches a publisher sends) answers a LoadResult.
import { loadavg } from "node:os";
import { percentile, type LoadResult, type PacedJob } from "./load-generator";
import { EVENTS_PER_BATCH } from "./requests";

export const CONNECTIONS = 16;

export interface ScenarioFigures {
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
  /**
   * The machine's 1-minute load average after the maximum-rate phase. The server and the load generator account for
   * about 2 of it; much more means something else competed for the 2 cores and the figures are noise.
   */
  loadAverage1m: number;
  /** CPU the process under test used during the maximum-rate phase, in % of one core: ~100 means CPU-bound. */
  cpuPercentAtMax: number;
}

export interface Measured {
  name: string;
  description: string;
  drive(job: PacedJob): Promise<LoadResult>;
  peakRssMiB(): number;
  cpuSeconds(): number;
}

function rps(result: LoadResult): number {
  return (result.ok * 1000) / result.elapsedMs;
}

export async function measure(target: Measured, seconds: number): Promise<ScenarioFigures> {
  const job = (durationMs: number, targetRate: number): PacedJob => ({
    connections: CONNECTIONS,
    durationMs,
    targetRate,
  });
  await target.drive(job(Math.min(3000, seconds * 1000), 0)); // warm-up: JIT, connections, caches
  const cpuBefore = target.cpuSeconds();
  const max = await target.drive(job(seconds * 1000, 0));
  const cpuPercentAtMax = Math.round(((target.cpuSeconds() - cpuBefore) * 100_000) / max.elapsedMs);
  const maxRps = rps(max);
  const loadAverage1m = Math.round(loadavg()[0] * 10) / 10;
  const at80 = await target.drive(job(seconds * 1000, 0.8 * maxRps));
  if (max.errors + at80.errors > 0) {
    console.error(`${target.name}: ${max.errors + at80.errors} errors`, max.statusCounts, at80.statusCounts);
  }
  return {
    scenario: target.name,
    description: target.description,
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
    peakRssMiB: target.peakRssMiB(),
    loadAverage1m,
    cpuPercentAtMax,
  };
}
