import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import {
  artifactRegistryImage,
  DELETE_OLDER_THAN,
  KEEP_RECENT_VERSIONS,
  RuntimeImage,
} from "../../components/runtime-image";
import { mocks } from "../support/setup";
import { build, PROJECT, recorded, resolve, triggerArgs, type Seen } from "./support";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

const ROOT = path.resolve(__dirname, "../..");
const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const IMAGE = "docker-build:index:Image";
const REPOSITORY_IAM = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const SERVICE = "gcp:cloudrunv2/service:Service";
const ROLES = ["listener", "dispatcher"] as const;

/** Prod's image: in the shared artifacts project, not in the stack's. */
const CROSS_PROJECT_IMAGE =
  "europe-west1-docker.pkg.dev/acme-artifacts/hubspot-trigger/listener:0.1.0@sha256:" + "4f1c".repeat(16);

function dependsOn(seen: Seen[], name: string): unknown[] {
  const found = seen.find((s) => s.name === name);
  assert.ok(found, `no resource ${name}`);
  return ([] as unknown[]).concat(found.opts.dependsOn ?? []);
}

/** Pulumi's wire form of a secret value: an object tagged with this signature key and value. */
const SECRET_SIG = [specialSigKey, specialSecretSig] as const;

function isSecret(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG[0]] === SECRET_SIG[1]
  );
}

/** A secret input as the mock engine receives it. */
function unwrapSecret(value: unknown): unknown {
  return isSecret(value) ? (value as { value: unknown }).value : value;
}

