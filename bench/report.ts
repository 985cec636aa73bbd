// The bench's verdicts: each run's ratios against its own floors (targets in docs/performance.md) and, over several
// runs, their spread. Ratios only compare figures of the same run: absolute rates move with the machine, ratios
// much less.
import type { ScenarioFigures } from "./measure";

export const TARGETS = { noopToFloorPerEvent: 0.8, pubSubToPublisherBare: 0.8, p99At80Ms: 250 };

export interface RunRatios {
  /** listener-noop / floor-per-event, requests per second (target >= 0.8). */
  listenerNoopToFloorPerEvent?: number;
  /** listener-pubsub / publisher-bare, events per second (target >= 0.8). */
  listenerPubSubToPublisherBare?: number;
  /** listener-noop / floor (per-request floor, no per-event work), for continuity with earlier reports. */
  listenerNoopToFloor?: number;
  /** p99 in ms when offered 80 % of the scenario's maximum rate (target < 250). */
  p99At80Ms: Record<string, number>;
}

export function runRatios(results: ScenarioFigures[]): RunRatios {
  const byName = new Map(results.map((r) => [r.scenario, r]));
  const ratio = (top: string, bottom: string): number | undefined => {
    const a = byName.get(top)?.eventsPerSecond;
    const b = byName.get(bottom)?.eventsPerSecond;
    return a && b ? Math.round((a / b) * 1000) / 1000 : undefined;
  };
  return {
    listenerNoopToFloorPerEvent: ratio("listener-noop", "floor-per-event"),
    listenerPubSubToPublisherBare: ratio("listener-pubsub", "publisher-bare"),
    listenerNoopToFloor: ratio("listener-noop", "floor"),
    p99At80Ms: Object.fromEntries(results.map((r) => [r.scenario, r.at80.p99Ms])),
  };
}

export interface Spread {
  values: number[];
  min: number;
  median: number;
  max: number;
}

function spread(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { values, min: sorted[0], median: Math.round(median * 1000) / 1000, max: sorted[sorted.length - 1] };
}

export function summarize(runs: RunRatios[]) {
  const defined = (pick: (r: RunRatios) => number | undefined) =>
    runs.map(pick).filter((v): v is number => v !== undefined);
  const scenarios = [...new Set(runs.flatMap((r) => Object.keys(r.p99At80Ms)))];
  return {
    listenerNoopToFloorPerEvent: spread(defined((r) => r.listenerNoopToFloorPerEvent)),
    listenerPubSubToPublisherBare: spread(defined((r) => r.listenerPubSubToPublisherBare)),
    listenerNoopToFloor: spread(defined((r) => r.listenerNoopToFloor)),
    p99At80Ms: Object.fromEntries(scenarios.map((s) => [s, spread(defined((r) => r.p99At80Ms[s]))])),
  };
}

export function printRun(index: number, results: ScenarioFigures[], ratios: RunRatios): void {
  console.log(`\nrun ${index + 1}`);
  console.log(
    `| scenario | req/s | events/s | p50 ms | p99 ms | p99 ms at 80 % | errors | peak RSS MiB | CPU % at max | ` +
      `load avg 1 min |`,
  );
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const r of results) {
    console.log(
      `| ${r.scenario} | ${r.requestsPerSecond} | ${r.eventsPerSecond} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ` +
        `${r.at80.p99Ms.toFixed(1)} | ${r.errors + r.at80.errors} | ${r.peakRssMiB} | ${r.cpuPercentAtMax} | ` +
        `${r.loadAverage1m} |`,
    );
  }
  console.log(
    `ratios: listener-noop/floor-per-event = ${ratios.listenerNoopToFloorPerEvent ?? "n/a"}, ` +
      `listener-pubsub/publisher-bare = ${ratios.listenerPubSubToPublisherBare ?? "n/a"}, ` +
      `listener-noop/floor = ${ratios.listenerNoopToFloor ?? "n/a"}`,
  );
}

export function printSummary(summary: ReturnType<typeof summarize>, runs: number): void {
  const line = (name: string, s: Spread | undefined, verdict?: (s: Spread) => boolean) => {
    if (!s) return console.log(`${name}: n/a`);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const met = verdict && (verdict(s) ? " -> target met in every run" : " -> target missed in at least one run");
    console.log(
      `${name}: runs ${s.values.map(round).join(", ")}; min ${round(s.min)}, median ${round(s.median)}, ` +
        `max ${round(s.max)}${met || ""}`,
    );
  };
  console.log(`\nover ${runs} run(s):`);
  line(
    "listener-noop / floor-per-event (>= 0.8)",
    summary.listenerNoopToFloorPerEvent,
    (s) => s.min >= TARGETS.noopToFloorPerEvent,
  );
  line(
    "listener-pubsub / publisher-bare (>= 0.8)",
    summary.listenerPubSubToPublisherBare,
    (s) => s.min >= TARGETS.pubSubToPublisherBare,
  );
  line("listener-noop / floor (no target)", summary.listenerNoopToFloor);
  for (const [scenario, s] of Object.entries(summary.p99At80Ms)) {
    line(`p99 ms at 80 %, ${scenario} (< 250)`, s, (v) => v.max < TARGETS.p99At80Ms);
  }
}

/** One row per run with both ratios and their inputs: the table docs/performance.md quotes. */
export function printRunsTable(runs: ScenarioFigures[][]): void {
  const events = (results: ScenarioFigures[], name: string) =>
    results.find((r) => r.scenario === name)?.eventsPerSecond ?? "n/a";
  const p99 = (results: ScenarioFigures[], name: string) =>
    results.find((r) => r.scenario === name)?.at80.p99Ms.toFixed(1) ?? "n/a";
  console.log(
    `\n| run | floor-per-event events/s | listener-noop events/s | ratio | publisher-bare events/s | ` +
      `listener-pubsub events/s | ratio | p99 ms at 80 %: floor-per-event / listener-noop / publisher-bare / listener-pubsub |`,
  );
  console.log(`|---:|---:|---:|---:|---:|---:|---:|---|`);
  runs.forEach((results, index) => {
    const ratios = runRatios(results);
    console.log(
      `| ${index + 1} | ${events(results, "floor-per-event")} | ${events(results, "listener-noop")} | ` +
        `${ratios.listenerNoopToFloorPerEvent ?? "n/a"} | ${events(results, "publisher-bare")} | ` +
        `${events(results, "listener-pubsub")} | ${ratios.listenerPubSubToPublisherBare ?? "n/a"} | ` +
        ["floor-per-event", "listener-noop", "publisher-bare", "listener-pubsub"]
          .map((s) => p99(results, s))
          .join(" / ") +
        " |",
    );
  });
}
