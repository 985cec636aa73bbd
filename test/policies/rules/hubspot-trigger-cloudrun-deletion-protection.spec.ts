import * as assert from "node:assert/strict";
import { deletionProtection } from "../../../policies/rules/hubspot-trigger-cloudrun-deletion-protection";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
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

  it('backend managed: accepts the connection with deletionPolicy "PREVENT"', () => {
    const connection = buildManagedStack().filter((r) => r.name === "connection");
    assert.equal(connection.length, 1);
    assert.deepEqual(messages(deletionProtection, connection), []);
  });

  it('backend managed: reports a connection whose deletionPolicy is not "PREVENT", naming the config key', () => {
    const withPolicy = (policy: string | undefined) =>
      buildManagedStack((s) => {
        s.connection.inputs.deletionPolicy = policy;
        if (policy === undefined) delete s.connection.inputs.deletionPolicy;
      });
    const fix =
      "a destroy or a replacement deletes the endpoint HubSpot delivers to; set hubspot-trigger:deletionProtection: " +
      'true (deletionPolicy "PREVENT").';
    assert.deepEqual(messages(deletionProtection, withPolicy("DELETE")), [
      `Connection connection has deletionPolicy "DELETE": ${fix}`,
    ]);
    assert.deepEqual(messages(deletionProtection, withPolicy("ABANDON")), [
      `Connection connection has deletionPolicy "ABANDON": ${fix}`,
    ]);
    assert.deepEqual(messages(deletionProtection, withPolicy(undefined)), [
      `Connection connection has deletionPolicy unset (the provider deletes: "DELETE"): ${fix}`,
    ]);
  });

  it("backend managed: trusts a deletionPolicy not known before apply", () => {
    const type = "gcp:integrationconnectors/connection:Connection";
    assert.deepEqual(analyzeResource(deletionProtection, type, { deletionPolicy: UNKNOWN_STRING }), []);
    assert.deepEqual(analyzeResource(deletionProtection, type, { deletionPolicy: "PREVENT" }), []);
    assert.equal((analyzeResource(deletionProtection, type, {}) as string[]).length, 1);
  });
});
