// The pack on the repository's real stacks, planned offline by `scripts/plan.ts` in a child process (the plan replaces
// Pulumi's process-wide mock runtime, which this mocha process already uses).
import * as assert from "node:assert/strict";
import {
  evaluatePolicies,
  fromPlanResources,
  loadPolicyConfig,
  type PlanListedResource,
  type PolicyViolation,
} from "../../policies/offline";
import { BAD_POLICY_STACK, plan, type PlanRun } from "./support/plans";

function evaluate(listed: PlanListedResource[], stack: string, environment: string): PolicyViolation[] {
  return evaluatePolicies(fromPlanResources(stack, "hubspot-trigger", listed), loadPolicyConfig(environment));
}

/** The prod plan with one resource's inputs changed (a deep copy: each test starts from the real plan). */
function mutated(listed: PlanListedResource[], name: string, edit: (inputs: Record<string, unknown>) => void) {
  const copy = structuredClone(listed);
  const resource = copy.find((r) => r.name === name);
  assert.ok(resource, `the prod plan has a resource named ${name}`);
  edit(resource.inputs);
  return copy;
}

/** Sorted: the plan lists resources in registration order, which follows when their inputs resolve. */
const brief = (violations: PolicyViolation[]) =>
  violations.map((v) => `${v.level} ${v.policy} ${v.resource?.split("::").pop() ?? "(stack)"}`).sort();

describe("policies on the repository's stacks (offline plan)", function () {
  this.timeout(180_000);
  let prodPlan: PlanListedResource[];
  let dev: PolicyViolation[];
  let prod: PolicyViolation[];
  let bad: PolicyViolation[];

  let runs: Record<"prod" | "dev" | "bad", PlanRun>;

  before(() => {
    runs = {
      prod: plan(["--stack", "prod"]),
      dev: plan(["--stack", "dev"]),
      bad: plan(["--config-file", BAD_POLICY_STACK]),
    };
    prodPlan = runs.prod.resources;
    prod = evaluate(prodPlan, "prod", "prod");
    dev = evaluate(runs.dev.resources, "dev", "dev");
    bad = evaluate(runs.bad.resources, "bad-policy", "prod");
  });

  it("npm run plan reports the same violations and exits 1 only for the bad fixture", () => {
    assert.deepEqual([runs.prod.status, runs.dev.status, runs.bad.status], [0, 0, 1]);
    assert.deepEqual(brief(runs.prod.violations), brief(prod));
    assert.deepEqual(brief(runs.dev.violations), brief(dev));
    assert.deepEqual(brief(runs.bad.violations), brief(bad));
  });

  it("prod has no violation at all", () => {
    assert.deepEqual(brief(prod), []);
  });

  // Sorted: alert policies register as their inputs resolve, in no fixed order.
  it("dev has no mandatory violation, and says what prod would refuse", () => {
    assert.deepEqual(brief(dev).sort(), [
      "advisory hubspot-trigger-cloudrun-deletion-protection hubspot-services-dispatcher",
      "advisory hubspot-trigger-cloudrun-deletion-protection hubspot-services-listener",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-age-contact-lifecycle",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-age-crm-deletions",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-age-deal-pipeline",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-dead-letter",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-execution-failures",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-listener-5xx",
      "advisory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-signature-rejections",
      "advisory hubspot-trigger-psc-consumer-accept-list hubspot-psc-attachment",
    ]);
  });

  it("the bad-policy fixture has exactly the violations its header lists, all mandatory", () => {
    assert.deepEqual(brief(bad).sort(), [
      "mandatory hubspot-trigger-cloudrun-deletion-protection hubspot-services-dispatcher",
      "mandatory hubspot-trigger-cloudrun-deletion-protection hubspot-services-listener",
      "mandatory hubspot-trigger-cloudrun-min-instances hubspot-services-dispatcher",
      "mandatory hubspot-trigger-cloudrun-min-instances hubspot-services-listener",
      "mandatory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-age-deal-pipeline",
      "mandatory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-dead-letter",
      "mandatory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-execution-failures",
      "mandatory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-listener-5xx",
      "mandatory hubspot-trigger-monitoring-alert-channels hubspot-monitoring-signature-rejections",
    ]);
  });

  it("sees through the components' real shapes: a runtime account made connectors admin", () => {
    const trigger = prodPlan.find((r) => r.inputs.description === "hubspot-trigger:trigger")!.inputs;
    const member = `serviceAccount:${String(trigger.accountId)}@${String(trigger.project)}.iam.gserviceaccount.com`;
    const admin = prodPlan.find((r) => r.inputs.role === "roles/connectors.admin")!.name;
    const violations = evaluate(
      mutated(prodPlan, admin, (inputs) => (inputs.member = member)),
      "prod",
      "prod",
    );
    assert.deepEqual(brief(violations), [`mandatory hubspot-trigger-iam-connectors-admin-humans-only ${admin}`]);
  });

  it("sees through the components' real shapes: the dead-letter topic in another project, its publisher removed", () => {
    const grant = prodPlan.find(
      (r) => r.type === "gcp:pubsub/topicIAMMember:TopicIAMMember" && String(r.inputs.member).includes("gcp-sa-pubsub"),
    )!.name;
    const violations = evaluate(
      mutated(prodPlan, grant, (inputs) => (inputs.role = "roles/pubsub.viewer")),
      "prod",
      "prod",
    );
    const subscriptions = prodPlan.filter(
      (r) => r.type === "gcp:pubsub/subscription:Subscription" && r.inputs.deadLetterPolicy,
    );
    assert.ok(subscriptions.length > 0);
    assert.deepEqual(
      brief(violations),
      subscriptions.map((s) => `mandatory hubspot-trigger-pubsub-dead-letter-iam ${s.name}`).sort(),
    );
  });
});
