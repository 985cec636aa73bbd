import * as assert from "node:assert/strict";
import { secretReplication } from "../../../policies/rules/hubspot-trigger-secretmanager-replication";
import { messages } from "../support/harness";
import { one } from "../support/stack";

const EU_ONLY = { "hubspot-trigger-secretmanager-replication": { allowedLocations: ["europe-west1", "europe-west4"] } };

function withReplication(replication: unknown) {
  return one("clientSecret", (inputs) => {
    Object.assign(inputs, { replication });
  });
}

describe("hubspot-trigger-secretmanager-replication", () => {
  it("accepts automatic replication when no location is imposed", () => {
    assert.deepEqual(messages(secretReplication, [one("clientSecret")]), []);
  });

  it("accepts user-managed replicas inside the allowed locations", () => {
    const secret = withReplication({
      userManaged: { replicas: [{ location: "europe-west1" }, { location: "europe-west4" }] },
    });
    assert.deepEqual(messages(secretReplication, [secret], EU_ONLY), []);
  });

  it("reports missing replication and an empty replica list", () => {
    assert.deepEqual(
      messages(secretReplication, [withReplication({}), withReplication({ userManaged: { replicas: [] } })]),
      [
        "Replication is not set: choose replication.auto or replication.userManaged with replicas.",
        "replication.userManaged has no replica.",
      ],
    );
  });

  it("reports replicas outside the allowed locations, and automatic replication under a residency rule", () => {
    const us = withReplication({ userManaged: { replicas: [{ location: "us-central1" }] } });
    assert.deepEqual(messages(secretReplication, [us, one("clientSecret")], EU_ONLY), [
      'Replica location "us-central1" is not among the allowed locations (europe-west1, europe-west4).',
      "Automatic replication may store the secret anywhere; allowed locations are europe-west1, europe-west4.",
    ]);
  });
});
