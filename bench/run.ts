// `npm run bench [-- --seconds N] [--runs N] [--only floor,floor-per-event,listener-noop,...]`: the listener's and
// dispatcher's benchmarks, side by side on 127.0.0.1, the whole set repeated `--runs` times. Prints each run's table
// and ratios, then their spread, and writes bench/results/<timestamp>.json. Not part of `npm test`: it takes
// minutes, and its numbers are only meaningful as ratios against the floors measured in the same run.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PUSH_PATTERNS, runDispatcherScenario, type DispatcherFigures } from "./dispatcher-scenario";
import { CONNECTIONS, type ScenarioFigures } from "./measure";
import { HAS_TASKSET, startChild } from "./processes";
import { printRun, printRunsTable, printSummary, runRatios, summarize, TARGETS, type RunRatios } from "./report";
import { EVENTS_PER_BATCH } from "./requests";
import { HTTP_SCENARIOS, LOAD_CORE, runScenarios, SERVER_CORE } from "./scenarios";

interface Run {
  results: ScenarioFigures[];
  ratios: RunRatios;
  dispatcher: DispatcherFigures[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "10" },
      runs: { type: "string", default: "1" },
      only: { type: "string", default: "" },
    },
  });
  const seconds = Number(values.seconds);
  const runCount = Number(values.runs);
  if (!(runCount >= 1)) throw new Error("--runs must be a number >= 1");
  const only = new Set(values.only ? values.only.split(",") : []);
  const known = new Set<string>([...HTTP_SCENARIOS, "dispatcher"]);
  for (const name of only) if (!known.has(name)) throw new Error(`unknown scenario ${name}; known: ${[...known]}`);
  const wanted = (name: string) => only.size === 0 || only.has(name);

  const runs: Run[] = [];
  const notes: string[] = [];
  const load = await startChild(path.join(__dirname, "load-worker.ts"), { core: LOAD_CORE });
  try {
    for (let index = 0; index < runCount; index++) {
      const results = await runScenarios(wanted, load, seconds, notes);
      const dispatcher: DispatcherFigures[] = [];
      if (wanted("dispatcher")) {
        for (const pattern of PUSH_PATTERNS) dispatcher.push(await runDispatcherScenario(seconds, pattern));
      }
      const run: Run = { results, ratios: runRatios(results), dispatcher };
      runs.push(run);
      printRun(index, run.results, run.ratios);
      printDispatcher(dispatcher);
    }
  } finally {
    await load.stop();
  }

  const summary = summarize(runs.map((run) => run.ratios));
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      pinned: HAS_TASKSET ? `server on core ${SERVER_CORE}, load on core ${LOAD_CORE}` : "not pinned (no taskset)",
    },
    settings: { seconds, runs: runCount, connections: CONNECTIONS, eventsPerBatch: EVENTS_PER_BATCH },
    targets: TARGETS,
    summary,
    runs,
    notes: [...new Set(notes)],
  };
  const dir = path.join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${report.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));

  printRunsTable(runs.map((run) => run.results));
  printSummary(summary, runCount);
  for (const note of report.notes) console.log(note);
  console.log(`\nwritten: ${path.relative(process.cwd(), file)}`);
}

function printDispatcher(dispatcher: DispatcherFigures[]): void {
  if (dispatcher.length === 0) return;
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
