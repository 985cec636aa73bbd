import { strict as assert } from "node:assert";
import { ConfigValidationError, validateStackConfig, type RawStackConfig } from "../../infra/config";
import type { StackConfig } from "../../infra/config-types";
import { defaultRepository } from "../../infra/config/validate";

const IMAGE = "europe-west1-docker.pkg.dev/acme-dev/hubspot-trigger/listener:0.1.0";
const CONTEXT = { stack: "dev", project: "acme-hubspot-dev" };

function validate(values: RawStackConfig["values"], context = CONTEXT): StackConfig {
  return validateStackConfig(
    {
      values: {
        integration: { name: "hubspot-crm-sync" },
        triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
        ...values,
      },
      secrets: { clientSecret: "s3cret-value" },
    },
    context,
  );
}

function messages(values: RawStackConfig["values"]): string[] {
  try {
    validate(values);
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, String(error));
    return error.problems.map((p) => p.message);
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config: image or imageBuild", () => {
  it("takes an image reference, with no build", () => {
    const config = validate({ image: IMAGE });
    assert.equal(config.image, IMAGE);
    assert.equal(config.imageBuild, undefined);
  });

  it("builds when imageBuild.enabled, in a per-stack repository by default", () => {
    const config = validate({ imageBuild: { enabled: true } });
    assert.equal(config.image, undefined);
    assert.deepEqual(config.imageBuild, { repository: "hubspot-dev-runtime" });
    const prod = validate({ imageBuild: { enabled: "true" } }, { stack: "prod", project: "acme-hubspot-dev" });
    assert.deepEqual(prod.imageBuild, { repository: "hubspot-prod-runtime" }, "dev and prod never share one");
  });

  it("keeps a chosen repository and tag", () => {
    const config = validate({ imageBuild: { enabled: true, repository: "runtime-images", tag: "2026.11.1" } });
    assert.deepEqual(config.imageBuild, { repository: "runtime-images", tag: "2026.11.1" });
  });

  it("treats Pulumi.yaml's empty defaults ('' and {}) as unset", () => {
    assert.equal(validate({ image: IMAGE, imageBuild: {} }).image, IMAGE);
    assert.ok(validate({ image: "", imageBuild: { enabled: true } }).imageBuild);
  });

  it("refuses both, naming both keys and the rule", () => {
    assert.deepEqual(messages({ image: IMAGE, imageBuild: { enabled: true } }), [
      `hubspot-trigger:image: is set ("${IMAGE}") and imageBuild.enabled is true; exactly one of ` +
        "hubspot-trigger:image (an image you built and pushed) and hubspot-trigger:imageBuild.enabled (the stack " +
        "builds runtime/Dockerfile and pushes it) must be set",
    ]);
  });

  it("refuses neither, including a disabled build", () => {
    for (const values of [{}, { imageBuild: { enabled: false } }]) {
      const [message, ...rest] = messages(values);
      assert.deepEqual(rest, []);
      assert.match(message, /^hubspot-trigger:image: missing and imageBuild.enabled is not true; exactly one of/);
      assert.match(message, /hubspot-trigger:imageBuild.enabled/);
    }
  });

  it("refuses repository ids and tags Artifact Registry and Docker would refuse", () => {
    assert.deepEqual(
      messages({ imageBuild: { enabled: true, repository: "Runtime_Images", tag: ".hidden" } }).map(
        (m) => m.split(":")[1],
      ),
      ["imageBuild.repository", "imageBuild.tag"],
    );
    const [tooLong] = messages({ imageBuild: { enabled: true, repository: `r${"x".repeat(63)}` } });
    assert.match(tooLong, /^hubspot-trigger:imageBuild.repository: .* Artifact Registry repository id/);
  });

  it("refuses unknown imageBuild keys and build settings without enabled", () => {
    assert.deepEqual(messages({ image: IMAGE, imageBuild: { repository: "runtime", platform: "arm64" } }), [
      "hubspot-trigger:imageBuild.platform: unknown key; allowed keys are enabled, repository, tag",
      "hubspot-trigger:imageBuild.repository: is set but imageBuild.enabled is not true; set it only with enabled: true",
    ]);
  });

  it("derives a valid repository id from any connection name and environment", () => {
    const id = defaultRepository(`hubspot-${"a".repeat(41)}`, "Feature/Very_Long.Branch-Name-2026");
    assert.ok(id.length <= 63, id);
    assert.match(id, /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
    assert.notEqual(id, defaultRepository(`hubspot-${"a".repeat(41)}`, "Feature/Very_Long.Branch-Name-2027"));
  });
});
