/**
 * The GitHub Actions workflows users copy (.github/workflows, docs/ci.md): every file must be accepted by GitHub's own
 * workflow parser, and the properties that make them safe policy-as-code must not regress silently (an unknown input
 * or a dropped key is ignored by GitHub, not reported).
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { register } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";
import { environmentFromStack } from "../../infra/config/validate";
import { policyConfigPath } from "../../policies/offline";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");

// @actions/workflow-parser ships ECMAScript modules only (its package.json exports have no `require` condition), so it
// is loaded with a real dynamic import; the type comes from its typings. It imports its JSON schemas without
// `with { type: "json" }` (it targets bundlers), which Node's loader refuses: this hook adds the attribute to those
// loads only (JSON files of @actions packages that lack it) and leaves every other module alone.
type WorkflowParser = typeof import("@actions/workflow-parser");
const JSON_ATTRIBUTE_HOOK = `export async function load(url, context, nextLoad) {
  if (url.includes("/node_modules/@actions/") && url.endsWith(".json") && !context.importAttributes?.type) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}`;
let parserModule: Promise<WorkflowParser> | undefined;
function loadParser(): Promise<WorkflowParser> {
  if (parserModule === undefined) {
    register(`data:text/javascript,${encodeURIComponent(JSON_ATTRIBUTE_HOOK)}`);
    parserModule = import("@actions/workflow-parser");
  }
  return parserModule;
}

// ---------------------------------------------------------------------------------------------------------------------
// The workflow files, read as plain YAML for the assertions (GitHub's parser validates them first, below).

type Mapping = Record<string, unknown>;
interface Step {
  uses?: string;
  run?: string;
  with?: Mapping;
  env?: Mapping;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  permissions?: unknown;
  environment?: unknown;
  concurrency?: unknown;
  strategy?: { matrix?: Mapping; "fail-fast"?: boolean };
  env?: Mapping;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  file: string;
  text: string;
  on: Mapping;
  permissions?: unknown;
  concurrency?: unknown;
  env?: Mapping;
  jobs: Record<string, Job>;
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readWorkflow(file: string, text: string): Workflow {
  const document: unknown = parse(text);
  assert.ok(isMapping(document) && isMapping(document.jobs), `${file}: not a workflow`);
  // `on: push` is a string, `on: [push]` a list: both mean "these events with no filter".
  const on = document.on;
  const events = isMapping(on)
    ? on
    : Object.fromEntries((Array.isArray(on) ? on : [on]).map((event) => [String(event), {}]));
  return {
    file,
    text,
    on: events,
    permissions: document.permissions,
    concurrency: document.concurrency,
    env: isMapping(document.env) ? document.env : undefined,
    jobs: document.jobs as Record<string, Job>,
  };
}

const workflowFiles = readdirSync(WORKFLOW_DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const workflows = workflowFiles.map((file) => readWorkflow(file, readFileSync(path.join(WORKFLOW_DIR, file), "utf8")));

// Every stack of the repository, from its Pulumi.<stack>.yaml at the root: adding a stack file without adding it to
// the workflows must fail here.
const STACKS = readdirSync(ROOT)
  .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();

/** The stack's environment, as `npm run plan` derives it (scripts/lib/offline-plan/run-program.ts): it picks the policy config. */
function environmentOf(stack: string): string {
  const stackFile: unknown = parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  const config = isMapping(stackFile) && isMapping(stackFile.config) ? stackFile.config : {};
  const configured = config["hubspot-trigger:environment"];
  return typeof configured === "string" && configured ? configured : environmentFromStack(stack);
}

/** The policy config file the offline plan evaluates for this stack, relative to the repository root. */
function offlinePolicyConfig(stack: string): string {
  return path
    .relative(ROOT, policyConfigPath(environmentOf(stack)))
    .split(path.sep)
    .join("/");
}

/** Replaces `${{ name }}` placeholders by their value; an expression not in `values` is an error. */
function resolve(template: unknown, values: Record<string, string>): string {
  assert.equal(typeof template, "string", `expected a string, got ${JSON.stringify(template)}`);
  return (template as string).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (match: string, expression: string) => {
    const value = values[expression];
    assert.ok(value !== undefined, `cannot resolve ${match} (known: ${Object.keys(values).join(", ")})`);
    return value;
  });
}

