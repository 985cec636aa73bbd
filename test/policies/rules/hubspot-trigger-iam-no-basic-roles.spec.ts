import * as assert from "node:assert/strict";
import { noBasicRoles } from "../../../policies/rules/hubspot-trigger-iam-no-basic-roles";
import { analyzeResource, messages, planned } from "../support/harness";
import { buildStack, MEMBERS } from "../support/stack";

describe("hubspot-trigger-iam-no-basic-roles", () => {
  it("accepts the compliant stack's predefined roles", () => {
    assert.deepEqual(messages(noBasicRoles, buildStack()), []);
  });

  it("reports roles/editor on the project and roles/owner on a topic", () => {
    const editor = planned("gcp:projects/iAMMember:IAMMember", "editor", {
      project: "p",
      role: "roles/editor",
      member: MEMBERS.trigger,
    });
    const owner = planned("gcp:pubsub/topicIAMBinding:TopicIAMBinding", "owner", {
      topic: "t",
      role: "roles/owner",
      members: ["group:x@example.com"],
    });
    assert.deepEqual(messages(noBasicRoles, [editor, owner]), [
      "Grants basic role roles/editor on a project; use a predefined role on the resource instead.",
      "Grants basic role roles/owner on a topic; use a predefined role on the resource instead.",
    ]);
  });

  it("reads whole policies (IAMPolicy policyData), binding by binding", () => {
    const policyData = JSON.stringify({
      bindings: [
        { role: "roles/viewer", members: ["group:auditors@example.com"] },
        { role: "roles/logging.viewer", members: ["group:auditors@example.com"] },
      ],
    });
    const policy = planned("gcp:projects/iAMPolicy:IAMPolicy", "policy", { project: "p", policyData });
    assert.deepEqual(messages(noBasicRoles, [policy]), [
      "Grants basic role roles/viewer on a project; use a predefined role on the resource instead.",
    ]);
  });

  it("does not apply to resources that are not IAM bindings", () => {
    assert.equal(analyzeResource(noBasicRoles, "gcp:pubsub/topic:Topic", { name: "roles/owner" }), "n/a");
  });
});
