import * as assert from "node:assert/strict";
import { deadLetterRetention } from "../../../policies/rules/hubspot-trigger-pubsub-dead-letter-retention";
import { analyzeStack, messages, UNKNOWN_STRING } from "../support/harness";
import { buildExistingStack, buildManagedStack, buildStack, EXISTING_DEAD_LETTER } from "../support/stack";

describe("hubspot-trigger-pubsub-dead-letter-retention", () => {
  it("accepts a never-expiring 7-day subscription on the dead-letter topic", () => {
    assert.deepEqual(messages(deadLetterRetention, buildStack()), []);
  });

  it("reports a dead-letter topic without any subscription", () => {
    const stack = buildStack((s) => {
      s.deadLetterSubscription.inputs.topic = "projects/acme-prod/topics/elsewhere";
    });
    assert.deepEqual(messages(deadLetterRetention, stack), [
      "Dead-letter topic acme-prod/hubspot-prod-dead-letter has no subscription keeping messages 7 days.",
    ]);
  });

  it("reports a short retention and the default 31-day expiration", () => {
    const short = buildStack((s) => {
      s.deadLetterSubscription.inputs.messageRetentionDuration = "86400s";
    });
    assert.deepEqual(messages(deadLetterRetention, short), [
      "Dead-letter topic acme-prod/hubspot-prod-dead-letter has no subscription keeping messages 7 days: " +
        "dead-letter-retention retains messages for 86400s, less than 7 days (604800s): set hubspot-trigger:deadLetter.retentionDays to 7 or more.",
    ]);
    const expiring = buildStack((s) => {
      delete (s.deadLetterSubscription.inputs as { expirationPolicy?: unknown }).expirationPolicy;
    });
    assert.deepEqual(messages(deadLetterRetention, expiring), [
      "Dead-letter topic acme-prod/hubspot-prod-dead-letter has no subscription keeping messages 7 days: " +
        'dead-letter-retention expires after 31 days (default) without activity; set expirationPolicy.ttl to "".',
    ]);
  });

  it("finds the topic through a dead-letter policy even without the component label, and trusts unknown values", () => {
    const unlabelled = buildStack((s) => {
      s.deadLetterTopic.inputs.labels.component = "events";
      s.deadLetterSubscription.inputs.topic = "elsewhere";
    });
    assert.equal(messages(deadLetterRetention, unlabelled).length, 1);
    const unknown = buildStack((s) => {
      s.deadLetterSubscription.inputs.messageRetentionDuration = UNKNOWN_STRING;
    });
    assert.deepEqual(analyzeStack(deadLetterRetention, unknown), []);
  });

  it("asks the stack's own retention subscription on an existing dead-letter topic it does not create", () => {
    assert.deepEqual(messages(deadLetterRetention, buildExistingStack()), []);
    const without = buildExistingStack((s) => {
      s.deadLetterSubscription.inputs.topic = "projects/acme-prod/topics/elsewhere";
    });
    assert.deepEqual(messages(deadLetterRetention, without), [
      `Dead-letter topic ${EXISTING_DEAD_LETTER.replace(/^projects\/(.+)\/topics\//, "$1/")} has no subscription keeping messages 7 days.`,
    ]);
  });

  it("backend managed: counts the topic a connection's eventing dead-letters to, and reports it on the eventing", () => {
    assert.deepEqual(messages(deadLetterRetention, buildManagedStack()), []);
    const elsewhere = buildManagedStack((s) => {
      s.connectionEventing.inputs.deadLetter = { projectId: "acme-ops", topic: "crm-dead-letters" };
    });
    assert.deepEqual(messages(deadLetterRetention, elsewhere), [
      "Dead-letter topic acme-ops/crm-dead-letters has no subscription keeping messages 7 days.",
    ]);
    const kept = buildManagedStack((s) => {
      s.connectionEventing.inputs.deadLetter = { projectId: "acme-ops", topic: "crm-dead-letters" };
      s.deadLetterSubscription.inputs.topic = EXISTING_DEAD_LETTER;
      s.triggerSubscription.inputs.deadLetterPolicy.deadLetterTopic = EXISTING_DEAD_LETTER;
      s.deadLetterTopic.inputs.labels.component = "events";
    });
    assert.deepEqual(messages(deadLetterRetention, kept), []);
  });
});
