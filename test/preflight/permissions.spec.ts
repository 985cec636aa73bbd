// The permission table against the repository's real plans: every resource type the dev and prod plans create has an
// entry, every permission has a role, and cross-project resources land in their own project.
// Permission names: https://cloud.google.com/iam/docs/permissions-reference
import * as assert from "node:assert/strict";
import { neededApis } from "../../scripts/lib/preflight/apis";
import {
  allTablePermissions,
  neededPermissions,
  NO_GOOGLE_PERMISSIONS,
  PERMISSIONS_BY_RESOURCE_TYPE,
  projectOf,
  RELATED_PERMISSIONS,
  roleFor,
  UnknownResourceTypeError,
  unknownTypes,
} from "../../scripts/lib/preflight/permissions";
import { planOf, type StackPlan } from "./support";

describe("preflight permission table (dev and prod plans)", function () {
  this.timeout(120_000);
  let dev: StackPlan;
  let prod: StackPlan;

  before(async () => {
    [dev, prod] = await Promise.all([
      planOf(["--stack", "dev"], "acme-hubspot-dev"),
      planOf(["--stack", "prod"], "acme-hubspot-prod"),
    ]);
  });

  it("has an entry for every resource type the dev and prod plans contain", () => {
    for (const plan of [dev, prod]) {
      assert.ok(plan.resources.length > 20, "the plan is not empty");
      assert.deepEqual(unknownTypes(plan.resources), []);
    }
  });

  it("has an entry for every resource type of the managed backend's plan, each with its Connectors role", async () => {
    const managed = await planOf(["--config-file", "test/fixtures/stacks/Pulumi.managed.yaml"], "acme-hubspot-prod");
    assert.deepEqual(unknownTypes(managed.resources), []);
    const needed = neededPermissions(managed.resources, managed.project).get("acme-hubspot-prod");
    for (const permission of ["connectors.connections.create", "connectors.eventSubscriptions.create"]) {
      assert.ok(needed?.has(permission), permission);
      // https://cloud.google.com/iam/docs/roles-permissions/connectors: Connector Admin holds both.
      assert.equal(roleFor(permission)?.id, "roles/connectors.admin");
    }
  });

  it("refuses a plan with a resource type it has no entry for, naming it", () => {
    const plan = [...dev.resources, { type: "gcp:storage/bucket:Bucket", inputs: {} }];
    assert.throws(
      () => neededPermissions(plan, dev.project),
      (error: unknown) => error instanceof UnknownResourceTypeError && /gcp:storage\/bucket:Bucket/.test(error.message),
    );
  });

  it("names a predefined role for every permission the table can ask for", () => {
    const orphans = allTablePermissions().filter((permission) => roleFor(permission) === undefined);
    assert.deepEqual(orphans, []);
    assert.equal(roleFor("iam.serviceAccounts.actAs")?.id, "roles/iam.serviceAccountUser");
    assert.equal(roleFor("iam.serviceAccounts.create")?.id, "roles/iam.serviceAccountAdmin");
    assert.equal(roleFor("compute.serviceAttachments.create")?.id, "roles/compute.networkAdmin");
    assert.equal(roleFor("compute.regionUrlMaps.create")?.id, "roles/compute.loadBalancerAdmin");
  });

  it("lists every permission the plans need in the documented table (the related ones included)", () => {
    const documented = new Set(allTablePermissions());
    for (const plan of [dev, prod]) {
      for (const permissions of neededPermissions(plan.resources, plan.project).values()) {
        for (const permission of permissions.keys()) assert.ok(documented.has(permission), permission);
      }
    }
    for (const permission of RELATED_PERMISSIONS) assert.ok(documented.has(permission));
  });

  it("groups prod by project: the stack's, the dead-letter project and the image's repository project", () => {
    const needs = neededPermissions(prod.resources, prod.project);
    assert.deepEqual([...needs.keys()], ["acme-artifacts", "acme-hubspot-prod", "acme-ops-deadletters"]);
    // Deploying from the image reads it; the stack also grants the Cloud Run service agent reader on that repository.
    assert.deepEqual(
      needs.get("acme-artifacts"),
      new Map([
        ["artifactregistry.repositories.downloadArtifacts", ["gcp:cloudrunv2/service:Service (container image)"]],
        [
          "artifactregistry.repositories.getIamPolicy",
          ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"],
        ],
        [
          "artifactregistry.repositories.setIamPolicy",
          ["gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"],
        ],
      ]),
    );
    const deadLetter = [...needs.get("acme-ops-deadletters")!.keys()];
    for (const permission of [
      "pubsub.topics.create",
      "pubsub.topics.setIamPolicy",
      "pubsub.subscriptions.create",
      "pubsub.topics.attachSubscription",
    ]) {
      assert.ok(deadLetter.includes(permission), `dead-letter project needs ${permission}`);
    }
    assert.ok(!deadLetter.some((p) => p.startsWith("run.")), "Cloud Run lives in the stack's project only");
    const own = needs.get("acme-hubspot-prod")!;
    assert.deepEqual(own.get("iam.serviceAccounts.actAs"), [
      "gcp:cloudrunv2/service:Service (runtime service account)",
      "gcp:pubsub/subscription:Subscription (push identity)",
    ]);
    assert.ok(own.has("resourcemanager.projects.setIamPolicy"), "connectors.admin grants are project-level");
  });

  it("dev keeps everything in its own project", () => {
    assert.deepEqual([...neededPermissions(dev.resources, dev.project).keys()], ["acme-hubspot-dev"]);
  });

  it("places a secret version, which names its secret by project number, in the secret's project", () => {
    const version = prod.resources.find((r) => r.type === "gcp:secretmanager/secretVersion:SecretVersion")!;
    assert.match(String(version.inputs.secret), /^projects\/\d+\/secrets\//);
    assert.equal(projectOf(version, { defaultProject: "elsewhere", resources: prod.resources }), "acme-hubspot-prod");
  });

  it("needs the dead-letter project's Pub/Sub API and the image project's Artifact Registry API", () => {
    const apis = neededApis(prod.resources, prod.project).filter((need) => need.project !== prod.project);
    assert.deepEqual(apis, [
      { project: "acme-artifacts", api: "artifactregistry.googleapis.com", enabledByStack: false },
      { project: "acme-ops-deadletters", api: "pubsub.googleapis.com", enabledByStack: false },
    ]);
  });

  it("keeps the two tables apart (a type is either permission-bearing or Google-free)", () => {
    const both = Object.keys(NO_GOOGLE_PERMISSIONS).filter((type) => type in PERMISSIONS_BY_RESOURCE_TYPE);
    assert.deepEqual(both, []);
  });
});
