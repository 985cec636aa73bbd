import * as assert from "node:assert/strict";
import { managedConnectionAccount } from "../../../policies/rules/hubspot-trigger-managed-connection-account";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
import { buildManagedStack } from "../support/stack";

// Default accounts and service agents: https://cloud.google.com/iam/docs/service-account-types#default
// The connection's account: https://cloud.google.com/integration-connectors/docs/connectors/hubspot/configure
const COMPUTE_DEFAULT = "123456789012-compute@developer.gserviceaccount.com";
const APP_ENGINE_DEFAULT = "acme-prod@appspot.gserviceaccount.com";
const CONNECTORS_AGENT = "service-123456789012@gcp-sa-connectors.iam.gserviceaccount.com";

function withAccount(serviceAccount: string | undefined) {
  return buildManagedStack((s) => {
    s.connection.inputs.serviceAccount = serviceAccount;
  });
}

describe("hubspot-trigger-managed-connection-account", () => {
  it("accepts the stack's listener account, and an existing account", () => {
    assert.deepEqual(messages(managedConnectionAccount, buildManagedStack()), []);
    assert.deepEqual(
      messages(managedConnectionAccount, withAccount("crm-connector@acme-identities.iam.gserviceaccount.com")),
      [],
    );
  });

  it("reports a connection that names no account: it runs as the Compute Engine default account", () => {
    const expected = [
      "Connection connection names no service account, so it runs as the Compute Engine default account: leave " +
        "hubspot-trigger:managed.serviceAccount unset for the stack's own account, or name one made for this trigger.",
    ];
    assert.deepEqual(messages(managedConnectionAccount, withAccount(undefined)), expected);
    assert.deepEqual(messages(managedConnectionAccount, withAccount("")), expected);
  });

  it("reports Google's default accounts and service agents", () => {
    for (const [email, what] of [
      [COMPUTE_DEFAULT, "is the Compute Engine default service account"],
      [APP_ENGINE_DEFAULT, "is the App Engine default service account"],
      [CONNECTORS_AGENT, "is a Google-managed service agent"],
    ]) {
      const found = messages(managedConnectionAccount, withAccount(email));
      assert.equal(found.length, 1, email);
      assert.ok(found[0].startsWith(`Connection connection runs as ${email}, which ${what}`), found[0]);
      assert.ok(
        found[0].endsWith(
          "set hubspot-trigger:managed.serviceAccount to an account made for this trigger, or leave it unset for the stack's own.",
        ),
        found[0],
      );
    }
  });

  it("does not guess while the account is unknown, and applies to connections only", () => {
    const connection = buildManagedStack().find((r) => r.name === "connection");
    assert.ok(connection);
    const props = { ...connection.inputs, serviceAccount: UNKNOWN_STRING };
    assert.deepEqual(analyzeResource(managedConnectionAccount, connection.type, props), []);
    assert.equal(analyzeResource(managedConnectionAccount, "gcp:pubsub/topic:Topic", {}), "n/a");
  });
});
