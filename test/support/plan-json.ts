// `npm run plan -- --json` in a child process, as a user runs it: the plan installs Pulumi's process-wide mock
// runtime, which a mocha process that already has mocks must not replace.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export interface PlannedResourceJson {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface PlanJson {
  resources: PlannedResourceJson[];
  outputs: Record<string, unknown>;
  policy: { violations: Array<{ policy: string; level: string }> };
}

/** The plan's JSON document for these `scripts/plan.ts` arguments (`--json` is added). */
export async function planJson(args: string[]): Promise<PlanJson> {
  const { stdout } = await promisify(execFile)(TSX, ["scripts/plan.ts", "--json", ...args], {
    cwd: ROOT,
    maxBuffer: 32 * 1024 * 1024,
  });
  return JSON.parse(stdout) as PlanJson;
}
