/**
 * Runs rules the two ways they run for real: through the offline evaluator (`npm run plan`), and through arguments
 * built like the Pulumi analyzer's, whose props are @pulumi/policy's own unknown-checking Proxy (reading an unknown
 * value through it throws, as in `pulumi preview`).
 */
import * as policy from "@pulumi/policy";
import type { ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { computedOutputs } from "../../../scripts/lib/offline-plan/mocks";
import type { ResourceRule, Rule, StackRule } from "../../../policies/lib/rule";
import { evaluatePolicies, type PlannedResource, type PolicyConfigFile } from "../../../policies/offline";

export const PROJECT = "acme-prod";
/** The engine's sentinel for a string not known until apply. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:prod::hubspot-trigger::${type}::${name}`;
}

/** A planned resource whose outputs are what the offline mocks compute for it. */
export function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
  return {
    type,
    name,
    urn: urnOf(type, name),
    inputs,
    outputs: { ...inputs, ...computedOutputs(type, name, inputs, PROJECT) },
  };
}

/** Messages `rule` reports on `resources` through the offline evaluator, at the rule's default level. */
export function messages(rule: Rule, resources: PlannedResource[], config: PolicyConfigFile = {}): string[] {
  return evaluatePolicies(resources, config, { rules: [rule] }).map((v) => v.message);
}

// Typed access to the SDK's runtime export (its typings declare the proxy module empty).
const unknownCheckingProxy = (policy as unknown as { unknownCheckingProxy: <T>(props: T) => T }).unknownCheckingProxy;

function notApplicable(reason?: string): never {
  throw Object.assign(new Error(reason), { notApplicable: true });
}

/** Messages of a resource rule given analyzer-like args; "n/a" when the rule declared itself not applicable. */
export function analyzeResource(rule: ResourceRule, type: string, props: Record<string, unknown>): string[] | "n/a" {
  const found: string[] = [];
  const args: ResourceValidationArgs = {
    type,
    name: "r",
    urn: urnOf(type, "r"),
    props: unknownCheckingProxy(props),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type,
    asType: (() => undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => ({}) as T,
    notApplicable,
  };
  try {
    void rule.validateResource(args, (message) => found.push(message));
  } catch (error) {
    if ((error as { notApplicable?: boolean }).notApplicable) return "n/a";
    throw error;
  }
  return found;
}

/** Messages of a stack rule given analyzer-like args (unknown-checking props on every resource). */
export function analyzeStack(rule: StackRule, resources: PlannedResource[]): string[] {
  const found: string[] = [];
  const args: StackValidationArgs = {
    resources: resources.map((r) => {
      const props = unknownCheckingProxy(r.outputs ?? r.inputs);
      return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props,
        opts: {
          protect: false,
          ignoreChanges: [],
          aliases: [],
          customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
          additionalSecretOutputs: [],
        },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: (() => undefined) as never,
      };
    }),
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable,
  };
  void rule.validateStack(args, (message) => found.push(message));
  return found;
}
