/**
 * Runs the pack without the Pulumi CLI, on the resources `npm run plan` recorded under mocks, so that CI without
 * cloud credentials still blocks a bad change. It builds the same arguments the analyzer builds
 * (`ResourceValidationArgs` per resource from its inputs, `StackValidationArgs` from outputs with parents and
 * dependencies) and applies a policy config file with the CLI's precedence: the policy's own entry, then "all",
 * then the policy's default level.
 *
 * Written here rather than reusing @pulumi/policy's server: its argument builders are internal to a gRPC handler.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { isStackRule, type Rule } from "./lib/rule";
import { rules as packRules } from "./rules";
import { specialResourceSig, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** One resource of the plan, as `npm run plan` records it. */
export interface PlannedResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** Outputs after (mock) creation; stack rules see these, falling back to inputs. */
  outputs?: Record<string, unknown>;
  /** URN of the parent resource. */
  parent?: string;
  /** URNs this resource depends on. */
  dependencies?: string[];
}

export type ReportedLevel = "advisory" | "mandatory";

export interface PolicyViolation {
  policy: string;
  level: ReportedLevel;
  /** URN of the resource in violation; absent for a violation of the stack as a whole. */
  resource?: string;
  message: string;
}

type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** The file `pulumi preview --policy-pack-config` reads: `{"all": level, "<policy>": level | {enforcementLevel, ...}}`. */
export type PolicyConfigFile = Record<string, PolicyConfigEntry>;

export interface EvaluateOptions {
  /** Rules to run; the whole pack by default. */
  rules?: Rule[];
  /** Stack tags, as `pulumi stack tag` sets them. */
  stackTags?: Record<string, string>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

// Pulumi's wire markers, as the SDK exports them: a property holding {[SIG]: SECRET_SIG, value} is a secret,
// {[SIG]: RESOURCE_SIG, urn, id} a resource reference.
const SIG = specialSigKey;
const SECRET_SIG = specialSecretSig;
const RESOURCE_SIG = specialResourceSig;

/** Thrown by `notApplicable`, like the SDK's own (unexported) NotApplicableError. */
class NotApplicable extends Error {}

/**
 * Plain JSON as the analyzer hands it to rules: secrets unwrapped (their plaintexts collected so messages can be
 * redacted), resource references as their id or URN.
 */
function deserialize(value: unknown, secrets: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => deserialize(v, secrets));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SIG] === SECRET_SIG) {
    const inner = deserialize(record.value, secrets);
    if (typeof inner === "string" && inner.length > 0) secrets.add(inner);
    return inner;
  }
  if (record[SIG] === RESOURCE_SIG) return record.id ?? record.urn;
  const result: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) if (v !== undefined) result[key] = deserialize(v, secrets);
  return result;
}

function entryLevel(entry: PolicyConfigEntry | undefined): EnforcementLevel | undefined {
  return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

/** The level a rule runs at under `config`; `remediate` reports as mandatory, as the analyzer does. */
export function effectiveLevel(rule: Rule, config: PolicyConfigFile): EnforcementLevel {
  return entryLevel(config[rule.name]) ?? entryLevel(config.all) ?? rule.enforcementLevel;
}

/** What `args.getConfig()` returns: the rule's config properties over its schema's defaults. */
function ruleConfig(rule: Rule, config: PolicyConfigFile): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(rule.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) defaults[key] = schema.default;
  }
  const entry = config[rule.name];
  const own: Record<string, unknown> = typeof entry === "object" ? { ...entry } : {};
  delete own.enforcementLevel;
  return { ...defaults, ...own };
}

function pulumiTypeOf(resourceClass: unknown): string | undefined {
  const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  return typeof token === "string" ? token : undefined;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = pulumiTypeOf(resourceClass);
  if (token) return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function options(parent: string | undefined): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(parent ? { parent } : {}),
  };
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "not applicable");
}

/** Runs one validation, ignoring "not applicable"; async rules cannot run in a synchronous plan. */
function run(rule: Rule, call: () => unknown): void {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    if (error instanceof NotApplicable) return;
    throw new Error(`policy ${rule.name} failed: ${(error as Error).message}`, { cause: error });
  }
  if (result && typeof (result as { then?: unknown }).then === "function") {
    throw new Error(`policy ${rule.name} is asynchronous; the offline evaluator runs synchronous rules only`);
  }
}

