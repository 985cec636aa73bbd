import * as assert from "node:assert/strict";
import { deadLetterIam } from "../../../policies/rules/hubspot-trigger-pubsub-dead-letter-iam";
import { analyzeStack, messages, UNKNOWN_STRING, urnOf } from "../support/harness";
import { evaluatePolicies } from "../../../policies/offline";
import { buildExistingStack, buildManagedStack, buildStack, EXISTING_DEAD_LETTER, MEMBERS } from "../support/stack";

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

  it("backend managed: accepts the connection's account as publisher on its eventing's dead-letter topic", () => {
    assert.deepEqual(messages(deadLetterIam, buildManagedStack()), []);
    const shortName = buildManagedStack((s) => {
      Object.assign(s.deadLetterConnectionPublisher.inputs, {
        topic: "hubspot-prod-dead-letter",
        project: "acme-prod",
      });
    });
    assert.deepEqual(messages(deadLetterIam, shortName), [], "a short name plus project, as the components bind it");
  });

  it("backend managed: reports the connection's account missing publisher on the dead-letter topic, on the eventing", () => {
    const expected =
      "The connection's account hubspot-prod-listener@acme-prod.iam.gserviceaccount.com cannot publish to dead-letter " +
      "topic acme-prod/hubspot-prod-dead-letter, so the events the connector cannot deliver are lost: grant " +
      "it roles/pubsub.publisher on the topic (the stack does for its own dead-letter topic and for " +
      "hubspot-trigger:deadLetter.existingTopic).";
    const viewer = buildManagedStack((s) => {
      s.deadLetterConnectionPublisher.inputs.role = "roles/pubsub.viewer";
    });
    const otherMember = buildManagedStack((s) => {
      s.deadLetterConnectionPublisher.inputs.member = MEMBERS.trigger;
    });
    const otherTopic = buildManagedStack((s) => {
      s.connectionEventing.inputs.deadLetter = { projectId: "acme-prod", topic: "hubspot-prod-other" };
    });
    assert.deepEqual(messages(deadLetterIam, viewer), [expected]);
    assert.deepEqual(messages(deadLetterIam, otherMember), [expected]);
    assert.deepEqual(messages(deadLetterIam, otherTopic), [
      expected.replace("acme-prod/hubspot-prod-dead-letter", "acme-prod/hubspot-prod-other"),
    ]);
    const found = evaluatePolicies(viewer, {}, { rules: [deadLetterIam] });
    assert.deepEqual(
      found.map((v) => v.resource),
      [urnOf("pulumi-nodejs:dynamic/connectors:ConnectionEventing", "connection-eventing")],
    );
  });

  it("backend managed: checks an existing dead-letter topic named by project and topic id", () => {
    const existing = buildManagedStack((s) => {
      s.connectionEventing.inputs.deadLetter = { projectId: "acme-ops", topic: "crm-dead-letters" };
      s.triggerSubscription.inputs.deadLetterPolicy.deadLetterTopic = EXISTING_DEAD_LETTER;
      s.deadLetterAgentPublisher.inputs.topic = EXISTING_DEAD_LETTER;
      s.deadLetterConnectionPublisher.inputs.topic = EXISTING_DEAD_LETTER;
    });
    assert.deepEqual(messages(deadLetterIam, existing), []);
    const sameNameElsewhere = buildManagedStack((s) => {
      s.connectionEventing.inputs.deadLetter = { projectId: "acme-ops", topic: "hubspot-prod-dead-letter" };
    });
    assert.equal(messages(deadLetterIam, sameNameElsewhere).length, 1, "the grant is on acme-prod's topic");
  });

  it("backend managed: trusts an account, member or connection name not known before apply", () => {
    const account = buildManagedStack((s) => {
      s.connection.inputs.serviceAccount = UNKNOWN_STRING;
      s.deadLetterConnectionPublisher.inputs.member = MEMBERS.trigger;
    });
    const member = buildManagedStack((s) => {
      s.deadLetterConnectionPublisher.inputs.member = UNKNOWN_STRING;
    });
    const connectionName = buildManagedStack((s) => {
      s.connectionEventing.inputs.connectionName = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(deadLetterIam, account), []);
    assert.deepEqual(analyzeStack(deadLetterIam, member), []);
    assert.deepEqual(analyzeStack(deadLetterIam, connectionName), [], "the stack's only connection");
  });
});