const isAction = (step: Step, action: string): boolean => step.uses?.split("@")[0] === action;
const stepsOf = (job: Job): Step[] => job.steps ?? [];
const usesWif = (job: Job): boolean => stepsOf(job).some((step) => isAction(step, "google-github-actions/auth"));
const pulumiStep = (job: Job): Step | undefined => stepsOf(job).find((step) => isAction(step, "pulumi/actions"));
const allJobs = (): { workflow: Workflow; id: string; job: Job }[] =>
  workflows.flatMap((workflow) => Object.entries(workflow.jobs).map(([id, job]) => ({ workflow, id, job })));

/** The values of a single-key matrix `stack: [...]`, sorted. */
function matrixStacks(job: Job): string[] {
  const stacks = job.strategy?.matrix?.stack;
  assert.ok(Array.isArray(stacks), `expected a matrix of stacks, got ${JSON.stringify(job.strategy)}`);
  return stacks.map(String).sort();
}

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat());

// ---------------------------------------------------------------------------------------------------------------------
// Checks written as functions returning problems, so that the tests can also prove each one catches a bad workflow.

/** Every error GitHub's parser reports for a workflow file: schema (keys, values, contexts allowed where) and model. */
async function parserErrors(parser: WorkflowParser, file: string, content: string): Promise<string[]> {
  const result = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((error) => error.message);
  if (result.value === undefined) return errors.length > 0 ? errors : [`${file}: the parser returned no workflow`];
  // The conversion to the model GitHub runs (jobs, needs, matrices, concurrency) adds its own checks: a job that needs
  // an unknown job, a cycle, an invalid `if`.
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  const converted = (template.errors ?? []).map((error) => error.Message);
  return [...new Set([...errors, ...converted])];
}

// Credential shapes that must never appear in a workflow file: Pulumi access tokens (pul-<40 hex>), GitHub tokens,
// Google API keys, a service account key's private key, PEM blocks.
const CREDENTIAL_PATTERNS = [
  /\bpul-[0-9a-f]{40}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  /"private_key"/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];
const SENSITIVE_NAME = /token|secret|password|passphrase|credential|private|key/i;

