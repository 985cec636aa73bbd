import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PolicyResource } from "@pulumi/policy";
import type { ResourceRule, StackRule } from "../../policies/lib/rule";
import {
  checkPolicyConfig,
  evaluatePolicies,
  formatViolations,
  fromPlanResources,
  hasMandatoryViolations,
  loadPolicyConfig,
  policyConfigPath,
  type PolicyViolation,
} from "../../policies/offline";
import { rules } from "../../policies/rules";
import { deletionProtection } from "../../policies/rules/hubspot-trigger-cloudrun-deletion-protection";
import { planned, urnOf } from "./support/harness";
import { buildStack, MEMBERS, wireSecret } from "./support/stack";

const SERVICE = "gcp:cloudrunv2/service:Service";

/** Four mistakes across four rules, one of them a stack rule. */
function badStack() {
  return buildStack((s) => {
    s.listener.inputs.deletionProtection = false;
    s.dispatcher.inputs.template.scaling.minInstanceCount = 0;
    s.attachment.inputs.consumerAcceptLists = [];
    s.admin.inputs.member = MEMBERS.trigger;
  });
}

const BAD_STACK_VIOLATIONS = [
  {
    policy: "hubspot-trigger-iam-connectors-admin-humans-only",
    resource: urnOf("gcp:projects/iAMMember:IAMMember", "connectors-admin-0"),
    message: `Grants roles/connectors.admin to runtime account ${MEMBERS.trigger}: remove it from hubspot-trigger:admins.`,
  },
  {
    policy: "hubspot-trigger-cloudrun-deletion-protection",
    resource: urnOf(SERVICE, "listener"),
    message:
      "deletionProtection is false: the service can be deleted by a destroy or a replacement; set hubspot-trigger:deletionProtection: true.",
  },
  {
    policy: "hubspot-trigger-cloudrun-min-instances",
    resource: urnOf(SERVICE, "dispatcher"),
    message:
      "Minimum instance count is 0; at least 1 warm instance(s) required: raise hubspot-trigger:scaling.minInstances.",
  },
  {
    policy: "hubspot-trigger-psc-consumer-accept-list",
    resource: urnOf("gcp:compute/serviceAttachment:ServiceAttachment", "psc-attachment"),
    message:
      "consumerAcceptLists is empty: no consumer can connect to the service attachment; add the consumer project to hubspot-trigger:privateServiceConnect.consumerAcceptList.",
  },
];

