import * as assert from "node:assert/strict";
import { managedDeadLetter } from "../../../policies/rules/hubspot-trigger-managed-dead-letter";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
import { buildManagedStack } from "../support/stack";

// EventingConfig.deadLetterConfig {projectId, topic}:
// https://cloud.google.com/integration-connectors/docs/reference/rest/v1/projects.locations.connections#EventingConfig
const FIX = "name the stack's dead-letter topic (the one it creates, or hubspot-trigger:deadLetter.existingTopic).";

function withDeadLetter(deadLetter: { projectId?: string; topic?: string } | undefined) {
  return buildManagedStack((s) => {
    s.connectionEventing.inputs.deadLetter = deadLetter;
  });
}

describe("hubspot-trigger-managed-dead-letter", () => {
  it("accepts a dead letter naming a project and a topic", () => {
    assert.deepEqual(messages(managedDeadLetter, buildManagedStack()), []);
  });

  it("reports eventing without a dead letter", () => {
    assert.deepEqual(messages(managedDeadLetter, withDeadLetter(undefined)), [
      `Connection eventing connection-eventing has no dead letter: events the connector cannot deliver are dropped; ${FIX}`,
    ]);
  });

  it("reports a dead letter missing its project or topic", () => {
    assert.deepEqual(messages(managedDeadLetter, withDeadLetter({ projectId: "acme-prod", topic: "" })), [
      `Connection eventing connection-eventing has a dead letter without topic; ${FIX}`,
    ]);
    assert.deepEqual(messages(managedDeadLetter, withDeadLetter({})), [
      `Connection eventing connection-eventing has a dead letter without projectId and topic; ${FIX}`,
    ]);
  });

  it("does not guess while the dead letter is unknown", () => {
    const eventing = buildManagedStack().find((r) => r.name === "connection-eventing");
    assert.ok(eventing);
    assert.deepEqual(
      analyzeResource(managedDeadLetter, eventing.type, { ...eventing.inputs, deadLetter: UNKNOWN_STRING }),
      [],
    );
    const topicUnknown = { ...eventing.inputs, deadLetter: { projectId: "acme-prod", topic: UNKNOWN_STRING } };
    assert.deepEqual(analyzeResource(managedDeadLetter, eventing.type, topicUnknown), []);
  });
});