describe("runtime image", () => {
  beforeEach(() => mocks.reset());

  describe("imageBuild: built and pushed by pulumi up", () => {
    const args = () => triggerArgs({ image: undefined, imageBuild: { repository: "hubspot-test-runtime" } });

    it("creates a Docker repository in the stack's region, labelled, with a cleanup policy that keeps the newest", async () => {
      await build((opts) => new HubSpotTrigger("hs", args(), opts));
      const repository = recorded(REPOSITORY, "hs-image-repository").inputs;
      assert.equal(repository.format, "DOCKER");
      assert.equal(repository.project, PROJECT);
      assert.equal(repository.location, "europe-west1");
      assert.equal(repository.repositoryId, "hubspot-test-runtime");
      assert.deepEqual(repository.labels, { team: "revops", app: "hubspot-trigger", env: "test", component: "image" });
      // Artifact Registry: keep policies take precedence over delete policies
      // (https://cloud.google.com/artifact-registry/docs/repositories/cleanup-policy).
      assert.equal(repository.cleanupPolicyDryRun, false);
      assert.deepEqual(repository.cleanupPolicies, [
        { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: KEEP_RECENT_VERSIONS } },
        { id: "delete-old", action: "DELETE", condition: { tagState: "ANY", olderThan: DELETE_OLDER_THAN } },
      ]);
      assert.equal(mocks.ofType(REPOSITORY_IAM).length, 0, "Cloud Run pulls from its own project without a grant");
    });

    it("builds runtime/Dockerfile from the repository root for linux/amd64 and pushes it with the deployer's token", async () => {
      const { seen } = await build((opts) => new HubSpotTrigger("hs", args(), opts));
      const image = recorded(IMAGE, "hs-image-build").inputs;
      const context = (image.context as { location: string }).location;
      assert.equal(path.resolve(context), ROOT, "context: the package root, relative to the program's directory");
      assert.ok(!path.isAbsolute(context), "a relative context keeps the state the same on every machine");
      const dockerfile = (image.dockerfile as { location: string }).location;
      assert.equal(path.resolve(dockerfile), path.join(ROOT, "runtime/Dockerfile"));
      assert.ok(existsSync(dockerfile));
      assert.deepEqual(image.platforms, ["linux/amd64"]);
      assert.equal(image.push, true);
      assert.deepEqual(image.tags, [`europe-west1-docker.pkg.dev/${PROJECT}/hubspot-test-runtime/runtime:latest`]);
      // Access-token login to Artifact Registry
      // (https://cloud.google.com/artifact-registry/docs/docker/authentication#token).
      // The token makes the whole registries input secret: encrypted in the state, never printed.
      assert.ok(isSecret(image.registries), "registries (with the token) are secret");
      const [registry] = unwrapSecret(image.registries) as Array<Record<string, unknown>>;
      assert.equal(registry.address, "europe-west1-docker.pkg.dev");
      assert.equal(registry.username, "oauth2accesstoken");
      assert.ok("password" in registry, "the access token from getClientConfig");
      const repository = seen.find((s) => s.name === "hs-image-repository")?.resource;
      assert.ok(dependsOn(seen, "hs-image-build").includes(repository), "pushes only once the repository exists");
    });

    it("deploys the pushed digest to both services, after the push", async () => {
      const { component, seen } = await build((opts) => new HubSpotTrigger("hs", args(), opts));
      const ref = await resolve(component.runtimeImage.ref);
      assert.match(
        ref,
        new RegExp(
          `^europe-west1-docker\\.pkg\\.dev/${PROJECT}/hubspot-test-runtime/runtime:latest@sha256:[0-9a-f]{64}$`,
        ),
      );
      const image = seen.find((s) => s.name === "hs-image-build")?.resource;
      for (const role of ROLES) {
        const template = recorded(SERVICE, `hs-services-${role}`).inputs.template as {
          containers: Array<{ image: string }>;
        };
        assert.equal(template.containers[0].image, ref, `${role} runs the digest`);
        assert.ok(dependsOn(seen, `hs-services-${role}`).includes(image), `${role} waits for the push`);
      }
    });

    it("enables Artifact Registry and creates the repository only after it", async () => {
      const { seen } = await build((opts) => new HubSpotTrigger("hs", args(), opts));
      const api = mocks
        .ofType("gcp:projects/service:Service")
        .find((s) => s.inputs.service === "artifactregistry.googleapis.com");
      assert.ok(api, "artifactregistry.googleapis.com is enabled");
      const apiResource = seen.find((s) => s.name === api.name)?.resource;
      assert.ok(dependsOn(seen, "hs-image").includes(apiResource), "the component waits for the API");
    });

    it("does not enable Artifact Registry for a stack that is given its image", async () => {
      await build((opts) => new HubSpotTrigger("hs", triggerArgs(), opts));
      const services = mocks.ofType("gcp:projects/service:Service").map((s) => s.inputs.service);
      assert.ok(services.length > 0);
      assert.ok(!services.includes("artifactregistry.googleapis.com"));
      assert.equal(mocks.ofType(REPOSITORY).length + mocks.ofType(IMAGE).length, 0);
    });
  });

  describe("an image in another project's Artifact Registry", () => {
    it("grants this project's Cloud Run service agent Artifact Registry Reader on that repository, before both services", async () => {
      // "If your repositories are in a different project, you must grant Artifact Registry Reader permissions to the
      // Cloud Run Service Agent" (https://cloud.google.com/artifact-registry/docs/integrate-cloud-run); the agent is
      // service-PROJECT_NUMBER@serverless-robot-prod.iam.gserviceaccount.com
      // (https://cloud.google.com/iam/docs/service-agents).
      const { seen } = await build(
        (opts) => new HubSpotTrigger("hs", triggerArgs({ image: CROSS_PROJECT_IMAGE }), opts),
      );
      const [grant, ...others] = mocks.ofType(REPOSITORY_IAM);
      assert.deepEqual(others, []);
      assert.equal(grant.inputs.project, "acme-artifacts");
      assert.equal(grant.inputs.location, "europe-west1");
      assert.equal(grant.inputs.repository, "hubspot-trigger", "the one repository, not the project");
      assert.equal(grant.inputs.role, "roles/artifactregistry.reader");
      // The same project number the stack uses for its Pub/Sub service agent.
      const pubsubAgent = mocks.resources
        .map((r) => String(r.inputs.member ?? ""))
        .find((member) => member.includes("@gcp-sa-pubsub.iam.gserviceaccount.com"));
      const number = /service-(\d+)@/.exec(pubsubAgent ?? "")?.[1];
      assert.ok(number, "the stack's project number");
      assert.equal(
        grant.inputs.member,
        `serviceAccount:service-${number}@serverless-robot-prod.iam.gserviceaccount.com`,
      );
      const grantResource = seen.find((s) => s.name === grant.name)?.resource;
      for (const role of ROLES) {
        assert.ok(dependsOn(seen, `hs-services-${role}`).includes(grantResource), `${role} waits for the grant`);
        const template = recorded(SERVICE, `hs-services-${role}`).inputs.template as {
          containers: Array<{ image: string }>;
        };
        assert.equal(template.containers[0].image, CROSS_PROJECT_IMAGE);
      }
    });

    it("grants nothing for the stack's own project or another registry", async () => {
      for (const image of [
        `europe-west1-docker.pkg.dev/${PROJECT}/hubspot-trigger/listener:1.0.0`,
        "docker.io/acme/listener:1.0.0",
        "gcr.io/acme-artifacts/listener:1.0.0",
      ]) {
        mocks.reset();
        await build((opts) => new HubSpotTrigger("hs", triggerArgs({ image }), opts));
        assert.deepEqual(mocks.ofType(REPOSITORY_IAM), [], image);
      }
    });
  });

  describe("artifactRegistryImage", () => {
    it("reads location, project and repository of Artifact Registry references only", () => {
      assert.deepEqual(artifactRegistryImage(CROSS_PROJECT_IMAGE), {
        location: "europe-west1",
        project: "acme-artifacts",
        repository: "hubspot-trigger",
      });
      assert.deepEqual(artifactRegistryImage("us-docker.pkg.dev/acme/repo/team/listener:1"), {
        location: "us",
        project: "acme",
        repository: "repo",
      });
      // Domain-scoped project ids put the domain in its own path segment.
      assert.deepEqual(artifactRegistryImage("europe-docker.pkg.dev/example.com/tools/repo/listener:1"), {
        location: "europe",
        project: "example.com:tools",
        repository: "repo",
      });
      for (const other of ["gcr.io/acme/listener:1", "europe-west1-docker.pkg.dev/acme/listener:1", "listener:1"]) {
        assert.equal(artifactRegistryImage(other), undefined, other);
      }
    });
  });

  it("refuses both or neither of a reference and build settings, naming both", () => {
    const base = { environment: "t", project: "p", projectNumber: "1", region: "europe-west1" };
    const both = { ...base, reference: CROSS_PROJECT_IMAGE, build: { repository: "r" } };
    assert.throws(() => new RuntimeImage("img", both), /img: got both of an image reference .*image.*imageBuild/);
    assert.throws(() => new RuntimeImage("img", base), /img: got neither/);
    assert.throws(() => new RuntimeImage("img", { ...base, reference: "" }), /img: got neither/);
    assert.equal(mocks.resources.length, 0);
  });
});
