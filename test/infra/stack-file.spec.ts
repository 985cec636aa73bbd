import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadStackFile, placeholderSecret, StackFileError } from "../../scripts/lib/offline-plan/stack-file";

// What every stack must set (Pulumi.yaml declares them without a default), so a case file differs only where it means to.
const REQUIRED = `  hubspot-trigger:image: europe-west1-docker.pkg.dev/acme/hubspot/listener:1.0.0
  hubspot-trigger:triggers:
    - name: deals
      eventTypes: [deal.creation]
`;

function stackFile(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "a2-stack-")), "Pulumi.case.yaml");
  writeFileSync(file, yaml.replace(/^config:\n/, `config:\n${REQUIRED}`));
  return file;
}

describe("offline stack file loading", () => {
  it("applies Pulumi.yaml defaults under the stack's values, structured values as JSON, as the CLI does", () => {
    const loaded = loadStackFile("dev");
    assert.equal(loaded.config["gcp:project"], "acme-hubspot-dev");
    assert.equal(loaded.config["hubspot-trigger:connectionName"], "hubspot");
    assert.equal(loaded.config["hubspot-trigger:dedupWindowSeconds"], "600", "default from Pulumi.yaml");
    assert.equal(loaded.config["hubspot-trigger:signature"], "{}", "object default from Pulumi.yaml");
    const triggers = JSON.parse(loaded.config["hubspot-trigger:triggers"]) as { name: string }[];
    assert.deepEqual(
      triggers.map((t) => t.name),
      ["deal-pipeline", "contact-lifecycle", "crm-deletions"],
    );
  });

  it("gives stand-ins, marked secret, exactly to the secrets the stack needs and does not hold", () => {
    const dev = loadStackFile("dev");
    assert.deepEqual(dev.placeholders.sort(), ["hubspot-trigger:accessToken", "hubspot-trigger:clientSecret"]);
    assert.deepEqual(dev.secretKeys.sort(), dev.placeholders.sort());
    assert.equal(dev.config["hubspot-trigger:clientSecret"], placeholderSecret("hubspot-trigger:clientSecret"));
    assert.equal(dev.config["hubspot-trigger:previousClientSecret"], undefined, "optional secrets stay unset");

    const prod = loadStackFile("prod");
    assert.ok(
      prod.placeholders.includes("hubspot-trigger:hubspotDeveloperCredential"),
      "registration mode api needs it",
    );
  });

  it("needs no client secret stand-in when the stack references an existing secret", () => {
    const file = stackFile(
      "config:\n  hubspot-trigger:clientSecretRef:\n    secret: projects/acme/secrets/hs\n    version: latest\n",
    );
    assert.deepEqual(loadStackFile("case", { configFile: file }).placeholders, []);
  });

  it("replaces secure: ciphertext (undecryptable offline) with a stand-in marked secret", () => {
    const file = stackFile("config:\n  hubspot-trigger:previousClientSecret:\n    secure: v1:abc==\n");
    const loaded = loadStackFile("case", { configFile: file });
    assert.ok(loaded.secretKeys.includes("hubspot-trigger:previousClientSecret"));
    assert.equal(
      loaded.config["hubspot-trigger:previousClientSecret"],
      placeholderSecret("hubspot-trigger:previousClientSecret"),
    );
    assert.ok(!JSON.stringify(loaded).includes("v1:abc=="));
  });

  it("refuses a secret key stored in clear text, without echoing it", () => {
    const file = stackFile("config:\n  hubspot-trigger:accessToken: pat-na1-leaked\n");
    assert.throws(
      () => loadStackFile("case", { configFile: file }),
      (error: Error) =>
        /hubspot-trigger:accessToken is stored in clear text/.test(error.message) &&
        !error.message.includes("pat-na1-leaked"),
    );
  });

  it("names the file when it cannot be read", () => {
    assert.throws(
      () => loadStackFile("nope"),
      (error: Error) => error instanceof StackFileError && /cannot read .*Pulumi\.nope\.yaml/.test(error.message),
    );
  });
});
