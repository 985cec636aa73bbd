/**
 * A stand-in `pulumi` executable for tests of the operator tools: a small node script in a temp directory that
 * answers `pulumi stack output --json --stack S` with the outputs given for S and fails as the real CLI does
 * otherwise, recording every invocation. Put `binDir` first on PATH (or pass `pulumiCommand`) in the tool under test.
 *
 *   const pulumi = createPulumiCliStandIn({ stacks: { dev: outputs } });
 *   await readStackOutputs("dev", { pulumiCommand: pulumi.pulumiCommand });
 *   pulumi.invocations(); // [{ args: ["stack", "output", "--json", "--stack", "dev"], cwd }]
 *   pulumi.cleanup();
 *
 * The failures mirror pulumi/pulumi: errors print as "error: <message>" on stderr with exit code 255
 * (sdk/go/common/util/cmdutil/exit.go, ExitError exits -1); "no stack named '%s' found" and "no stack selected;
 * please use `pulumi stack select` to choose one" come from pkg/cmd/pulumi/stack/io.go (RequireStack,
 * ChooseStack when not interactive); "PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI
 * sessions" from the Pulumi Cloud backend's login (pkg/backend/httpstate).
 */
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface PulumiCliStandInOptions {
  /** What `stack output --json --stack <name>` prints, per stack name; any other name is "no stack named". */
  stacks: Record<string, unknown>;
  /** false: every command fails as the real CLI does without a backend login in a non-interactive session. */
  loggedIn?: boolean;
}

export interface PulumiInvocation {
  args: string[];
  cwd: string;
}

export interface PulumiCliStandIn {
  /** The directory holding the `pulumi` executable: prepend it to PATH. */
  binDir: string;
  /** The executable's absolute path. */
  pulumiCommand: string;
  /** Every invocation so far, oldest first. */
  invocations(): PulumiInvocation[];
  /** Remove the directory (idempotent). */
  cleanup(): void;
}

/** The executable: plain CommonJS for the node on PATH, reading its answers from state.json beside it. */
const SCRIPT = `#!/usr/bin/env node
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const dir = __dirname;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "invocations.jsonl"), JSON.stringify({ args, cwd: process.cwd() }) + "\\n");
const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
function fail(message) {
  process.stderr.write("error: " + message + "\\n");
  process.exit(255);
}
if (!state.loggedIn) fail("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
if (args[0] !== "stack" || args[1] !== "output" || !(args.includes("--json") || args.includes("-j"))) {
  fail("the pulumi stand-in answers only \`pulumi stack output --json --stack S\`, not: pulumi " + args.join(" "));
}
let stack = "";
for (let i = 2; i < args.length; i++) {
  if (args[i] === "--stack" || args[i] === "-s") stack = args[i + 1] || "";
  else if (args[i].startsWith("--stack=")) stack = args[i].slice("--stack=".length);
}
if (!stack) fail("no stack selected; please use \`pulumi stack select\` to choose one");
if (!Object.prototype.hasOwnProperty.call(state.stacks, stack)) fail("no stack named '" + stack + "' found");
// The real CLI prints the outputs as indented JSON (pkg/cmd/pulumi/ui FprintJSON).
process.stdout.write(JSON.stringify(state.stacks[stack], null, 4) + "\\n");
`;

export function createPulumiCliStandIn(options: PulumiCliStandInOptions): PulumiCliStandIn {
  const binDir = mkdtempSync(path.join(tmpdir(), "pulumi-stand-in-"));
  const pulumiCommand = path.join(binDir, "pulumi");
  const invocationsFile = path.join(binDir, "invocations.jsonl");
  writeFileSync(
    path.join(binDir, "state.json"),
    JSON.stringify({ stacks: options.stacks, loggedIn: options.loggedIn ?? true }),
  );
  writeFileSync(pulumiCommand, SCRIPT);
  chmodSync(pulumiCommand, 0o755);
  appendFileSync(invocationsFile, "");
  return {
    binDir,
    pulumiCommand,
    invocations: () =>
      existsSync(invocationsFile)
        ? readFileSync(invocationsFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as PulumiInvocation)
        : [],
    cleanup: () => rmSync(binDir, { recursive: true, force: true }),
  };
}

/** Outputs as `infra/index.ts` exports them for a stack in `project`, in the shape `pulumi stack output --json` prints. */
export function sampleStackOutputs(project = "hubspot-test"): Record<string, unknown> {
  return {
    webhookUrl: `https://hubspot-listener-abc123-ew.a.run.app/webhooks/hubspot`,
    eventsTopic: `projects/${project}/topics/hubspot-dev-events`,
    deadLetterTopic: `projects/${project}/topics/hubspot-dev-dead-letter`,
    deadLetterSubscription: `projects/${project}/subscriptions/hubspot-dev-dead-letter-retention`,
    serviceAccounts: {
      listener: `hubspot-dev-listener@${project}.iam.gserviceaccount.com`,
      trigger: `hubspot-dev-trigger@${project}.iam.gserviceaccount.com`,
      push: `hubspot-dev-push@${project}.iam.gserviceaccount.com`,
    },
    dispatcherUrl: "https://hubspot-dispatcher-abc123-ew.a.run.app",
    serviceAttachment: null,
    secrets: { clientSecret: { secret: `projects/${project}/secrets/hubspot-dev-client-secret`, version: "1" } },
    triggers: [
      {
        name: "deals",
        eventTypes: ["deal.creation", "deal.propertyChange"],
        subscription: `projects/${project}/subscriptions/hubspot-dev-trigger-deals-0a1b2c3d-5e6f7a8`,
      },
    ],
    registration: { mode: "manual", status: "Creating", statusMessage: "", subscriptionIds: {} },
  };
}