function stackResources(resources: PlannedResource[], secrets: Set<string>): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((planned) => {
    const props = deserialize(planned.outputs ?? planned.inputs, secrets) as Record<string, unknown>;
    const resource: PolicyResource = {
      type: planned.type,
      name: planned.name,
      urn: planned.urn,
      props,
      opts: options(planned.parent),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(planned.type, resourceClass),
      asType: ((resourceClass: unknown) =>
        isTypeOf(planned.type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    };
    byUrn.set(planned.urn, resource);
    return resource;
  });
  resources.forEach((planned, i) => {
    const parent = planned.parent ? byUrn.get(planned.parent) : undefined;
    if (parent) built[i].parent = parent;
    built[i].dependencies = (planned.dependencies ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
  });
  return built;
}

/** Replaces every secret plaintext in a message: a rule should never echo one, and this makes sure. */
function redact(message: string, secrets: Set<string>): string {
  let result = message;
  for (const secret of secrets) result = result.split(secret).join("[secret]");
  return result;
}

/** Evaluates every resource and stack rule on the planned resources; violations in rule order. */
export function evaluatePolicies(
  resources: PlannedResource[],
  policyConfig: PolicyConfigFile,
  evaluateOptions: EvaluateOptions = {},
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const secrets = new Set<string>();
  const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(evaluateOptions.stackTags ?? {}));
  const planned = resources.map((r) => ({ ...r, props: deserialize(r.inputs, secrets) as Record<string, unknown> }));
  const stack = stackResources(resources, secrets);

  for (const rule of evaluateOptions.rules ?? packRules) {
    const configured = effectiveLevel(rule, policyConfig);
    if (configured === "disabled") continue;
    const level: ReportedLevel = configured === "advisory" ? "advisory" : "mandatory";
    const config = ruleConfig(rule, policyConfig);
    const getConfig = <T extends object>() => config as T;
    const push = (message: string, resource?: string) =>
      violations.push({
        policy: rule.name,
        level,
        ...(resource ? { resource } : {}),
        message: redact(message, secrets),
      });

    if (isStackRule(rule)) {
      const args: StackValidationArgs = { resources: stack, stackTags, getConfig, notApplicable };
      run(rule, () => rule.validateStack(args, (message, urn) => push(message, urn)));
      continue;
    }
    for (const resource of planned) {
      const args: ResourceValidationArgs = {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: resource.props,
        opts: options(resource.parent),
        stackTags,
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: unknown) =>
          isTypeOf(resource.type, resourceClass) ? resource.props : undefined) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      run(rule, () => rule.validateResource(args, (message) => push(message, resource.urn)));
    }
  }
  return violations;
}

/** The config file an environment uses: `<env>.json` when it exists, else prod for `prod*`, else dev. */
export function policyConfigPath(environment: string, directory = path.join(__dirname, "config")): string {
  const own = path.join(directory, `${environment}.json`);
  if (/^[a-z0-9_-]+$/i.test(environment) && fs.existsSync(own)) return own;
  return path.join(directory, environment.toLowerCase().startsWith("prod") ? "prod.json" : "dev.json");
}

/** Checks a policy config file the way the CLI would, naming the key and the problem. */
export function checkPolicyConfig(config: unknown, source: string, rules: Rule[] = packRules): PolicyConfigFile {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`${source}: a policy config must be a JSON object of policy names`);
  }
  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  for (const [key, entry] of Object.entries(config as Record<string, unknown>)) {
    const rule = byName.get(key);
    if (key !== "all" && !rule) throw new Error(`${source}: "${key}" is not a policy of this pack`);
    const level =
      typeof entry === "string" ? entry : (entry as { enforcementLevel?: unknown } | null)?.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
      throw new Error(
        `${source}: "${key}" has enforcement level ${JSON.stringify(level)}; expected ${LEVELS.join(", ")}`,
      );
    }
    if (typeof entry !== "object" || entry === null) continue;
    const allowed = Object.keys(rule?.configSchema?.properties ?? {});
    for (const property of Object.keys(entry)) {
      if (property !== "enforcementLevel" && !allowed.includes(property)) {
        throw new Error(
          `${source}: "${key}" has unknown property "${property}" (allowed: ${["enforcementLevel", ...allowed].join(", ")})`,
        );
      }
    }
  }
  return config as PolicyConfigFile;
}

/** Reads and checks the policy config of an environment (`policies/config/<dev|prod>.json`). */
export function loadPolicyConfig(environment: string): PolicyConfigFile {
  const file = policyConfigPath(environment);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: cannot read the policy config (${(error as Error).message})`, { cause: error });
  }
  return checkPolicyConfig(parsed, file);
}

/** The resource name inside a URN (`urn:pulumi:stack::project::type::name` -> `name`). */
function resourceLabel(urn: string | undefined): string {
  if (!urn) return "(stack)";
  const parts = urn.split("::");
  return parts.length >= 4 ? parts[parts.length - 1] : urn;
}

/** Violations for the console: mandatory first, one line per violation plus a summary line. */
export function formatViolations(violations: PolicyViolation[]): string {
  const mandatory = violations.filter((v) => v.level === "mandatory");
  const advisory = violations.filter((v) => v.level === "advisory");
  const lines = [...mandatory, ...advisory].map(
    (v) => `  ${v.level.padEnd(9)} ${v.policy}  ${resourceLabel(v.resource)}\n            ${v.message}`,
  );
  const summary = `Policies: ${mandatory.length} mandatory, ${advisory.length} advisory violation(s).`;
  return [...lines, summary].join("\n");
}

/** True when a violation blocks the change (exit 1 in `npm run plan`). */
export function hasMandatoryViolations(violations: PolicyViolation[]): boolean {
  return violations.some((v) => v.level === "mandatory");
}

/** A resource as `npm run plan -- --json` lists it: parent is "<type>::<name>" of the parent resource. */
export interface PlanListedResource {
  type: string;
  name: string;
  parent?: string | null;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The plan's resources as the evaluator takes them, with URNs built the way the engine builds them. */
export function fromPlanResources(stack: string, project: string, listed: PlanListedResource[]): PlannedResource[] {
  const urn = (type: string, name: string) => `urn:pulumi:${stack}::${project}::${type}::${name}`;
  return listed.map((r) => {
    const separator = r.parent ? r.parent.lastIndexOf("::") : -1;
    const parent =
      r.parent && separator > 0 ? urn(r.parent.slice(0, separator), r.parent.slice(separator + 2)) : undefined;
    return {
      type: r.type,
      name: r.name,
      urn: urn(r.type, r.name),
      inputs: r.inputs,
      ...(r.outputs ? { outputs: r.outputs } : {}),
      ...(parent ? { parent } : {}),
    };
  });
}
