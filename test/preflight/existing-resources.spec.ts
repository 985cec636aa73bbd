// Preflight on a stack with existing accounts and dead-letter topic (test/fixtures/stacks/Pulumi.existing-resources.yaml):
// what the deployer needs lands in the accounts' and the topic's own projects, and nothing asks to create or delete
// them. Permission names: https://cloud.google.com/iam/docs/permissions-reference
import * as assert from "node:assert/strict";
import { neededPermissions } from "../../scripts/lib/preflight/permissions";
import { planOf } from "./support";

const FIXTURE = "test/fixtures/stacks/Pulumi.existing-resources.yaml";

describe("preflight with existing accounts and dead-letter topic", function () {
  this.timeout(120_000);
  let needs: ReturnType<typeof neededPermissions>;

  before(async () => {
    const plan = await planOf(["--config-file", FIXTURE], "acme-hubspot-dev");
    needs = neededPermissions(plan.resources, plan.project);
  });

  it("asks for acting as and binding on the accounts in their project, never for creating them", () => {
    const identities = needs.get("acme-identities");
    assert.ok(identities, `projects: ${[...needs.keys()].join(", ")}`);
    assert.deepEqual([...identities.keys()].sort(), [
      "iam.serviceAccounts.actAs",
      "iam.serviceAccounts.getIamPolicy",
      "iam.serviceAccounts.setIamPolicy",
    ]);
    for (const permissions of needs.values()) assert.ok(!permissions.has("iam.serviceAccounts.create"));
  });

  it("asks for binding on and subscribing to the existing topic in its project, never for creating or deleting it", () => {
    const ops = needs.get("acme-ops");
    assert.ok(ops);
    assert.deepEqual([...ops.keys()].sort(), [
      "pubsub.topics.attachSubscription",
      "pubsub.topics.getIamPolicy",
      "pubsub.topics.setIamPolicy",
    ]);
  });
});
