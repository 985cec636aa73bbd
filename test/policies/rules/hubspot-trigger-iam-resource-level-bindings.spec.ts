import * as assert from "node:assert/strict";
import { resourceLevelBindings } from "../../../policies/rules/hubspot-trigger-iam-resource-level-bindings";
import { analyzeResource, messages, planned } from "../support/harness";
import { buildManagedStack, buildStack, MEMBERS } from "../support/stack";

describe("hubspot-trigger-iam-resource-level-bindings", () => {
  it("accepts bindings on the secret, topic, subscription, service and account", () => {
    assert.deepEqual(messages(resourceLevelBindings, buildStack()), []);
  });

  it("reports secret accessor and publisher granted project-wide", () => {
    const accessor = planned("gcp:projects/iAMMember:IAMMember", "accessor", {
      project: "p",
      role: "roles/secretmanager.secretAccessor",
      member: MEMBERS.listener,
    });
    const publisher = planned("gcp:projects/iAMBinding:IAMBinding", "publisher", {
      project: "p",
      role: "roles/pubsub.publisher",
      members: [MEMBERS.listener],
    });
    assert.deepEqual(messages(resourceLevelBindings, [accessor, publisher]), [
      "Grants roles/secretmanager.secretAccessor on the whole project; bind it on the one resource the member uses.",
      "Grants roles/pubsub.publisher on the whole project; bind it on the one resource the member uses.",
    ]);
  });

  it("accepts the same role on a secret, and other roles project-wide", () => {
    assert.deepEqual(
      analyzeResource(resourceLevelBindings, "gcp:projects/iAMMember:IAMMember", {
        role: "roles/integrations.integrationInvoker",
        member: MEMBERS.trigger,
        project: "p",
      }),
      [],
    );
    assert.equal(
      analyzeResource(resourceLevelBindings, "gcp:secretmanager/secretIamMember:SecretIamMember", {
        role: "roles/secretmanager.secretAccessor",
      }),
      "n/a",
    );
  });

  describe("Firestore roles", () => {
    const grant = (condition?: { title: string; expression: string }, project = "p") =>
      analyzeResource(resourceLevelBindings, "gcp:projects/iAMMember:IAMMember", {
        project,
        role: "roles/datastore.user",
        member: MEMBERS.listener,
        ...(condition && { condition }),
      });

    it("accepts datastore.user narrowed to one named database, the stack's own binding", () => {
      assert.deepEqual(
        grant({ title: "only-db", expression: 'resource.name == "projects/p/databases/status-db"' }),
        [],
      );
    });

    it("reports datastore.user with no condition: every database of the project", () => {
      assert.deepEqual(grant(), [
        'Grants roles/datastore.user on every Firestore database of the project; narrow it to one database with the IAM condition resource.name == "projects/P/databases/D".',
      ]);
    });

    it("reports a condition that names no one database, the (default) database, or another project", () => {
      assert.match(
        grant({ title: "t", expression: 'resource.name.startsWith("projects/p/databases/")' })[0],
        /names no one database/,
      );
      assert.match(
        grant({ title: "t", expression: 'resource.name == "projects/p/databases/(default)"' })[0],
        /\(default\) Firestore database/,
      );
      assert.match(
        grant({ title: "t", expression: 'resource.name == "projects/other/databases/status-db"' })[0],
        /matches nothing there/,
      );
    });

    it("reports the same unconditioned role in an authoritative policy, and accepts it conditioned there", () => {
      const policy = (condition?: object) =>
        planned("gcp:projects/iAMPolicy:IAMPolicy", "policy", {
          project: "p",
          policyData: JSON.stringify({
            bindings: [{ role: "roles/datastore.user", members: [MEMBERS.trigger], ...(condition && { condition }) }],
          }),
        });
      assert.equal(messages(resourceLevelBindings, [policy()]).length, 1);
      assert.deepEqual(
        messages(resourceLevelBindings, [
          policy({ title: "t", expression: 'resource.name == "projects/p/databases/status-db"' }),
        ]),
        [],
      );
    });
  });

  it("backend managed: accepts the connection account's secret-level and topic-level bindings", () => {
    const stack = buildManagedStack();
    const roles = stack.map((r) => `${r.type} ${String(r.inputs.role)}`);
    assert.ok(roles.includes("gcp:secretmanager/secretIamMember:SecretIamMember roles/secretmanager.viewer"));
    assert.ok(roles.includes("gcp:pubsub/topicIAMMember:TopicIAMMember roles/pubsub.publisher"));
    assert.deepEqual(messages(resourceLevelBindings, stack), []);
  });

  it("reports the secret viewer granted project-wide (the managed backend binds it on each secret)", () => {
    const viewer = planned("gcp:projects/iAMMember:IAMMember", "viewer", {
      project: "acme-prod",
      role: "roles/secretmanager.viewer",
      member: MEMBERS.listener,
    });
    assert.deepEqual(messages(resourceLevelBindings, [viewer]), [
      "Grants roles/secretmanager.viewer on the whole project; bind it on the one resource the member uses.",
    ]);
  });
});
