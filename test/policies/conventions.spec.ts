// The pack's view of the world checked against the real @pulumi/gcp 9.37: type tokens and which types take labels.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  artifactregistry,
  cloudrunv2,
  compute,
  integrationconnectors,
  projects,
  pubsub,
  secretmanager,
  serviceaccount,
} from "@pulumi/gcp";
import { LABELLED_TYPES, TYPES } from "../../policies/lib/conventions";
import { resourceNameProblems } from "../../policies/vendor/contract";
import { IAM_TYPES } from "../../policies/lib/iam";

const token = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;
const GCP = path.dirname(require.resolve("@pulumi/gcp/package.json"));

/** Whether the `<Type>Args` interface of a gcp type token declares `labels`. */
function argsTakeLabels(type: string): boolean {
  const [, module, , name] = /^gcp:([a-z0-9]+)\/([A-Za-z]+):([A-Za-z]+)$/.exec(type) ?? [];
  const file = path.join(GCP, module, `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`);
  const source = fs.readFileSync(file, "utf8");
  const args = source.slice(source.indexOf(`export interface ${name}Args {`));
  return /\n {4}labels\?:/.test(args.slice(0, args.indexOf("\n}")));
}

describe("pack conventions", () => {
  it("uses the gcp type tokens of @pulumi/gcp", () => {
    assert.equal(TYPES.serviceAccount, token(serviceaccount.Account));
    assert.equal(TYPES.secret, token(secretmanager.Secret));
    assert.equal(TYPES.secretVersion, token(secretmanager.SecretVersion));
    assert.equal(TYPES.topic, token(pubsub.Topic));
    assert.equal(TYPES.subscription, token(pubsub.Subscription));
    assert.equal(TYPES.cloudRunService, token(cloudrunv2.Service));
    assert.equal(TYPES.serviceAttachment, token(compute.ServiceAttachment));
    assert.equal(TYPES.forwardingRule, token(compute.ForwardingRule));
    assert.equal(TYPES.address, token(compute.Address));
    assert.equal(TYPES.connection, token(integrationconnectors.Connection));
  });

  it("uses the dynamic type tokens the managed backend's providers register (module connectors)", () => {
    // A dynamic resource's token is pulumi-nodejs:dynamic/<module>:<type>, from the last two arguments of its super().
    const ROOT = path.resolve(__dirname, "../..");
    const cases: [string, string, string][] = [
      [TYPES.connectionEventing, "components/managed/connection-eventing.ts", "ConnectionEventing"],
      [TYPES.eventSubscription, "components/managed/event-subscription.ts", "EventSubscription"],
    ];
    for (const [type, file, name] of cases) {
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      const [, module, declared] = /super\([^)]*"([a-z]+)", "([A-Za-z]+)"\);/.exec(source) ?? [];
      assert.equal(declared, name, file);
      assert.equal(type, `pulumi-nodejs:dynamic/${module}:${declared}`, file);
    }
  });

  it("knows every IAM member, binding and policy type by its real token", () => {
    const classes = [
      projects.IAMMember,
      projects.IAMBinding,
      secretmanager.SecretIamMember,
      secretmanager.SecretIamBinding,
      pubsub.TopicIAMMember,
      pubsub.TopicIAMBinding,
      pubsub.SubscriptionIAMMember,
      pubsub.SubscriptionIAMBinding,
      cloudrunv2.ServiceIamMember,
      cloudrunv2.ServiceIamBinding,
      serviceaccount.IAMMember,
      serviceaccount.IAMBinding,
      projects.IAMPolicy,
      secretmanager.SecretIamPolicy,
      pubsub.TopicIAMPolicy,
      pubsub.SubscriptionIAMPolicy,
      cloudrunv2.ServiceIamPolicy,
      serviceaccount.IAMPolicy,
      artifactregistry.RepositoryIamMember,
      artifactregistry.RepositoryIamBinding,
      artifactregistry.RepositoryIamPolicy,
    ];
    assert.deepEqual(Object.keys(IAM_TYPES).sort(), classes.map(token).sort());
  });

  it("lists exactly the created types whose arguments take labels", () => {
    for (const type of LABELLED_TYPES) assert.ok(argsTakeLabels(type), `${type} takes labels`);
    const unlabelled = [
      "gcp:secretmanager/secretVersion:SecretVersion",
      "gcp:serviceaccount/account:Account",
      "gcp:compute/serviceAttachment:ServiceAttachment",
      "gcp:compute/subnetwork:Subnetwork",
      "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
      "gcp:compute/regionBackendService:RegionBackendService",
      "gcp:compute/regionUrlMap:RegionUrlMap",
      "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy",
    ];
    for (const type of unlabelled) assert.ok(!argsTakeLabels(type), `${type} takes no labels`);
  });

  it("applies the seed's naming rule through its copy of the contract, every problem at once", () => {
    const cases: [string, string[]][] = [
      ["deal-sync", []],
      ["a", []],
      ["a".repeat(49), []],
      ["a".repeat(50), ["is 50 characters long"]],
      ["", ["is empty"]],
      ["1deal", ["does not start with a letter"]],
      ["googles", ['starts with "goog"']],
      [
        "Deal_",
        [
          "contains uppercase letters",
          "does not end with a letter or digit",
          "contains characters other than a-z, 0-9 and -",
        ],
      ],
    ];
    for (const [name, problems] of cases) assert.deepEqual(resourceNameProblems(name), problems, name);
  });
});
