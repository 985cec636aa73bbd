// `npm run plan` on a stack that builds its own runtime image (test/fixtures/stacks/Pulumi.image-build.yaml): the
// repository, the build and both services on the pushed digest, with the policy pack passing.
import { strict as assert } from "node:assert";
import { planJson, type PlanJson } from "../support/plan-json";

const FIXTURE = "test/fixtures/stacks/Pulumi.image-build.yaml";

describe("npm run plan with imageBuild", function () {
  this.timeout(120_000);
  let json: PlanJson;

  before(async () => {
    json = await planJson(["--config-file", FIXTURE]);
  });

  const ofType = (type: string) => json.resources.filter((r) => r.type === type);

  it("plans the repository, the build pushing to it, and Artifact Registry enabled first", () => {
    const [repository] = ofType("gcp:artifactregistry/repository:Repository");
    assert.equal(repository.inputs.repositoryId, "hubspot-dev-runtime");
    assert.equal(repository.inputs.location, "europe-west1");
    const [image] = ofType("docker-build:index:Image");
    assert.deepEqual(image.inputs.tags, [
      "europe-west1-docker.pkg.dev/acme-hubspot-dev/hubspot-dev-runtime/runtime:dev",
    ]);
    assert.equal(image.inputs.push, true);
    const apis = ofType("gcp:projects/service:Service").map((s) => s.inputs.service);
    assert.ok(apis.includes("artifactregistry.googleapis.com"));
  });

  it("runs both Cloud Run services on the pushed digest, not on the tag", () => {
    const services = ofType("gcp:cloudrunv2/service:Service");
    assert.equal(services.length, 2);
    for (const service of services) {
      const [container] = (service.inputs.template as { containers: Array<{ image: string }> }).containers;
      assert.match(container.image, /\/hubspot-dev-runtime\/runtime:dev@sha256:[0-9a-f]{64}$/, service.name);
    }
  });

  it("passes the policy pack's mandatory rules (and has run it: the dev advisories are there)", () => {
    const levels = json.policy.violations.map((v) => v.level);
    assert.ok(levels.includes("advisory"), "deletion protection is off in this fixture");
    assert.deepEqual(
      json.policy.violations.filter((v) => v.level === "mandatory"),
      [],
    );
  });
});
