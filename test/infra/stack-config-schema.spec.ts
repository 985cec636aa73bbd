import { strict as assert } from "node:assert";
import {
  DEAD_LETTER_DEFAULTS,
  PRIVATE_SERVICE_CONNECT_DEFAULTS,
  SCALING_DEFAULTS,
  SECRET_KEYS,
  STRING_KEYS,
  STRUCTURED_KEYS,
  parseStackConfig,
  scalingSchema,
  stackConfigSchema,
} from "../../contract/stack-config";

// The contract's schema on its own, as components and generators use it (the loader's behaviour is in config.spec.ts).
describe("contract/stack-config schema", () => {
  it("exports each section's defaults for components to apply", () => {
    assert.deepEqual(SCALING_DEFAULTS, { minInstances: 2, maxInstances: 50, concurrency: 80 });
    assert.deepEqual(DEAD_LETTER_DEFAULTS, { maxDeliveryAttempts: 10, retentionDays: 7 });
    assert.equal(PRIVATE_SERVICE_CONNECT_DEFAULTS.proxySubnetCidr, "10.100.64.0/23");
    assert.deepEqual(scalingSchema.parse({ maxInstances: "7" }), { minInstances: 2, maxInstances: 7, concurrency: 80 });
  });

  it("reads only the five plain string keys as text and keeps the secret keys out of the schema", () => {
    // backend is an enum: text, so `pulumi config set hubspot-trigger:backend managed` is read as written.
    assert.deepEqual(STRING_KEYS, ["connectionName", "region", "environment", "image", "backend"]);
    assert.ok(STRUCTURED_KEYS.includes("triggers") && STRUCTURED_KEYS.includes("dedupWindowSeconds"));
    for (const key of SECRET_KEYS) assert.equal(key in stackConfigSchema.shape, false, key);
  });

  it("reports each unknown sub-key at its own path, with every other problem of the same run", () => {
    const result = parseStackConfig(
      {
        image: "europe-west1-docker.pkg.dev/p/r/listener:1",
        integration: { name: "crm" },
        triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
        scaling: { minInstance: 1, maxInstance: 2, concurrency: 0 },
      },
      { clientSecret: "s" },
      { stack: "dev", project: "acme-dev-1", defaultRepository: () => "unused" },
    );
    assert.deepEqual(
      result.problems.map((p) => p.path.join(".")),
      ["scaling.concurrency", "scaling.minInstance", "scaling.maxInstance"],
    );
    assert.match(result.problems[1].message, /^unknown key; allowed keys are minInstances, maxInstances, concurrency$/);
  });

  it("never reads a secret's value: any value stands for a present secret", () => {
    const secret = Symbol("opaque secret input");
    const result = parseStackConfig(
      {
        image: "europe-west1-docker.pkg.dev/p/r/listener:1",
        integration: { name: "crm" },
        triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
      },
      { clientSecret: secret },
      { stack: "dev", project: "acme-dev-1", defaultRepository: () => "unused" },
    );
    assert.deepEqual(result.config?.clientSecret, { kind: "managed", value: secret });
  });
});
