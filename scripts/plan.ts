/**
 * `npm run plan -- [--stack dev] [--json] [--config-file PATH]`: what `pulumi up` would create, computed offline
 * under Pulumi's mock engine (no CLI, no credentials). Exit 1 on invalid config, with every problem on stderr.
 */
import { parseArgs } from "node:util";
import { ConfigValidationError } from "../infra/config/problems";
import { renderPlan } from "../infra/offline/render";
import { planStack } from "../infra/offline/run-program";
import { StackFileError } from "../infra/offline/stack-file";

const USAGE = "usage: npm run plan -- [--stack NAME] [--json] [--config-file PATH] [--program PATH]";

function fail(error: unknown): never {
  if (error instanceof ConfigValidationError || error instanceof StackFileError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", short: "s", default: "dev" },
      json: { type: "boolean", default: false },
      "config-file": { type: "string" },
      // Another program than infra/index.ts (tests plan a fixture program with it).
      program: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // With --json, stdout carries the JSON document only: anything the program logs goes to stderr.
  if (values.json) console.log = (...args: unknown[]) => console.error(...args);
  process.on("unhandledRejection", fail);
  const plan = await planStack({ stack: values.stack, configFile: values["config-file"], program: values.program });
  const text = values.json
    ? JSON.stringify({ resources: plan.resources, outputs: plan.outputs }, null, 2)
    : renderPlan(plan);
  process.stdout.write(`${text}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(error),
);
