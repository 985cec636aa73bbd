/**
 * `npm run plan -- [--stack dev] [--json] [--config-file PATH]`: what `pulumi up` would create, computed offline
 * under Pulumi's mock engine (no CLI, no credentials), then the policy pack on it with the environment's policy
 * config (policies/config/<env>.json), as `pulumi preview --policy-pack policies` would. Exit 1 on invalid config
 * (every problem on stderr) or on a mandatory policy violation.
 */
import { ConfigValidationError } from "../infra/config/problems";
import { renderPlan } from "./lib/offline-plan/render";
import { planStack } from "./lib/offline-plan/run-program";
import { StackFileError } from "./lib/offline-plan/stack-file";
import {
  evaluatePolicies,
  formatViolations,
  fromPlanResources,
  hasMandatoryViolations,
  loadPolicyConfig,
} from "../policies/offline";
import { exitOnUsageError, parseCommandLine } from "./lib/command-line";

const USAGE = "usage: npm run plan -- [--stack NAME] [--json] [--config-file PATH] [--program PATH]";

function fail(error: unknown): never {
  exitOnUsageError(error);
  if (error instanceof ConfigValidationError || error instanceof StackFileError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

async function main(): Promise<void> {
  const values = parseCommandLine(USAGE, {
    stack: { type: "string", short: "s", default: "dev" },
    json: { type: "boolean", default: false },
    "config-file": { type: "string" },
    // Another program than infra/index.ts (tests plan a fixture program with it).
    program: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // With --json, stdout carries the JSON document only: anything the program logs goes to stderr.
  if (values.json) console.log = (...args: unknown[]) => console.error(...args);
  process.on("unhandledRejection", fail);
  const plan = await planStack({ stack: values.stack, configFile: values["config-file"], program: values.program });
  const violations = evaluatePolicies(
    fromPlanResources(plan.stack, plan.project, plan.resources),
    loadPolicyConfig(plan.environment),
  );
  // A dynamic resource's `__provider` input is its serialized provider code (tens of KB): not something to review.
  const resources = plan.resources.map(({ type, name, parent, inputs }) => {
    const { __provider: code, ...rest } = inputs;
    return {
      type,
      name,
      parent,
      inputs: code === undefined ? rest : { ...rest, __provider: "[dynamic provider code]" },
    };
  });
  const text = values.json
    ? JSON.stringify(
        { resources, outputs: plan.outputs, policy: { environment: plan.environment, violations } },
        null,
        2,
      )
    : `${renderPlan(plan)}\n\n${formatViolations(violations)}`;
  process.stdout.write(`${text}\n`);
  if (hasMandatoryViolations(violations)) {
    process.stderr.write("plan blocked: mandatory policy violations (see above)\n");
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => fail(error),
);
