// `npm run redrive -- --stack S [--max N] [--dry-run] [--exclude-reason R]...` (or the names as flags, which win)
import { exitOnUsageError, parseCommandLine } from "./lib/command-line";
import { redrive, validateRedriveOptions, type RedriveOptions, type RedriveSummary } from "./lib/redrive";
import { createRedriveProgress, showsProgress, type RedriveProgress } from "./lib/redrive-progress";
import { describeRedrive } from "./lib/redrive-report";
import { resolveRedriveTarget, type RedriveTarget } from "./lib/redrive-target";
import { readStackOutputs, StackOutputsError } from "./lib/stack-outputs";

const USAGE = [
  "usage: npm run redrive -- --stack S [--max N] [--batch-size N] [--dry-run] [--exclude-reason R]... [--json]",
  "       npm run redrive -- --project P --subscription DLQ_SUB --topic EVENTS_TOPIC [...]",
  "  --stack S          read the dead-letter subscription, the events topic and the project from the stack's",
  "                     outputs (`pulumi stack output`); --project, --subscription and --topic, when given, win",
  "  --max N            stop after N dead letters (also the total the progress bar counts down to)",
  "  --dry-run          count what would be republished, by reason; republish and acknowledge nothing",
  "  --exclude-reason R leave dead letters whose `reason` attribute is R where they are (repeatable)",
  "  --json             print the summary as one JSON object (no progress, no target line)",
  "  Progress (counts, rate, time left with --max) is drawn on stderr when stdout and stderr are terminals.",
].join("\n");

function describeTarget(target: RedriveTarget, stack: string | undefined): string {
  const from = (source: string) => (source === "stack" ? ` (stack ${stack})` : source === "flag" ? " (flag)" : "");
  return (
    `dead letter ${target.subscription}${from(target.sources.subscription)} -> ` +
    `${target.topic}${from(target.sources.topic)}, project ${target.project}${from(target.sources.project)}`
  );
}

async function main(): Promise<void> {
  const values = parseCommandLine(USAGE, {
    stack: { type: "string" },
    project: { type: "string" },
    subscription: { type: "string" },
    topic: { type: "string" },
    max: { type: "string" },
    "batch-size": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "exclude-reason": { type: "string", multiple: true, default: [] },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const outputs = values.stack === undefined ? undefined : await readStackOutputs(values.stack);
  const target = resolveRedriveTarget(values, outputs);
  const options: RedriveOptions = {
    project: target.project,
    subscription: target.subscription,
    topic: target.topic,
    max: values.max === undefined ? undefined : Number(values.max),
    batchSize: values["batch-size"] === undefined ? undefined : Number(values["batch-size"]),
    dryRun: values["dry-run"],
    excludeReasons: values["exclude-reason"],
  };
  const problems = validateRedriveOptions(options);
  if (problems.length > 0) throw new Error(`invalid redrive options:\n- ${problems.join("\n- ")}`);
  // Where the person reading the summary can see it, never on a machine's stdout.
  if (!values.json) process.stderr.write(`${describeTarget(target, values.stack)}\n`);

  const progress: RedriveProgress | undefined =
    !values.json && showsProgress(process.stdout, process.stderr)
      ? createRedriveProgress({ stream: process.stderr, total: options.max, dryRun: Boolean(options.dryRun) })
      : undefined;
  // Ctrl-C stops pulling; what was read and not republished goes back to the dead letter before exiting.
  const interrupt = new AbortController();
  process.once("SIGINT", () => interrupt.abort());
  let summary: RedriveSummary;
  try {
    summary = await redrive({
      ...options,
      onProgress: progress ? (counts) => progress.update(counts) : undefined,
      signal: interrupt.signal,
    });
  } finally {
    progress?.stop();
  }
  if (values.json) {
    console.log(JSON.stringify(summary));
  } else {
    for (const line of describeRedrive(summary, values["exclude-reason"])) console.log(line);
    if (interrupt.signal.aborted)
      console.log("interrupted: what was read and not republished is back in the dead letter");
  }
  if (summary.failed > 0) process.exitCode = 2;
}

main().catch((error: unknown) => {
  exitOnUsageError(error);
  const prefix = error instanceof StackOutputsError ? "redrive: " : "";
  console.error(prefix + (error instanceof Error ? error.message : String(error)));
  process.exitCode = 1;
});
