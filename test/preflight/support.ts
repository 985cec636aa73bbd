// Helpers for the preflight specs: the offline plans of the repository's stacks and the preflight CLI, both run as
// child processes (the plan replaces Pulumi's process-wide mock runtime, which this mocha process already uses).
// Spawned asynchronously: the Google stand-in serves from this process's event loop while the child runs.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { PlannedResource } from "../../scripts/lib/preflight/permissions";

export const ROOT = path.resolve(__dirname, "../..");
export const NO_APIS_STACK = "test/preflight/fixtures/Pulumi.no-apis.yaml";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), script, ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export interface StackPlan {
  project: string;
  resources: PlannedResource[];
}

/** `npm run plan -- --json` for a stack; the project is the stack file's gcp:project, read off the resources' default. */
export async function planOf(args: string[], project: string): Promise<StackPlan> {
  const result = await run("scripts/plan.ts", ["--json", ...args]);
  const json = JSON.parse(result.stdout) as { resources: PlannedResource[] };
  return { project, resources: json.resources };
}

/** An environment with no credential anywhere google-auth-library looks, and no metadata server probe. */
export function credentialFreeEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, METADATA_SERVER_DETECTION: "none" };
  for (const key of [
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    "CLOUDSDK_CONFIG",
    "PREFLIGHT_API_ROOT",
  ]) {
    delete env[key];
  }
  return env;
}
