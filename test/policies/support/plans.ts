/**
 * The repository's stacks planned offline by `scripts/plan.ts --json`, in a child process (the plan replaces Pulumi's
 * process-wide mock runtime, which the mocha process already uses). Each plan runs once per test process: several
 * spec files compare the pack's verdicts on the same three plans.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { PlanListedResource, PolicyViolation } from "../../../policies/offline";

const ROOT = path.resolve(__dirname, "../../..");

/** A stack config that passes config validation and breaks the prod policy config (see its header). */
export const BAD_POLICY_STACK = "test/fixtures/policy-stacks/Pulumi.bad-policy.yaml";

export interface PlanRun {
  status: number | null;
  resources: PlanListedResource[];
  /** The policy environment the plan chose (its config file is policies/config/<environment>.json or a fallback). */
  environment: string;
  /** What `npm run plan` itself reported: the offline evaluator, with the stack's own environment. */
  violations: PolicyViolation[];
}

const runs = new Map<string, PlanRun>();

/** The plan of `npm run plan -- --json <args>`; shared between specs, so copy it (structuredClone) before editing. */
export function plan(args: string[]): PlanRun {
  const key = args.join(" ");
  const cached = runs.get(key);
  if (cached) return cached;
  const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/plan.ts", "--json", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  let json: { resources: PlanListedResource[]; policy: { environment: string; violations: PolicyViolation[] } };
  try {
    json = JSON.parse(run.stdout) as typeof json;
  } catch {
    throw new Error(`npm run plan -- --json ${key} printed no JSON (exit ${run.status}):\n${run.stderr}`);
  }
  const result: PlanRun = {
    status: run.status,
    resources: json.resources,
    environment: json.policy.environment,
    violations: json.policy.violations,
  };
  runs.set(key, result);
  return result;
}
