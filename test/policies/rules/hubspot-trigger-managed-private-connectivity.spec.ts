import * as assert from "node:assert/strict";
import { managedPrivateConnectivity } from "../../../policies/rules/hubspot-trigger-managed-private-connectivity";
import { analyzeResource, messages } from "../support/harness";
import { buildManagedStack } from "../support/stack";
import { loadPolicyConfig } from "../../../policies/offline";

// Private connectivity for event subscriptions: https://cloud.google.com/integration-connectors/docs/eventsubscription
const UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";

function withPrivate(enabled: boolean | undefined) {
  return buildManagedStack((s) => {
    s.connectionEventing.inputs.privateConnectivityEnabled = enabled;
  });
}

describe("hubspot-trigger-managed-private-connectivity", () => {
  it("accepts private connectivity on", () => {
    assert.deepEqual(messages(managedPrivateConnectivity, buildManagedStack()), []);
  });

  it("reports private connectivity off or unset", () => {
    const expected = [
      "Connection eventing connection-eventing has private connectivity off: the connection's listener is reached over " +
        "the public internet; set hubspot-trigger:managed.privateConnectivity.enabled: true.",
    ];
    assert.deepEqual(messages(managedPrivateConnectivity, withPrivate(false)), expected);
    assert.deepEqual(messages(managedPrivateConnectivity, withPrivate(undefined)), expected);
  });

  it("is mandatory in prod and advisory in dev", () => {
    const level = (env: string) => loadPolicyConfig(env)[managedPrivateConnectivity.name];
    assert.deepEqual(level("prod"), { enforcementLevel: "mandatory" });
    assert.deepEqual(level("dev"), { enforcementLevel: "advisory" });
  });

  it("does not guess while the flag is unknown", () => {
    const eventing = buildManagedStack().find((r) => r.name === "connection-eventing");
    assert.ok(eventing);
    const props = { ...eventing.inputs, privateConnectivityEnabled: UNKNOWN_BOOL };
    assert.deepEqual(analyzeResource(managedPrivateConnectivity, eventing.type, props), []);
  });
});
