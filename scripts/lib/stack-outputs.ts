/**
 * The outputs of a deployed stack, as the operator tools (`redrive`, `status`) read them: `pulumi stack output --json
 * --stack S` (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/), checked against the contract
 * `infra/index.ts` exports (components/outputs.ts).
 *
 * Without `--show-secrets` the CLI prints every secret output as the string "[secret]" (pulumi/pulumi
 * pkg/cmd/pulumi/stack/stack_output.go passes the outputs through display.MassageSecrets). The tools need no secret
 * value, so they never ask for one; an output they need that arrives as "[secret]" is reported as such.
 */
import { execFile, type ExecFileException } from "node:child_process";
import * as path from "node:path";
import { z } from "zod";
import { EVENT_TYPES } from "../../contract/events";
import type { StackOutputs } from "../../components/outputs";

export type { StackOutputs } from "../../components/outputs";

export interface ReadStackOutputsOptions {
  /** Where to run `pulumi` (default: the repository root, which holds Pulumi.yaml). */
  cwd?: string;
  /** The CLI to run (default: `pulumi` from PATH). */
  pulumiCommand?: string;
  env?: NodeJS.ProcessEnv;
}

/** A stack whose outputs could not be read or do not match the contract: the message says what to do. */
export class StackOutputsError extends Error {
  override name = "StackOutputsError";
}

/** What `pulumi stack output` prints for a secret output without `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

const REPOSITORY_ROOT = path.resolve(__dirname, "../..");
const FULL_TOPIC = /^projects\/[^/]+\/topics\/[^/]+$/;
const FULL_SUBSCRIPTION = /^projects\/[^/]+\/subscriptions\/[^/]+$/;

const name = (rule: string) => z.string({ error: rule }).min(1, { error: rule });
const fullTopic = z.string({ error: "a full topic name projects/P/topics/T" }).regex(FULL_TOPIC, {
  error: "a full topic name projects/P/topics/T",
});
const fullSubscription = z
  .string({ error: "a full subscription name projects/P/subscriptions/S" })
  .regex(FULL_SUBSCRIPTION, { error: "a full subscription name projects/P/subscriptions/S" });
const secretReference = z.object(
  { secret: name("a Secret Manager secret id"), version: name("a secret version") },
  { error: "a Secret Manager reference { secret, version }" },
);

/**
 * The contract of components/outputs.ts. Objects are loose: outputs and fields other issues add pass through
 * untouched. Optional outputs may be absent or null (an undefined export prints as null or not at all).
 */
const stackOutputsSchema = z.looseObject({
  webhookUrl: name("the listener's webhook URL"),
  eventsTopic: fullTopic,
  deadLetterTopic: fullTopic,
  deadLetterSubscription: fullSubscription,
  serviceAccounts: z.looseObject(
    {
      listener: name("the listener's service account email"),
      trigger: name("the dispatcher's service account email"),
      push: name("the push subscriptions' service account email"),
    },
    { error: "the service account emails { listener, trigger, push }" },
  ),
  dispatcherUrl: name("the dispatcher's URL"),
  serviceAttachment: name("the service attachment's self link").optional(),
  secrets: z.looseObject(
    {
      clientSecret: secretReference,
      previousClientSecret: secretReference.optional(),
      accessToken: secretReference.optional(),
    },
    { error: "the Secret Manager references { clientSecret, ... }" },
  ),
  triggers: z.array(
    z.looseObject({
      name: name("the trigger's name"),
      eventTypes: z.array(z.enum(EVENT_TYPES, { error: `one of ${EVENT_TYPES.join(", ")}` })),
      subscription: fullSubscription,
    }),
    { error: "a list of triggers" },
  ),
  registration: z
    .looseObject({
      mode: name("the registration mode"),
      status: name("the registration status"),
      statusMessage: z.string({ error: "a status message" }),
      subscriptionIds: z.record(z.string(), z.string(), { error: "HubSpot subscription ids by event type" }),
      hsmeta: z.string().optional(),
      manualSteps: z.array(z.string()).optional(),
    })
    .optional(),
  /** Absent from stacks last deployed before the status store existed. */
  statusDatabase: name("the status store's Firestore database id").optional(),
  /** Only with the managed backend. */
  connection: name("the managed backend's connection name").optional(),
}) satisfies z.ZodType<StackOutputs>;

