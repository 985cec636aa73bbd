import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, loadStackConfig } from "../../infra/config";
import { loadStackFile } from "../../scripts/lib/offline-plan/stack-file";
import { TEST_STACK } from "../support/setup";

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

describe("loadStackConfig (engine config)", () => {
  let saved: Record<string, string>;
  before(() => (saved = pulumi.runtime.allConfig()));
  after(() => pulumi.runtime.setAllConfig(saved));

  it("reads the dev stack as the CLI hands it over: JSON values parsed, secrets as secret Outputs", async () => {
    const dev = loadStackFile("dev");
    pulumi.runtime.setAllConfig(dev.config, dev.secretKeys);
    const config = loadStackConfig();
    assert.equal(config.project, "acme-hubspot-dev");
    assert.equal(config.environment, TEST_STACK, "env label defaults to the running stack's name");
    assert.deepEqual(config.triggers.flatMap((t) => t.eventTypes).sort(), [
      "contact.creation",
      "contact.deletion",
      "contact.propertyChange",
      "deal.creation",
      "deal.deletion",
      "deal.propertyChange",
    ]);
    assert.deepEqual(config.scaling, { minInstances: 1, maxInstances: 5, concurrency: 80 });
    assert.equal(config.privateServiceConnect.enabled, true);
    assert.equal(config.registration.mode, "project");
    assert.equal(config.previousClientSecret, undefined, "an unset optional secret stays undefined");
    assert.equal(config.clientSecret.kind, "managed");
    if (config.clientSecret.kind === "managed") assert.equal(await pulumi.isSecret(config.clientSecret.value), true);
    assert.equal(config.accessToken?.kind, "managed");
    if (config.accessToken?.kind === "managed")
      assert.match(await resolve(config.accessToken.value), /^offline-placeholder-/);
  });

  it("takes the project from GOOGLE_PROJECT when gcp:project is unset, as the Google provider does", () => {
    const dev = loadStackFile("dev");
    const config = { ...dev.config };
    delete config["gcp:project"];
    pulumi.runtime.setAllConfig(config, dev.secretKeys);
    const previous = process.env.GOOGLE_PROJECT;
    process.env.GOOGLE_PROJECT = "acme-from-env";
    try {
      assert.equal(loadStackConfig().project, "acme-from-env");
    } finally {
      if (previous === undefined) delete process.env.GOOGLE_PROJECT;
      else process.env.GOOGLE_PROJECT = previous;
    }
  });

  it("keeps a numeric-looking string key a string and reports typos in the namespace", () => {
    const dev = loadStackFile("dev");
    pulumi.runtime.setAllConfig(
      { ...dev.config, "hubspot-trigger:connectionName": "123", "hubspot-trigger:trigers": "[]" },
      dev.secretKeys,
    );
    assert.throws(loadStackConfig, (error: unknown) => {
      assert.ok(error instanceof ConfigValidationError);
      assert.deepEqual(error.problems.map((p) => p.key).sort(), [
        "hubspot-trigger:connectionName",
        "hubspot-trigger:trigers",
      ]);
      assert.match(error.message, /"123" does not start with a letter/);
      return true;
    });
  });
});
