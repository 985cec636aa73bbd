// A violation should tell whoever reads it in `pulumi preview` which stack config key fixes it, where one exists:
// messages name `hubspot-trigger:<key>` with a key the project's Pulumi.yaml declares.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  evaluatePolicies,
  fromPlanResources,
  loadPolicyConfig,
  type PlanListedResource,
  type PolicyViolation,
} from "../../policies/offline";
import { BAD_POLICY_STACK, plan } from "./support/plans";

const ROOT = path.resolve(__dirname, "../..");
const RULES = path.join(ROOT, "policies", "rules");

/** The keys of the hubspot-trigger namespace, as Pulumi.yaml declares them. */
const DECLARED = new Set(
  Object.keys((parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: object }).config),
);

/** The declared config keys a message names (`hubspot-trigger:scaling.minInstances` names `scaling`). */
function namedKeys(message: string): string[] {
  return [...message.matchAll(/hubspot-trigger:([A-Za-z]+)/g)].map((m) => m[1]).filter((key) => DECLARED.has(key));
}

const unnamed = (violations: PolicyViolation[]) =>
  violations.filter((v) => namedKeys(v.message).length === 0).map((v) => `${v.policy}: ${v.message}`);

function evaluate(listed: PlanListedResource[], environment: string): PolicyViolation[] {
  return evaluatePolicies(fromPlanResources("test", "hubspot-trigger", listed), loadPolicyConfig(environment));
}

/** The dev plan with some resources' inputs changed the way a stack's config can change them. */
function mutated(edits: Record<string, (inputs: Record<string, unknown>) => void>): PlanListedResource[] {
  const copy = structuredClone(plan(["--stack", "dev"]).resources);
  for (const [name, edit] of Object.entries(edits)) {
    const resource = copy.find((r) => r.name === name);
    assert.ok(resource, `the dev plan has a resource named ${name}`);
    edit(resource.inputs);
  }
  return copy;
}

describe("violation messages name the stack config key that fixes them", function () {
  this.timeout(180_000);

  it("knows the project's config keys (the checks below would pass vacuously without them)", () => {
    for (const key of ["deletionProtection", "scaling", "triggers", "retry", "deadLetter", "privateServiceConnect"]) {
      assert.ok(DECLARED.has(key), key);
    }
  });

  it("names a declared hubspot-trigger: key in every violation of the bad-policy fixture", () => {
    const bad = plan(["--config-file", BAD_POLICY_STACK]);
    const violations = evaluate(bad.resources, bad.environment);
    assert.ok(violations.length > 0, "the fixture has violations");
    assert.deepEqual(unnamed(violations), []);
  });

  it("names one in every violation that the stack's scaling, retry, dead-letter and PSC config can cause", () => {
    const violations = evaluate(
      mutated({
        "hubspot-services-listener": (inputs) => {
          const template = inputs.template as { scaling: Record<string, unknown> };
          template.scaling = { minInstanceCount: 0, maxInstanceCount: 0 };
          inputs.deletionProtection = false;
        },
        "hubspot-events-deal-pipeline": (inputs) => {
          delete inputs.retryPolicy;
          (inputs.deadLetterPolicy as Record<string, unknown>).maxDeliveryAttempts = 200;
        },
        "hubspot-events-crm-deletions": (inputs) => {
          inputs.retryPolicy = { minimumBackoff: "600s", maximumBackoff: "10s" };
        },
        "hubspot-dead-letter-retention": (inputs) => {
          inputs.messageRetentionDuration = "3600s";
        },
        "hubspot-psc-attachment": (inputs) => {
          inputs.consumerAcceptLists = [{ connectionLimit: 0 }];
        },
      }),
      "prod",
    );
    const policies = new Set(violations.map((v) => v.policy));
    for (const policy of [
      "hubspot-trigger-cloudrun-min-instances",
      "hubspot-trigger-cloudrun-max-instances",
      "hubspot-trigger-cloudrun-deletion-protection",
      "hubspot-trigger-pubsub-push-retry-policy",
      "hubspot-trigger-pubsub-push-dead-letter-policy",
      "hubspot-trigger-pubsub-dead-letter-retention",
      "hubspot-trigger-psc-consumer-accept-list",
    ]) {
      assert.ok(policies.has(policy), `the edits trip ${policy}`);
    }
    assert.deepEqual(unnamed(violations), []);
  });

  it("passes configKey() only keys the project declares", () => {
    const used = fs.readdirSync(RULES).flatMap((file) =>
      [...fs.readFileSync(path.join(RULES, file), "utf8").matchAll(/configKey\(["'`]([A-Za-z]+)/g)].map((m) => ({
        file,
        key: m[1],
      })),
    );
    assert.ok(used.length >= 15, `rules name config keys (${used.length} uses)`);
    assert.deepEqual(
      used.filter((u) => !DECLARED.has(u.key)),
      [],
    );
  });
});
