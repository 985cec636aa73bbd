/**
 * `npm run preflight -- [--stack dev] [--config-file PATH] [--json] [--api-root URL]`: before any change, check with
 * the deployer's Google credentials that they hold every IAM permission `pulumi up` needs for this stack (per project)
 * and that the stack's APIs are on, and print exactly what is missing.
 *
 * What is needed comes from the offline plan (`npm run plan`), per resource type (scripts/lib/preflight/permissions.ts)
 * and from components/apis.ts. Exit 0: nothing missing; 1: something missing; 2: cannot check (no credentials, bad
 * options or config, a call that failed). With --json, stdout carries the JSON report only.
 * --api-root (or PREFLIGHT_API_ROOT) points both Google clients at another root URL, e.g. the test stand-in.
 */
import { parseArgs } from "node:util";
import { ConfigValidationError } from "../infra/config/problems";
import { planStack } from "./lib/offline-plan/run-program";
import { loadStackFile, StackFileError } from "./lib/offline-plan/stack-file";
import { neededApis } from "./lib/preflight/apis";
import { createClients, NoCredentialsError, resolveCredentials } from "./lib/preflight/google";
import { neededPermissions, UnknownResourceTypeError } from "./lib/preflight/permissions";
import { renderText, runPreflight } from "./lib/preflight/report";

const USAGE = "usage: npm run preflight -- [--stack NAME] [--config-file PATH] [--json] [--api-root URL]";
export const API_ROOT_ENV = "PREFLIGHT_API_ROOT";

/** Exit 2 with one line: problems the user fixes without a stack trace. */
function cannotCheck(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string", short: "s", default: "dev" },
        "config-file": { type: "string" },
        json: { type: "boolean", default: false },
        "api-root": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    return cannotCheck(`preflight: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

/** `hubspot-trigger:enableApis` as the program reads it: true unless the stack sets it false. */
function enableApisOf(config: Record<string, string | undefined>): boolean {
  return String(config["hubspot-trigger:enableApis"] ?? "true").trim() !== "false";
}

async function main(): Promise<void> {
  const values = parseOptions();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const apiRoot = values["api-root"] ?? process.env[API_ROOT_ENV];
  if (apiRoot !== undefined && !/^https?:\/\/[^/]+/.test(apiRoot)) {
    cannotCheck(`preflight: --api-root must be an http(s) URL, got "${apiRoot}"\n${USAGE}`);
  }
  // With --json, stdout carries the JSON document only: anything the program logs goes to stderr.
  if (values.json) console.log = (...args: unknown[]) => console.error(...args);

  // Credentials first: without them nothing can be checked, and finding out costs no plan.
  const credentials = await resolveCredentials();
  const stackFile = loadStackFile(values.stack, { configFile: values["config-file"] });
  const plan = await planStack({ stack: values.stack, configFile: values["config-file"] });
  const report = await runPreflight(createClients(credentials, apiRoot), {
    stack: plan.stack,
    credentials: credentials.source,
    enableApis: enableApisOf(stackFile.config),
    defaultProject: plan.project,
    permissions: neededPermissions(plan.resources, plan.project),
    apis: neededApis(plan.resources, plan.project),
  });
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : renderText(report)}\n`);
  process.exitCode = report.exitCode;
}

function fail(error: unknown): never {
  if (
    error instanceof NoCredentialsError ||
    error instanceof UnknownResourceTypeError ||
    error instanceof ConfigValidationError ||
    error instanceof StackFileError
  ) {
    return cannotCheck(error.message);
  }
  return cannotCheck(`preflight failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

process.on("unhandledRejection", fail);
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => fail(error),
);
