// The stack config of the managed backend (contract/stack-config/managed.ts): defaults, the connector version's two
// forms, and what the managed backend cannot take, every problem in one run.
import { strict as assert } from "node:assert";
import { MANAGED_DEFAULTS, parseStackConfig, type StackConfigProblem } from "../../contract/stack-config";

const CONTEXT = { stack: "prod", project: "acme-hubspot-prod", defaultRepository: () => "unused" };
const BASE = {
  image: "europe-west1-docker.pkg.dev/p/r/listener:1",
  integration: { name: "crm" },
  triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
};
const SECRETS = { clientSecret: "s", accessToken: "t" };

function problems(values: Record<string, unknown>, secrets: Record<string, string> = SECRETS): string[] {
  const result = parseStackConfig({ ...BASE, ...values }, secrets, CONTEXT);
  return result.problems.map((p: StackConfigProblem) => `${p.path.join(".")}: ${p.message}`);
}

describe("stack config: backend managed", () => {
  it("defaults to the self-hosted backend, with the seed's node counts kept for the managed one", () => {
    const result = parseStackConfig(BASE, SECRETS, CONTEXT);
    assert.equal(result.config?.backend, "self-hosted");
    // Seed: "le nombre minimal de nœuds est défini par défaut sur 2 ... et le nombre maximal de nœuds sur 50".
    assert.equal(MANAGED_DEFAULTS.minNodes, 2);
    assert.equal(MANAGED_DEFAULTS.maxNodes, 50);
    assert.deepEqual(MANAGED_DEFAULTS.privateConnectivity, { enabled: false, allowlistedProjects: [] });
  });

  it("expands a bare connector version number into Google's HubSpot connector version resource", () => {
    const result = parseStackConfig(
      { ...BASE, backend: "managed", managed: { connectorVersion: "2", maxNodes: "8" } },
      SECRETS,
      CONTEXT,
    );
    assert.deepEqual(result.problems, []);
    assert.equal(
      result.config?.managed.connectorVersion,
      "projects/acme-hubspot-prod/locations/global/providers/gcp/connectors/hubspot/versions/2",
    );
    assert.equal(result.config?.managed.maxNodes, 8);
    const full = "projects/other-project/locations/global/providers/gcp/connectors/hubspot/versions/1";
    const given = parseStackConfig(
      { ...BASE, backend: "managed", managed: { connectorVersion: full } },
      SECRETS,
      CONTEXT,
    );
    assert.equal(given.config?.managed.connectorVersion, full);
  });

  it("reports everything the managed backend cannot take, in one run", () => {
    const found = problems(
      {
        backend: "managed",
        managed: {
          minNodes: 5,
          maxNodes: 3,
          serviceAccount: "123456789012-compute@developer.gserviceaccount.com",
          privateConnectivity: { allowlistedProjects: ["acme-crm"] },
        },
        triggers: [{ name: "companies", eventTypes: ["company.creation", "deal.creation"] }],
        privateServiceConnect: { enabled: true, consumerAcceptList: [{ project: "acme-crm", connectionLimit: 1 }] },
        serviceAccounts: { listener: "listen-acct@acme-hubspot-prod.iam.gserviceaccount.com" },
        signature: { allowLegacy: true },
      },
      { clientSecret: "s", previousClientSecret: "p" },
    );
    const expected: [string, RegExp][] = [
      ["managed.connectorVersion", /missing; required with backend managed; .*gcloud connectors versions list/],
      ["managed.minNodes", /5 is above maxNodes 3; minNodes <= maxNodes/],
      ["managed.serviceAccount", /Compute Engine default/i],
      ["managed.privateConnectivity.allowlistedProjects", /only with enabled: true/],
      ["triggers.0.eventTypes.0", /"company.creation" is not offered by Google's HubSpot connector/],
      ["privateServiceConnect.enabled", /no Cloud Run listener to publish: use managed.privateConnectivity/],
      ["serviceAccounts.listener", /the connection's account is managed.serviceAccount/],
      ["signature.allowLegacy", /the connection, not the stack, verifies signatures/],
      ["previousClientSecret", /verifies with one client secret/],
      ["accessToken", /missing; the managed backend's connection authenticates to HubSpot/],
    ];
    for (const [path, message] of expected) {
      const problem = found.find((p) => p.startsWith(`${path}: `));
      assert.ok(problem, `no problem at ${path}; got:\n${found.join("\n")}`);
      assert.match(problem, message);
    }
    assert.ok(!found.some((p) => p.startsWith("triggers.0.eventTypes.1")), "deal.creation is offered");
  });

  it("refuses a managed section on the self-hosted backend and an unknown backend", () => {
    assert.deepEqual(problems({ managed: { connectorVersion: "1" } }), [
      "managed: is set but backend is not managed; set hubspot-trigger:backend to managed, or remove managed",
    ]);
    const unknown = problems({ backend: "google" });
    assert.equal(unknown.length, 1);
    assert.match(unknown[0], /^backend: "google" is not a backend; one of self-hosted, managed/);
  });

  it("accepts company events and signature options on the self-hosted backend as before", () => {
    assert.deepEqual(
      problems({
        triggers: [{ name: "companies", eventTypes: ["company.creation"] }],
        signature: { allowLegacy: true },
      }),
      [],
    );
  });
});
