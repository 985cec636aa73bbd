import * as assert from "node:assert/strict";
import { resourceLevelBindings } from "../../../policies/rules/hubspot-trigger-iam-resource-level-bindings";
import { analyzeResource, messages, planned } from "../support/harness";
import { buildStack, MEMBERS } from "../support/stack";

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
});
