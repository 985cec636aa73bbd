// `npm run redrive -- --project P --subscription DLQ_SUB --topic EVENTS_TOPIC [--max N] [--dry-run] [--exclude-reason R]`
import { exitOnUsageError, parseCommandLine } from "./lib/command-line";
import { redrive } from "./lib/redrive";

const USAGE =
  "usage: npm run redrive -- --project P --subscription DLQ_SUB --topic EVENTS_TOPIC [--max N] [--batch-size N] [--dry-run] [--exclude-reason R] [--json]";

async function main(): Promise<void> {
  const values = parseCommandLine(USAGE, {
    project: { type: "string", default: process.env.GOOGLE_CLOUD_PROJECT ?? "" },
    subscription: { type: "string", default: "" },
    topic: { type: "string", default: "" },
    max: { type: "string" },
    "batch-size": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "exclude-reason": { type: "string", multiple: true, default: [] },
    json: { type: "boolean", default: false },
  });
  const summary = await redrive({
    project: values.project,
    subscription: values.subscription,
    topic: values.topic,
    max: values.max === undefined ? undefined : Number(values.max),
    batchSize: values["batch-size"] === undefined ? undefined : Number(values["batch-size"]),
    dryRun: values["dry-run"],
    excludeReasons: values["exclude-reason"],
  });
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(
    `${summary.dryRun ? "dry run: " : ""}pulled ${summary.pulled}, republished ${summary.republished}, ` +
      `acknowledged ${summary.acknowledged}, skipped ${summary.skipped}, failed ${summary.failed}`,
  );
  for (const [reason, count] of Object.entries(summary.reasons)) console.log(`  reason ${reason}: ${count}`);
  if (summary.failed > 0) process.exitCode = 2;
}

main().catch((error: unknown) => {
  exitOnUsageError(error);
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