describe("offline policy evaluation", () => {
  it("finds no violation in the compliant stack under either environment's config", () => {
    assert.deepEqual(evaluatePolicies(buildStack(), loadPolicyConfig("prod")), []);
    assert.deepEqual(evaluatePolicies(buildStack(), loadPolicyConfig("dev")), []);
  });

  it("finds exactly the bad stack's violations, mandatory in prod", () => {
    const violations = evaluatePolicies(badStack(), loadPolicyConfig("prod"));
    assert.deepEqual(
      violations,
      BAD_STACK_VIOLATIONS.map((v) => ({ ...v, level: "mandatory" })),
    );
    assert.ok(hasMandatoryViolations(violations));
  });

  it("reports the same violations as advisory in dev", () => {
    const violations = evaluatePolicies(badStack(), loadPolicyConfig("dev"));
    assert.deepEqual(
      violations,
      BAD_STACK_VIOLATIONS.map((v) => ({ ...v, level: "advisory" })),
    );
    assert.ok(!hasMandatoryViolations(violations));
  });

  it("applies the CLI's precedence: the policy's entry, then all, then the rule's default", () => {
    const stack = badStack();
    const levels = (config: Parameters<typeof evaluatePolicies>[1]) =>
      evaluatePolicies(stack, config, { rules: [deletionProtection] }).map((v) => v.level);
    assert.deepEqual(levels({}), ["mandatory"]);
    assert.deepEqual(levels({ all: "advisory" }), ["advisory"]);
    assert.deepEqual(levels({ all: "advisory", [deletionProtection.name]: "remediate" }), ["mandatory"]);
    assert.deepEqual(levels({ all: "mandatory", [deletionProtection.name]: { enforcementLevel: "disabled" } }), []);
  });

  it("hands stack rules outputs, parents and dependencies", () => {
    const parent = planned("hubspot-trigger:index:HubSpotTrigger", "hubspot", {});
    const account = {
      ...planned("gcp:serviceaccount/account:Account", "sa", { accountId: "sa-one" }),
      parent: parent.urn,
    };
    const grant = {
      ...planned("gcp:projects/iAMMember:IAMMember", "grant", {}),
      dependencies: [account.urn, "urn:missing"],
    };
    const seen: PolicyResource[] = [];
    const spy: StackRule = {
      ...(rules.find((r) => "validateStack" in r) as StackRule),
      validateStack: (args) => void seen.push(...args.resources),
    };
    evaluatePolicies([parent, account, grant], {}, { rules: [spy] });
    assert.equal(seen[1].parent?.name, "hubspot");
    assert.equal(seen[1].props.email, "sa-one@acme-prod.iam.gserviceaccount.com");
    assert.deepEqual(
      seen[2].dependencies.map((d) => d.name),
      ["sa"],
    );
  });

  it("hands resource rules plain inputs and never lets a secret value into a message", () => {
    const echo: ResourceRule = {
      ...deletionProtection,
      validateResource: (args, report) => report(`data is ${String(args.props.secretData)}`),
    };
    const version = planned("gcp:secretmanager/secretVersion:SecretVersion", "v", {
      secretData: wireSecret("s3cr3t-value"),
    });
    assert.deepEqual(
      evaluatePolicies([version], {}, { rules: [echo] }).map((v) => v.message),
      ["data is [secret]"],
    );
  });

  it("refuses asynchronous rules with the rule's name", () => {
    const later: ResourceRule = { ...deletionProtection, validateResource: async () => undefined };
    assert.throws(
      () => evaluatePolicies([planned(SERVICE, "s", {})], {}, { rules: [later] }),
      /policy hubspot-trigger-cloudrun-deletion-protection is asynchronous/,
    );
  });

  it("picks the config file from the environment, prod-like names getting prod", () => {
    const base = (env: string) => path.basename(policyConfigPath(env));
    assert.deepEqual(["dev", "prod", "production", "prod-eu", "staging", "../prod"].map(base), [
      "dev.json",
      "prod.json",
      "prod.json",
      "prod.json",
      "dev.json",
      "dev.json",
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    fs.writeFileSync(path.join(dir, "staging.json"), "{}");
    assert.equal(policyConfigPath("staging", dir), path.join(dir, "staging.json"));
  });

  it("rejects a config naming an unknown policy, level or property", () => {
    assert.throws(
      () => checkPolicyConfig({ "hubspot-trigger-nope": "advisory" }, "x.json"),
      /x\.json: "hubspot-trigger-nope" is not a policy of this pack/,
    );
    assert.throws(
      () => checkPolicyConfig({ all: "disallow" }, "x.json"),
      /"all" has enforcement level "disallow"; expected advisory, mandatory, remediate, disabled/,
    );
    assert.throws(
      () => checkPolicyConfig({ [deletionProtection.name]: { enforcementLevel: "advisory", minimum: 2 } }, "x.json"),
      /has unknown property "minimum" \(allowed: enforcementLevel\)/,
    );
    assert.throws(() => checkPolicyConfig([], "x.json"), /must be a JSON object/);
  });

  it("formats violations for the console, mandatory first, with a summary", () => {
    const violations: PolicyViolation[] = [
      { policy: "p-advisory", level: "advisory", message: "a" },
      { policy: "p-mandatory", level: "mandatory", resource: urnOf(SERVICE, "listener"), message: "m" },
    ];
    assert.equal(
      formatViolations(violations),
      [
        "  mandatory p-mandatory  listener",
        "            m",
        "  advisory  p-advisory  (stack)",
        "            a",
        "Policies: 1 mandatory, 1 advisory violation(s).",
      ].join("\n"),
    );
  });

  it("turns `npm run plan -- --json` resources into planned resources with URNs and parents", () => {
    const listed = [
      {
        type: "hubspot-trigger:index:HubSpotTrigger",
        name: "hubspot",
        parent: "pulumi:pulumi:Stack::hubspot-trigger-prod",
        inputs: {},
      },
      {
        type: SERVICE,
        name: "hubspot-services-listener",
        parent: "hubspot-trigger:index:HubSpotTrigger::hubspot",
        inputs: { name: "l" },
      },
    ];
    const [component, service] = fromPlanResources("prod", "hubspot-trigger", listed);
    assert.equal(component.urn, "urn:pulumi:prod::hubspot-trigger::hubspot-trigger:index:HubSpotTrigger::hubspot");
    assert.equal(component.parent, "urn:pulumi:prod::hubspot-trigger::pulumi:pulumi:Stack::hubspot-trigger-prod");
    assert.equal(service.parent, component.urn);
    assert.deepEqual(service.inputs, { name: "l" });
  });
});
