import * as assert from "node:assert/strict";
import { deadLetterIam } from "../../../policies/rules/hubspot-trigger-pubsub-dead-letter-iam";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildExistingStack, buildStack, MEMBERS } from "../support/stack";

describe("hubspot-trigger-pubsub-dead-letter-iam", () => {
  it("accepts the service agent as publisher on the dead-letter topic and subscriber on the source", () => {
    assert.deepEqual(messages(deadLetterIam, buildStack()), []);
  });

  it("accepts a topic named by short name plus project, as the components bind it", () => {
    const stack = buildStack((s) => {
      Object.assign(s.deadLetterAgentPublisher.inputs, { topic: "hubspot-prod-dead-letter", project: "acme-prod" });
    });
    assert.deepEqual(messages(deadLetterIam, stack), []);
  });

  it("reports a publisher grant to another member and a grant on another project's topic", () => {
    const wrongMember = buildStack((s) => {
      s.deadLetterAgentPublisher.inputs.member = MEMBERS.listener;
    });
    const wrongProject = buildStack((s) => {
      Object.assign(s.deadLetterAgentPublisher.inputs, { topic: "hubspot-prod-dead-letter", project: "other" });
    });
    const expected =
      "The Pub/Sub service agent cannot publish to dead-letter topic acme-prod/hubspot-prod-dead-letter.";
    assert.deepEqual(messages(deadLetterIam, wrongMember), [expected]);
    assert.deepEqual(messages(deadLetterIam, wrongProject), [expected]);
  });

  it("reports a missing subscriber grant on the source subscription", () => {
    const stack = buildStack((s) => {
      s.triggerSubscriber.inputs.role = "roles/pubsub.viewer";
    });
    assert.deepEqual(messages(deadLetterIam, stack), [
      "The Pub/Sub service agent is not subscriber on subscription hubspot-prod-trigger-deal-sync, so it cannot forward dead letters.",
    ]);
  });

  it("trusts a member not known before apply", () => {
    const stack = buildStack((s) => {
      s.deadLetterAgentPublisher.inputs.member = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(deadLetterIam, stack), []);
  });

  it("checks the service agent's publisher grant on an existing dead-letter topic too", () => {
    assert.deepEqual(messages(deadLetterIam, buildExistingStack()), []);
    const missing = buildExistingStack((s) => {
      s.deadLetterAgentPublisher.inputs.member = MEMBERS.listener;
    });
    assert.deepEqual(messages(deadLetterIam, missing), [
      "The Pub/Sub service agent cannot publish to dead-letter topic acme-ops/crm-dead-letters.",
    ]);
  });
});
