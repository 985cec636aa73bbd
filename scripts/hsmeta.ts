/*
 * `npm run hsmeta -- --stack dev --out src/app/webhooks/webhooks-hsmeta.json [--target-url URL] [--uid UID]`
 *
 * Renders the webhooks component of a HubSpot developer-platform project (registration mode `project`) from a
 * stack's config, for `hs project upload`. The target URL is the deployed listener's: --target-url, else
 * `pulumi stack output webhookUrl --stack <stack>` (needs the Pulumi CLI and a deployed stack).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hsmetaText, renderHsmeta } from "../components/hubspot/hsmeta";
import { subscriptionsFromTriggers } from "../components/hubspot/subscriptions";
import {
  NAMESPACE,
  rawValuesFromConfigMap,
  SECRET_KEYS,
  validateStackConfig,
  type RawStackConfig,
} from "../infra/config";
import { loadStackFile } from "./lib/offline-plan/stack-file";
import { exitOnUsageError, parseCommandLine } from "./lib/command-line";

const USAGE =
  "usage: npm run hsmeta -- --stack <stack> [--out FILE] [--target-url https://...] [--uid UID] [--config FILE]";

/** The stack file's engine-style config map as the validator reads it. */
function rawConfig(config: Record<string, string>): RawStackConfig {
  const raw: RawStackConfig = { values: rawValuesFromConfigMap(config), secrets: {}, unknownKeys: [] };
  for (const key of SECRET_KEYS) {
    const value = config[`${NAMESPACE}:${key}`];
    if (value) raw.secrets[key] = value;
  }
  return raw;
}

function deployedWebhookUrl(stack: string): string {
  try {
    return execFileSync("pulumi", ["stack", "output", "webhookUrl", "--stack", stack], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "the pulumi CLI is not installed"
        : (error as Error).message.split("\n")[0];
    throw new Error(
      `--target-url is missing and \`pulumi stack output webhookUrl --stack ${stack}\` failed (${reason}): pass the listener's webhook URL with --target-url`,
    );
  }
}

export function main(argv: string[]): string {
  const values = parseCommandLine(
    USAGE,
    {
      stack: { type: "string" },
      out: { type: "string" },
      "target-url": { type: "string" },
      uid: { type: "string" },
      config: { type: "string" },
    },
    argv,
  );
  if (!values.stack) throw new Error(`--stack is missing\n${USAGE}`);
  const stackFile = loadStackFile(values.stack, { configFile: values.config });
  const config = validateStackConfig(rawConfig(stackFile.config), {
    stack: values.stack,
    project: stackFile.config["gcp:project"],
    gcpRegion: stackFile.config["gcp:region"],
  });
  if (config.registration.mode !== "project") {
    console.error(
      `note: stack ${values.stack} registers in ${config.registration.mode} mode; rendering the project file anyway`,
    );
  }
  const text = hsmetaText(
    renderHsmeta({
      uid: values.uid ?? `${config.connectionName}-webhooks`,
      targetUrl: values["target-url"] ?? deployedWebhookUrl(values.stack),
      maxConcurrentRequests: config.registration.maxConcurrentRequests,
      subscriptions: subscriptionsFromTriggers(config.triggers),
    }),
  );
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, text);
  } else {
    process.stdout.write(text);
  }
  return text;
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    exitOnUsageError(error);
    console.error(`hsmeta: ${(error as Error).message}`);
    process.exit(1);
  }
}
