/**
 * Runs the Pulumi program under the mock engine and returns what it would create: the offline plan.
 *
 * Stable API (used by `scripts/plan.ts`; others should spawn `npm run -s plan -- --json` rather than call it in a
 * process that already has mocks, such as mocha: Pulumi's runtime state is process-wide and this replaces it):
 *   planStack({ stack?, configFile?, program?, projectDir? }) -> Promise<Plan>
 *     stack       stack name, default "dev" (reads Pulumi.<stack>.yaml unless configFile is given)
 *     configFile  plan an arbitrary stack file
 *     program     module to run, default infra/index.ts
 *   Plan.resources  [{type, name, parent, inputs, outputs}] in registration order, the stack resource excluded; parent is
 *                   "<type>::<name>" of the parent resource (the stack for top-level resources)
 *   Plan.outputs    the stack outputs
 *   Secret values appear only as "[secret]" in both, whether wrapped as secrets or equal to a known secret value.
 * Config errors reject with the ConfigValidationError the program threw; an unusable stack file with StackFileError.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError } from "../../../infra/config/problems";
import { environmentFromStack } from "../../../infra/config/validate";
import { OFFLINE_PROJECT, RecordingMocks } from "./mocks";
import { scrubSecrets } from "./scrub";
import { loadStackFile, REPO_ROOT, type StackFile } from "./stack-file";

export interface PlannedResource {
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
  /** What the provider would return (inputs plus computed values such as emails and URLs): for stack policies. */
  outputs: Record<string, unknown>;
}

export interface Plan {
  stack: string;
  project: string;
  /** The stack's `environment` (its `env` label): selects the policy config of the environment. */
  environment: string;
  placeholders: string[];
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
}

export interface PlanOptions {
  stack?: string;
  configFile?: string;
  program?: string;
  projectDir?: string;
}

const PROJECT_NAME = "hubspot-trigger";
const STACK_TYPE = "pulumi:pulumi:Stack";

function resourceId(type: string, name: string): string {
  return `${type}::${name}`;
}

/** A project number that looks real and never changes for a given project id. */
function fakeProjectNumber(projectId: string): string {
  let hash = 0;
  for (const char of projectId) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_000_000;
  return String(100_000_000_000 + (hash % 900_000_000_000));
}

/** Resolves every Output/Promise in the exports, turning secret Outputs into "[secret]". */
async function resolveOutputs(value: unknown, depth = 0): Promise<unknown> {
  if (depth > 32) return "[too deep]";
  if (pulumi.Output.isInstance(value)) {
    if (await pulumi.isSecret(value)) return "[secret]";
    const plain = await new Promise<unknown>((resolve) => value.apply((v) => resolve(v)));
    return resolveOutputs(plain, depth + 1);
  }
  if (value instanceof Promise) return resolveOutputs(await value, depth + 1);
  if (pulumi.Resource.isInstance(value)) return "[resource]";
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveOutputs(item, depth + 1)));
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === "__esModule" || typeof item === "function") continue;
      const resolved = await resolveOutputs(item, depth + 1);
      if (resolved !== undefined) result[key] = resolved;
    }
    return result;
  }
  return value;
}

function configure(stackFile: StackFile): { mocks: RecordingMocks; project: string } {
  const project = stackFile.config["gcp:project"] ?? OFFLINE_PROJECT.id;
  const mocks = new RecordingMocks({ id: project, number: fakeProjectNumber(project) });
  // setMocks resets the runtime's settings; config set afterwards is what the program reads.
  void pulumi.runtime.setMocks(mocks, PROJECT_NAME, stackFile.stack, false);
  pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
  return { mocks, project };
}

export async function planStack(options: PlanOptions = {}): Promise<Plan> {
  const stack = options.stack ?? "dev";
  const stackFile = loadStackFile(stack, { configFile: options.configFile, projectDir: options.projectDir });
  const { mocks, project } = configure(stackFile);
  const programPath = require.resolve(
    path.resolve(options.projectDir ?? REPO_ROOT, options.program ?? "infra/index.ts"),
  );

  const parents = new Map<string, string | null>();
  const identities = new Map<pulumi.Resource, string>();
  let programExports: unknown;
  let programError: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    const stackResource = pulumi.runtime.getStackResource();
    if (stackResource) identities.set(stackResource, resourceId(STACK_TYPE, `${PROJECT_NAME}-${stack}`));
    pulumi.runtime.registerStackTransformation((args) => {
      const id = resourceId(args.type, args.name);
      identities.set(args.resource, id);
      const parent = args.opts.parent ?? stackResource;
      parents.set(id, parent ? (identities.get(parent) ?? null) : null);
      return undefined;
    });
    try {
      delete require.cache[programPath];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      let loaded: unknown = require(programPath);
      // A program may export a function (sync or async) returning its outputs, as `pulumi up` allows.
      if (typeof loaded === "function") loaded = await (loaded as () => unknown)();
      else if (loaded && typeof (loaded as { default?: unknown }).default === "function") {
        loaded = await (loaded as { default: () => unknown }).default();
      }
      programExports = loaded;
    } catch (error) {
      programError = error;
    }
    return {};
  });
  if (programError) throw programError;
  // Resource registrations run asynchronously; wait until the mock engine has seen them all.
  await pulumi.runtime.disconnect();

  const secrets = stackFile.secretKeys.map((key) => stackFile.config[key]).filter((v): v is string => Boolean(v));
  const resources: PlannedResource[] = mocks.resources
    .filter((r) => r.type !== STACK_TYPE)
    .map((r) => ({
      type: r.type,
      name: r.name,
      parent: parents.get(resourceId(r.type, r.name)) ?? null,
      inputs: r.inputs,
      outputs: r.state,
    }));
  const outputs = (await resolveOutputs(programExports)) as Record<string, unknown>;
  const configured = stackFile.config[`${PROJECT_NAME}:environment`];
  const environment = typeof configured === "string" && configured ? configured : environmentFromStack(stack);
  return scrubSecrets(
    { stack, project, environment, placeholders: stackFile.placeholders, resources, outputs },
    secrets,
  );
}

export { ConfigValidationError };