/** Secret values written in the file instead of referenced from `secrets`, and secrets spliced into scripts. */
function inlineSecretProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const pattern of CREDENTIAL_PATTERNS) {
    if (pattern.test(workflow.text)) problems.push(`${workflow.file}: a value shaped like a credential (${pattern})`);
  }
  const checkEntries = (where: string, entries: Mapping | undefined): void => {
    for (const [name, value] of Object.entries(entries ?? {})) {
      // A sensitive name must take its value from the secrets context, never from a literal or from vars (variables
      // are shown in clear in the UI and in logs).
      // Booleans (persist-credentials: false) carry no secret.
      if (typeof value === "boolean" || !SENSITIVE_NAME.test(name)) continue;
      if (!/^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/.test(String(value))) {
        problems.push(`${where}.${name}: must be \${{ secrets.NAME }}, not ${JSON.stringify(value)}`);
      }
    }
  };
  for (const [id, job] of Object.entries(workflow.jobs)) {
    checkEntries(`${workflow.file} ${id}.env`, job.env);
    stepsOf(job).forEach((step, index) => {
      const where = `${workflow.file} ${id}.steps[${index}]`;
      checkEntries(`${where}.env`, step.env);
      checkEntries(`${where}.with`, step.with);
      // ${{ secrets.X }} in a script is pasted into its text before it runs: pass it through env instead.
      if (step.run !== undefined && /secrets\./.test(step.run)) problems.push(`${where}.run: references secrets`);
      if (isAction(step, "google-github-actions/auth")) {
        // Workload Identity Federation only: a service account key is a long-lived credential.
        if (step.with?.credentials_json !== undefined) problems.push(`${where}: credentials_json instead of WIF`);
        for (const input of ["workload_identity_provider", "service_account"]) {
          if (!/^\$\{\{\s*vars\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/.test(String(step.with?.[input]))) {
            problems.push(`${where}.with.${input}: must come from a repository or environment variable`);
          }
        }
      }
    });
  }
  checkEntries(`${workflow.file} env`, workflow.env);
  return problems;
}

/** `uses:` lines of third-party actions not pinned to a full commit SHA followed by its `# vX.Y.Z` tag. */
function unpinnedActions(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const line of workflow.text.split("\n")) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!match || match[1].startsWith("./")) continue;
    const [, reference, rest] = match;
    if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(reference) || !/^\s+# v\d+\.\d+\.\d+\s*$/.test(rest)) {
      problems.push(`${workflow.file}: ${line.trim()}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------

describe("GitHub Actions workflows (.github/workflows)", () => {
  const pullRequest = workflows.filter((workflow) => "pull_request" in workflow.on);
  const push = workflows.filter((workflow) => "push" in workflow.on);

  it("the repository has stack files, a pull request workflow and a push workflow to check", () => {
    assert.ok(STACKS.length > 0, "no Pulumi.<stack>.yaml at the root");
    assert.equal(pullRequest.length, 1, "one workflow on pull_request");
    assert.equal(push.length, 1, "one workflow on push");
    // pull_request_target runs with the base repository's secrets on a fork's code: never for this kind of workflow
    // (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#pull_request_target).
    for (const workflow of workflows) assert.ok(!("pull_request_target" in workflow.on), workflow.file);
  });

  describe("GitHub's parser (@actions/workflow-parser, the one behind the Actions language service)", () => {
    for (const workflow of workflows) {
      it(`${workflow.file} has no error`, async () => {
        assert.deepEqual(await parserErrors(await loadParser(), workflow.file, workflow.text), []);
      });
    }

    it("reports what GitHub would refuse (so the check above is not vacuous)", async () => {
      const parser = await loadParser();
      const schema = [
        "on: push",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    permissions:",
        "      id-tokens: write", // not a scope
        "    steps:",
        "      - run: echo ${{ secret.X }}", // not a context
      ].join("\n");
      const schemaErrors = await parserErrors(parser, "schema.yml", schema);
      assert.ok(
        schemaErrors.some((error) => /'id-tokens'/.test(error)),
        schemaErrors.join("\n"),
      );
      assert.ok(
        schemaErrors.some((error) => /'secret'/.test(error)),
        schemaErrors.join("\n"),
      );
      // Reported by the conversion only, which runs once the schema is satisfied.
      const model = [
        "on: push",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo",
        "  b:",
        "    needs: c", // not a job
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo",
      ];
      const modelErrors = await parserErrors(parser, "model.yml", model.join("\n"));
      assert.ok(
        modelErrors.some((error) => /'c'/.test(error)),
        modelErrors.join("\n"),
      );
    });
  });

  describe("permissions", () => {
    // https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions: without
    // `permissions`, jobs get the repository's default GITHUB_TOKEN scopes (possibly write-all).
    for (const workflow of workflows) {
      it(`${workflow.file}: nothing beyond reading contents at the workflow level`, () => {
        assert.ok(isMapping(workflow.permissions), "an explicit mapping (not absent, not read-all/write-all)");
        for (const [scope, level] of Object.entries(workflow.permissions)) {
          assert.ok(scope === "contents" && level === "read", `${scope}: ${String(level)}`);
        }
      });
    }

    // https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings
    // and google-github-actions/auth's README ("Add id-token with the intended permissions"): the OIDC token is what
    // Workload Identity Federation exchanges, and any step of a job with id-token: write can mint one.
    it("id-token: write exactly in the jobs that authenticate with Workload Identity Federation", () => {
      for (const { workflow, id, job } of allJobs()) {
        assert.ok(job.uses === undefined, `${workflow.file} ${id}: reusable workflows are not checked here`);
        assert.ok(isMapping(job.permissions), `${workflow.file} ${id}: explicit job permissions`);
        const idToken = job.permissions["id-token"];
        assert.equal(idToken === "write", usesWif(job), `${workflow.file} ${id}: id-token ${String(idToken)}`);
      }
      assert.ok(
        allJobs().some(({ job }) => usesWif(job)),
        "at least one job uses WIF",
      );
    });

    it("pull-requests: write only where the preview is posted on the pull request", () => {
      for (const { workflow, id, job } of allJobs()) {
        const comments = pulumiStep(job)?.with?.["comment-on-pr"] === true;
        const permissions = job.permissions as Mapping;
        assert.equal(permissions["pull-requests"] === "write", comments, `${workflow.file} ${id}`);
      }
    });
  });

  describe("on pull requests", () => {
    const workflow = pullRequest[0];
    const jobs = Object.entries(workflow?.jobs ?? {});
    const planJobs = jobs.filter(([, job]) => stepsOf(job).some((step) => /\bnpm run plan\b/.test(step.run ?? "")));
    const previewJobs = jobs.filter(([, job]) => pulumiStep(job)?.with?.command === "preview");

    it("targets pull requests to main", () => {
      const filter = workflow.on.pull_request;
      assert.ok(isMapping(filter) && Array.isArray(filter.branches) && filter.branches.includes("main"));
    });

    it("runs the offline plan with the policy pack for every stack, without any credential", () => {
      assert.equal(planJobs.length, 1);
      const [id, job] = planJobs[0];
      assert.deepEqual(matrixStacks(job), STACKS);
      assert.equal(job.strategy?.["fail-fast"], false, "one stack's violation must not hide the other's result");
      const plan = stepsOf(job).find((step) => /\bnpm run plan\b/.test(step.run ?? ""));
      for (const stack of STACKS) {
        // The script gets the stack through env (not spliced into its text); resolve both to check what runs.
        const env = Object.fromEntries(
          Object.entries(plan?.env ?? {}).map(([name, value]) => [name, resolve(value, { "matrix.stack": stack })]),
        );
        const script = (plan?.run ?? "").replace(/"?\$(\w+)"?/g, (_match: string, name: string) => env[name] ?? "");
        assert.match(script, new RegExp(`npm run plan -- --stack ${stack}$`), `${id}: ${plan?.run}`);
      }
      // No credential: no WIF, no id-token, no secret, so it also runs on forks' pull requests.
      assert.ok(!usesWif(job));
      assert.ok(!/secrets\./.test(JSON.stringify(job)), "no secret in the offline plan job");
      assert.ok(
        stepsOf(job).some((step) => step.run === "npm ci --no-audit --no-fund"),
        "npm ci, not npm install",
      );
    });

    it("previews every stack with the policy pack and the policy config the offline plan uses for it", () => {
      assert.equal(previewJobs.length, 1);
      const [id, job] = previewJobs[0];
      assert.deepEqual(matrixStacks(job), STACKS);
      assert.ok(needsOf(job).includes(planJobs[0][0]), `${id} runs after the offline plan`);
      const step = pulumiStep(job) as Step;
      for (const stack of STACKS) {
        const values = { "matrix.stack": stack };
        assert.equal(resolve(step.with?.["stack-name"], values), stack);
        // Input names as declared by pulumi/actions' action.yml (policyPacks, policyPackConfigs: camelCase).
        assert.equal(step.with?.policyPacks, "policies");
        const config = resolve(step.with?.policyPackConfigs, values);
        assert.equal(config, offlinePolicyConfig(stack), `${stack}: the CLI and the offline plan use one config`);
        assert.ok(existsSync(path.join(ROOT, config)), config);
        // The pull request's code runs in this job: never in the deployment environment (its deployer identity and
        // its approval gate belong to `pulumi up`).
        const environment = resolve(job.environment, values);
        assert.notEqual(environment, stack, `${stack}: the preview runs in its own environment`);
      }
      assert.equal(step.with?.["comment-on-pr"], true, "the preview is posted on the pull request");
    });

    it("skips the credentialed preview for forks, which get no secrets and no OIDC token", () => {
      const [, job] = previewJobs[0];
      assert.match(job.if ?? "", /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    });
  });

  describe("on push to main", () => {
    const workflow = push[0];
    const upJobs = Object.entries(workflow?.jobs ?? {}).filter(([, job]) => pulumiStep(job)?.with?.command === "up");
    const stackOf = (job: Job): string => String(pulumiStep(job)?.with?.["stack-name"]);

    it("targets pushes to main only", () => {
      const filter = workflow.on.push;
      assert.ok(isMapping(filter), "a branch filter");
      assert.deepEqual(filter.branches, ["main"]);
      assert.deepEqual(Object.keys(workflow.on), ["push"], "no other trigger can start a deployment");
    });

    it("updates every stack, one job each", () => {
      assert.deepEqual(upJobs.map(([, job]) => stackOf(job)).sort(), STACKS);
    });

    it("each update runs in its stack's environment, in a per-stack concurrency group never cancelled", () => {
      // https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs
      // and .../managing-environments-for-deployment: required reviewers hold the job before it starts.
      const groups = new Set<string>();
      for (const [id, job] of upJobs) {
        const stack = stackOf(job);
        assert.equal(job.environment, stack, `${id}: environment`);
        assert.ok(isMapping(job.concurrency), `${id}: concurrency mapping`);
        assert.equal(job.concurrency["cancel-in-progress"], false, `${id}: an interrupted update locks the stack`);
        const group = String(job.concurrency.group);
        assert.ok(group.includes(stack) && !group.includes("${{"), `${id}: group ${group} names the stack`);
        groups.add(group);
      }
      assert.equal(groups.size, upJobs.length, "one group per stack");
      assert.ok(
        !/cancel-in-progress:\s*true/.test(workflow.text),
        "nothing in the deploy workflow cancels a running job",
      );
    });

    it("enforces the policy pack with the policy config the offline plan uses for the stack", () => {
      for (const [id, job] of upJobs) {
        const step = pulumiStep(job) as Step;
        assert.equal(step.with?.policyPacks, "policies", id);
        assert.equal(step.with?.policyPackConfigs, offlinePolicyConfig(stackOf(job)), id);
      }
    });

    it("prod is updated only after every other stack succeeded", () => {
      const byStack = new Map(upJobs.map(([id, job]) => [stackOf(job), { id, job }]));
      const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
        for (const parent of needsOf(workflow.jobs[id])) {
          if (!seen.has(parent)) ancestors(parent, seen.add(parent));
        }
        return seen;
      };
      for (const [stack, { id, job }] of byStack) {
        if (!environmentOf(stack).startsWith("prod")) continue;
        for (const [other, earlier] of byStack) {
          if (environmentOf(other).startsWith("prod")) continue;
          assert.ok(ancestors(id).has(earlier.id), `${id} needs ${earlier.id} (${other})`);
        }
        // always()/failure()/cancelled() in `if` would run it even when a needed job failed.
        assert.ok(!/always\(\)|failure\(\)|cancelled\(\)/.test(job.if ?? ""), `${id}: if ${job.if}`);
      }
    });

    it("the jobs are identical but for the stack (copies cannot drift)", () => {
      const normalized = upJobs.map(([, job]) => {
        const { needs: _needs, ...rest } = job;
        const stack = stackOf(job);
        return JSON.stringify(rest).replace(new RegExp(`\\b${stack}\\b`, "g"), "<stack>");
      });
      for (const other of normalized.slice(1)) assert.equal(other, normalized[0]);
    });
  });

  describe("actions, tools and secrets", () => {
    // https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions:
    // "Pinning an action to a full length commit SHA is currently the only way to use an action as an immutable release."
    it("third-party actions are pinned to a full commit SHA with its version tag as a comment", () => {
      assert.deepEqual(workflows.flatMap(unpinnedActions), []);
      assert.deepEqual(
        unpinnedActions({ ...workflows[0], file: "bad.yml", text: "      - uses: pulumi/actions@v7 # v7.0.0\n" }),
        ["bad.yml: - uses: pulumi/actions@v7 # v7.0.0"],
      );
    });

    it("one version of each action across the workflows", () => {
      const versions = new Map<string, Set<string>>();
      for (const { job } of allJobs()) {
        for (const step of stepsOf(job)) {
          if (step.uses === undefined || step.uses.startsWith("./")) continue;
          const [action, ref] = step.uses.split("@");
          versions.set(action, (versions.get(action) ?? new Set()).add(ref));
        }
      }
      for (const [action, refs] of versions) assert.equal(refs.size, 1, `${action}: ${[...refs].join(", ")}`);
    });

    it("only the inputs the actions declare (GitHub ignores an unknown input: a typo would drop the policy pack)", () => {
      // pulumi/actions action.yml (v7.0.0) and google-github-actions/auth README (v3), inputs used or worth using.
      const declared: Record<string, string[]> = {
        "pulumi/actions": [
          "command",
          "stack-name",
          "pulumi-version",
          "work-dir",
          "cloud-url",
          "comment-on-pr",
          "comment-on-summary",
          "edit-pr-comment",
          "policyPacks",
          "policyPackConfigs",
          "refresh",
          "diff",
          "suppress-outputs",
          "suppress-progress",
          "secrets-provider",
          "message",
        ],
        "google-github-actions/auth": ["workload_identity_provider", "service_account", "project_id"],
        "actions/checkout": ["persist-credentials"],
        "actions/setup-node": ["node-version", "node-version-file", "cache"],
      };
      for (const { workflow, id, job } of allJobs()) {
        for (const step of stepsOf(job)) {
          const action = step.uses?.split("@")[0];
          if (action === undefined) continue;
          const known = declared[action];
          assert.ok(known, `${workflow.file} ${id}: ${action} is not reviewed here`);
          for (const input of Object.keys(step.with ?? {})) {
            assert.ok(known.includes(input), `${workflow.file} ${id}: ${action} has no input ${input}`);
          }
        }
      }
    });

    it("the Pulumi CLI is the version of the SDK in package.json", () => {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      const sdk = manifest.dependencies["@pulumi/pulumi"];
      for (const { workflow, id, job } of allJobs()) {
        const step = pulumiStep(job);
        if (step) assert.equal(String(step.with?.["pulumi-version"]), sdk, `${workflow.file} ${id}`);
      }
    });

    it("Node satisfies package.json engines", () => {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        engines: { node: string };
      };
      const minimum = /^>=\s*(\d+)\.(\d+)/.exec(manifest.engines.node);
      assert.ok(minimum, `engines.node ${manifest.engines.node}`);
      const [major, minor] = [Number(minimum[1]), Number(minimum[2])];
      for (const { workflow, id, job } of allJobs()) {
        for (const step of stepsOf(job).filter((s) => isAction(s, "actions/setup-node"))) {
          if (step.with?.["node-version-file"] === "package.json") continue;
          // A major alone ("24") means its latest release, which satisfies >=22.19 when the major is above; "22.18" would not.
          const [stepMajor, stepMinor] = String(step.with?.["node-version"]).split(".").map(Number);
          const ok = stepMajor > major || (stepMajor === major && (stepMinor === undefined || stepMinor >= minor));
          assert.ok(ok, `${workflow.file} ${id}: node-version ${String(step.with?.["node-version"])}`);
        }
      }
    });

    it("no secret value in a workflow: only references to the secrets context, WIF from variables", () => {
      assert.deepEqual(workflows.flatMap(inlineSecretProblems), []);
    });

    it("the secret check catches an inline token, a key and a secret spliced into a script", () => {
      const text = [
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    steps:",
        "      - uses: google-github-actions/auth@v3",
        "        with:",
        "          credentials_json: '{}'",
        "      - run: echo ${{ secrets.X }}",
        "        env:",
        `          PULUMI_ACCESS_TOKEN: pul-${"0".repeat(40)}`,
      ].join("\n");
      const problems = inlineSecretProblems(readWorkflow("bad.yml", text));
      for (const expected of [/credential \(/, /credentials_json/, /workload_identity_provider/, /run: references/]) {
        assert.ok(
          problems.some((problem) => expected.test(problem)),
          `${expected}: ${problems.join("\n")}`,
        );
      }
      assert.ok(problems.some((problem) => problem.includes("env.PULUMI_ACCESS_TOKEN: must be")));
    });
  });
});
