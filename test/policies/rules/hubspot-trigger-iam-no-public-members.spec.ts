import * as assert from "node:assert/strict";
import { noPublicMembers } from "../../../policies/rules/hubspot-trigger-iam-no-public-members";
import { analyzeStack, messages, planned } from "../support/harness";
import { buildManagedStack, buildStack } from "../support/stack";

describe("hubspot-trigger-iam-no-public-members", () => {
  it("accepts allUsers as invoker of the listener", () => {
    assert.deepEqual(messages(noPublicMembers, buildStack()), []);
  });

  it("reports allUsers on the dispatcher and allAuthenticatedUsers on a topic", () => {
    const stack = buildStack((s) => {
      s.dispatcherInvoker.inputs.member = "allUsers";
      s.eventsPublisher.inputs.member = "allAuthenticatedUsers";
    });
    assert.deepEqual(messages(noPublicMembers, stack), [
      'Grants roles/pubsub.publisher on topic "hubspot-prod-events" to allAuthenticatedUsers.',
      'Grants roles/run.invoker on cloudRunService "hubspot-prod-dispatcher" to allUsers.',
    ]);
  });

  it("reports a public member inside a topic's whole IAM policy", () => {
    const policyData = JSON.stringify({ bindings: [{ role: "roles/pubsub.subscriber", members: ["allUsers"] }] });
    const stack = [
      ...buildStack(),
      planned("gcp:pubsub/topicIAMPolicy:TopicIAMPolicy", "events-policy", {
        topic: "hubspot-prod-events",
        policyData,
      }),
    ];
    assert.deepEqual(messages(noPublicMembers, stack), [
      'Grants roles/pubsub.subscriber on topic "hubspot-prod-events" to allUsers.',
    ]);
  });

  it("reports a public reader on the image's Artifact Registry repository", () => {
    // The stack grants Cloud Run's service agent read on a repository in another project: a binding the pack must see.
    const stack = [
      ...buildStack(),
      planned("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", "image-reader", {
        project: "acme-artifacts",
        location: "europe-west1",
        repository: "hubspot-trigger",
        role: "roles/artifactregistry.reader",
        member: "allUsers",
      }),
    ];
    assert.deepEqual(messages(noPublicMembers, stack), [
      'Grants roles/artifactregistry.reader on artifactRepository "hubspot-trigger" to allUsers.',
    ]);
  });

  it("reports a public role other than invoker on the listener", () => {
    const stack = buildStack((s) => {
      s.listenerPublic.inputs.role = "roles/run.developer";
    });
    assert.deepEqual(analyzeStack(noPublicMembers, stack), [
      'Grants roles/run.developer on cloudRunService "hubspot-prod-listener" to allUsers.',
    ]);
  });

  it("backend managed: holds with a connection and no listener service", () => {
    assert.deepEqual(messages(noPublicMembers, buildManagedStack()), []);
  });
});
