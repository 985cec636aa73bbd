import * as assert from "node:assert/strict";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { labels } from "../../../policies/rules/hubspot-trigger-gcp-labels";
import { messages } from "../support/harness";
import { buildManagedStack, buildStack, one } from "../support/stack";

describe("hubspot-trigger-gcp-labels", () => {
  it("accepts every labelled resource of the compliant stack", () => {
    assert.deepEqual(messages(labels, buildStack()), []);
  });

  it("reports a missing env, a wrong app and an unknown component", () => {
    const topic = one("eventsTopic", (inputs) => {
      inputs.labels = { app: "crm", component: "queue" } as typeof inputs.labels;
    });
    assert.deepEqual(messages(labels, [topic]), [
      'Label app is "crm"; expected "hubspot-trigger".',
      "Label env is missing: set hubspot-trigger:environment (default: the stack name).",
      'Label component is "queue"; expected one of listener, dispatcher, events, dead-letter, secrets, psc, image, egress, monitoring, connection.',
    ]);
  });

  it("reads an alert policy's labels from userLabels, Cloud Monitoring's name for them", () => {
    const labelled = one("ageAlert");
    const inLabelsOnly = one("ageAlert", (inputs) => {
      (inputs as { labels?: unknown }).labels = inputs.userLabels;
      delete (inputs as { userLabels?: unknown }).userLabels;
    });
    assert.deepEqual(messages(labels, [labelled]), []);
    assert.equal(messages(labels, [inLabelsOnly]).length, 3);
  });

  it("reports a secret without labels", () => {
    const secret = one("clientSecret", (inputs) => {
      delete (inputs as { labels?: unknown }).labels;
    });
    assert.equal(messages(labels, [secret]).length, 3);
  });

  it("counts the provider's defaultLabels", () => {
    const found: string[] = [];
    const args = {
      type: "gcp:pubsub/topic:Topic",
      props: { labels: { component: "events" } },
      provider: {
        type: "pulumi:providers:gcp",
        name: "gcp",
        urn: "urn",
        props: { defaultLabels: { app: "hubspot-trigger", env: "prod" } },
      },
      notApplicable: () => {
        throw new Error("applies");
      },
    } as unknown as ResourceValidationArgs;
    void labels.validateResource(args, (message) => found.push(message));
    assert.deepEqual(found, []);
  });

  it("backend managed: accepts the labelled connection, and reports one without labels", () => {
    assert.deepEqual(messages(labels, buildManagedStack()), []);
    const unlabelled = buildManagedStack((s) => {
      (s.connection.inputs as { labels?: unknown }).labels = undefined;
    }).filter((r) => r.name === "connection");
    assert.equal(messages(labels, unlabelled).length, 3);
  });
});
