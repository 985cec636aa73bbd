import * as assert from "node:assert/strict";
import { targetUrl } from "../../../policies/rules/hubspot-trigger-hubspot-target-url";
import { messages } from "../support/harness";
import { buildManagedStack, buildStack, MANAGED_WEBHOOK_URL, WEBHOOK_URL } from "../support/stack";

function withTarget(target: string, publicUrl = target) {
  return buildStack((s) => {
    s.webhookSettings.inputs.targetUrl = target;
    s.listener.inputs.template.containers[0].envs[1] = { name: "PUBLIC_URL", value: publicUrl };
  });
}

describe("hubspot-trigger-hubspot-target-url", () => {
  it("accepts the listener's URL, and its deterministic run.app form", () => {
    assert.deepEqual(messages(targetUrl, buildStack()), []);
    const deterministic = "https://hubspot-prod-listener-123456789012.europe-west1.run.app/webhooks/hubspot";
    assert.deepEqual(messages(targetUrl, withTarget(deterministic)), []);
  });

  it("reports plain http", () => {
    const http = WEBHOOK_URL.replace("https:", "http:");
    assert.deepEqual(messages(targetUrl, withTarget(http)), [
      `targetUrl "${http}" is not https.`,
      `targetUrl "${http}" is not this stack's listener (expected ${WEBHOOK_URL}).`,
    ]);
  });

  it("reports another stack's listener, unless its host is allowed", () => {
    const other = "https://hooks.acme.example/webhooks/hubspot";
    assert.deepEqual(messages(targetUrl, withTarget(other)), [
      `targetUrl "${other}" is not this stack's listener (expected ${WEBHOOK_URL}).`,
    ]);
    const config = { "hubspot-trigger-hubspot-target-url": { allowedHosts: ["hooks.acme.example"] } };
    assert.deepEqual(messages(targetUrl, withTarget(other), config), []);
  });

  it("reports a listener PUBLIC_URL that differs from the registered URL", () => {
    const publicUrl = "https://old.acme.example/webhooks/hubspot";
    assert.deepEqual(messages(targetUrl, withTarget(WEBHOOK_URL, publicUrl)), [
      `Listener PUBLIC_URL "${publicUrl}" differs from targetUrl "${WEBHOOK_URL}": every v3 signature would fail.`,
    ]);
  });

  it("reports a registration without a listener in the stack", () => {
    const stack = buildStack((s) => {
      s.listener.inputs.labels.component = "dispatcher";
    }).filter((r) => r.name !== "dispatcher");
    assert.deepEqual(messages(targetUrl, stack), [
      "No listener service (Cloud Run, label component=listener) or Integration Connectors connection in this stack to receive the webhooks.",
    ]);
  });

  it("backend managed: accepts the connection's listener endpoint, with no listener service", () => {
    assert.deepEqual(messages(targetUrl, buildManagedStack()), []);
  });

  it("backend managed: reports a target that is not the connection's listener endpoint", () => {
    const stack = buildManagedStack((s) => {
      s.webhookSettings.inputs.targetUrl = WEBHOOK_URL;
    });
    assert.deepEqual(messages(targetUrl, stack), [
      `targetUrl "${WEBHOOK_URL}" is not this stack's listener (expected ${MANAGED_WEBHOOK_URL}).`,
    ]);
  });
});
