import * as assert from "node:assert/strict";
import { deletionProtection } from "../../../policies/rules/hubspot-trigger-cloudrun-deletion-protection";
import { messages } from "../support/harness";
import { buildManagedStack, one } from "../support/stack";

describe("hubspot-trigger-cloudrun-deletion-protection", () => {
  it("accepts protection on, and unset (the provider's default is on)", () => {
    const unset = one("listener", (inputs) => {
      delete (inputs as { deletionProtection?: boolean }).deletionProtection;
    });
    assert.deepEqual(messages(deletionProtection, [one("listener"), unset]), []);
  });

  it("reports protection turned off", () => {
    const off = one("listener", (inputs) => {
      inputs.deletionProtection = false;
    });
    assert.deepEqual(messages(deletionProtection, [off]), [
      "deletionProtection is false: the service can be deleted by a destroy or a replacement; set hubspot-trigger:deletionProtection: true.",
    ]);
  });

  it("backend managed: holds with a connection and no listener service", () => {
    assert.deepEqual(messages(deletionProtection, buildManagedStack()), []);
  });
});
