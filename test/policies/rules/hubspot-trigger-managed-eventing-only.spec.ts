import * as assert from "node:assert/strict";
import { managedEventingOnly } from "../../../policies/rules/hubspot-trigger-managed-eventing-only";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
import { buildManagedStack } from "../support/stack";

// Connection.eventingEnablementType:
// https://cloud.google.com/integration-connectors/docs/reference/rest/v1/projects.locations.connections#EventingEnablementType
function withType(type: string | undefined) {
  return buildManagedStack((s) => {
    s.connection.inputs.eventingEnablementType = type;
  });
}

describe("hubspot-trigger-managed-eventing-only", () => {
  it("accepts ONLY_EVENTING", () => {
    assert.deepEqual(messages(managedEventingOnly, buildManagedStack()), []);
  });

  it("reports a connection that also serves entities and actions, or has eventing off", () => {
    assert.deepEqual(messages(managedEventingOnly, withType("EVENTING_AND_CONNECTION")), [
      'Connection connection has eventingEnablementType "EVENTING_AND_CONNECTION"; the trigger needs ONLY_EVENTING: ' +
        "entities and actions would let the connection read and write HubSpot objects. Build it with hubspot-trigger:backend: managed.",
    ]);
    assert.deepEqual(messages(managedEventingOnly, withType(undefined)), [
      "Connection connection has eventingEnablementType unset (eventing off); the trigger needs ONLY_EVENTING: " +
        "entities and actions would let the connection read and write HubSpot objects. Build it with hubspot-trigger:backend: managed.",
    ]);
  });

  it("does not guess while the type is unknown", () => {
    const connection = buildManagedStack().find((r) => r.name === "connection");
    assert.ok(connection);
    const props = { ...connection.inputs, eventingEnablementType: UNKNOWN_STRING };
    assert.deepEqual(analyzeResource(managedEventingOnly, connection.type, props), []);
  });
});
