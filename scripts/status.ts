/**
 * `npm run status -- --stack S [--json]`: is each trigger working? One line per trigger — Creating / Active / Error,
 * since when, the last verified delivery, dead letters, the last error or why — from the stack's outputs, its status
 * store (the Firestore database the listener and dispatcher write to) and, in api mode, HubSpot's subscriptions.
 * docs/status.md says what each state means.
 *
 * Exit 0: no trigger in Error; 1: at least one in Error (a deployment pipeline can gate on it); 2: cannot tell
 * (usage, outputs unreadable, status store unreadable). With --json, stdout carries the JSON report only.
 * Credentials: Google's application default credentials (reading the status database needs roles/datastore.viewer
 * on it); in api mode HUBSPOT_DEVELOPER_API_KEY or HUBSPOT_DEVELOPER_OAUTH_TOKEN, as for `pulumi up`.
 */
import { openStatusStore } from "../components/status/read-signals";
import { exitOnUsageError, parseCommandLine, UsageError } from "./lib/command-line";
import { readStackOutputs, StackOutputsError } from "./lib/stack-outputs";
import { collectStatus, hubspotAccessFromEnv, projectOf } from "./lib/status/collect";
import { CONNECTORS_ROOT_URL_ENV } from "./lib/status/managed";
import { renderStatus } from "./lib/status/render";

const USAGE = "usage: npm run status -- --stack NAME [--json]";

export const STATUS_EXIT = { ok: 0, error: 1, cannotTell: 2 } as const;

function cannotTell(message: string): never {
  process.stderr.write(`status: ${message}\n`);
  process.exit(STATUS_EXIT.cannotTell);
}

async function main(): Promise<void> {
  const values = parseCommandLine(USAGE, {
    stack: { type: "string", short: "s" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.stack) throw new UsageError(`--stack is required\n${USAGE}`);
  const stack = values.stack;

  let outputs;
  try {
    outputs = await readStackOutputs(stack);
  } catch (error) {
    if (error instanceof StackOutputsError) cannotTell(error.message);
    throw error;
  }
  if (!outputs.statusDatabase) {
    cannotTell(`stack "${stack}" has no statusDatabase output: it predates the status store; run \`pulumi up\``);
  }
  const store = openStatusStore({ projectId: projectOf(outputs), databaseId: outputs.statusDatabase });
  let status;
  try {
    const rootUrl = process.env[CONNECTORS_ROOT_URL_ENV];
    status = await collectStatus(stack, outputs, store, hubspotAccessFromEnv(process.env), Date.now(), {
      ...(rootUrl ? { rootUrl } : {}),
    });
  } catch (error) {
    cannotTell(
      `cannot read the status of stack "${stack}" (database ${outputs.statusDatabase}): ${(error as Error).message}`,
    );
  } finally {
    await store.terminate();
  }
  process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  process.exitCode = status.triggers.some((t) => t.state === "Error") ? STATUS_EXIT.error : STATUS_EXIT.ok;
}

main().catch((error: unknown) => {
  exitOnUsageError(error);
  cannotTell(error instanceof Error ? error.message : String(error));
});