/** Null means "not set" for an output, at any depth: drop it so optional fields read as absent. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== null)
      .map(([key, field]) => [key, withoutNulls(field)]),
  );
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of keys) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Every problem of `raw` against the contract, one line each: the output's path, what is wrong, the rule. */
export function stackOutputProblems(raw: unknown): string[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return ["the outputs are not a JSON object; `pulumi stack output --json` prints one"];
  }
  const result = stackOutputsSchema.safeParse(withoutNulls(raw));
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const where = issue.path.map(String).join(".") || "(outputs)";
    const value = valueAt(raw, issue.path);
    if (value === SECRET_PLACEHOLDER) {
      return `${where}: is a secret output (printed as ${SECRET_PLACEHOLDER}); the tools read no secrets, export it in plain text`;
    }
    if (value === undefined) return `${where}: missing; must be ${issue.message}`;
    return `${where}: ${JSON.stringify(value)} is not ${issue.message}`;
  });
}

/** Check parsed `pulumi stack output --json` against the contract; every problem at once. */
export function parseStackOutputs(stack: string, raw: unknown): StackOutputs {
  const problems = stackOutputProblems(raw);
  if (problems.length > 0) {
    throw new StackOutputsError(
      `the outputs of stack "${stack}" do not match components/outputs.ts (deployed by an older or newer version? ` +
        `run \`pulumi up --stack ${stack}\`):\n- ${problems.join("\n- ")}`,
    );
  }
  return stackOutputsSchema.parse(withoutNulls(raw));
}

interface CliResult {
  stdout: string;
  stderr: string;
  /** Set when the CLI could not be started or exited non-zero. */
  error?: ExecFileException;
}

function runCli(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    // stdin closed: the CLI then knows it is not interactive and fails instead of prompting (to log in, to pick).
    const child = execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, ...(error ? { error } : {}) }),
    );
    child.stdin?.end();
  });
}

/** The CLI's failure as one line saying what happened to which stack and what to do. */
export function explainCliFailure(stack: string, command: string, result: CliResult): string {
  const said = result.stderr.trim().split("\n").filter(Boolean).slice(-3).join(" / ");
  const prefix = `cannot read the outputs of stack "${stack}"`;
  if (result.error?.code === "ENOENT") {
    return `${prefix}: \`${command}\` was not found (no such file, or not on PATH); install the Pulumi CLI (https://www.pulumi.com/docs/install/) or name the resources with the tool's flags`;
  }
  // "no stack named '%s' found": pkg/cmd/pulumi/stack/io.go (RequireStack) in pulumi/pulumi.
  if (/no stack named/i.test(said)) {
    return `${prefix}: the Pulumi backend has no such stack (pulumi: ${said}); list the stacks with \`pulumi stack ls\`, check \`pulumi whoami\` is the backend holding it, or give it as org/project/stack`;
  }
  if (/PULUMI_ACCESS_TOKEN|pulumi login|not logged in|unauthorized|401/i.test(said)) {
    return `${prefix}: not logged in to its Pulumi backend (pulumi: ${said}); run \`pulumi login\` (or set PULUMI_ACCESS_TOKEN) and retry`;
  }
  const exit = typeof result.error?.code === "number" ? ` (exit ${result.error.code})` : "";
  return `${prefix}: \`${command} stack output\` failed${exit}${said ? `: ${said}` : ""}`;
}

/** `pulumi stack output --json --stack <stack>`, checked against components/outputs.ts. */
export async function readStackOutputs(stack: string, options: ReadStackOutputsOptions = {}): Promise<StackOutputs> {
  if (!stack.trim()) throw new StackOutputsError("--stack: empty; name the Pulumi stack (e.g. dev or org/project/dev)");
  const command = options.pulumiCommand ?? "pulumi";
  const result = await runCli(
    command,
    ["stack", "output", "--json", "--stack", stack],
    options.cwd ?? REPOSITORY_ROOT,
    options.env ?? process.env,
  );
  if (result.error) throw new StackOutputsError(explainCliFailure(stack, command, result));
  let raw: unknown;
  try {
    raw = JSON.parse(result.stdout);
  } catch {
    throw new StackOutputsError(
      `cannot read the outputs of stack "${stack}": \`${command} stack output --json\` printed no JSON (${JSON.stringify(result.stdout.slice(0, 120))})`,
    );
  }
  return parseStackOutputs(stack, raw);
}
