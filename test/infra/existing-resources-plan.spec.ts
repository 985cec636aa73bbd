// `npm run plan` on a stack with existing service accounts and dead-letter topic
// (test/fixtures/stacks/Pulumi.existing-resources.yaml): none of them is planned, every role is bound to them, and the
// policy pack still checks and passes the stack's IAM and dead-letter rules.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { planJson, type PlanJson } from "../support/plan-json";

const FIXTURE = "test/fixtures/stacks/Pulumi.existing-resources.yaml";

interface FixtureConfig {
  "hubspot-trigger:serviceAccounts": { listener: string; trigger: string; push: string };
  "hubspot-trigger:deadLetter": { existingTopic: string };
}

describe("npm run plan with existing service accounts and dead-letter topic", function () {
  this.timeout(120_000);
  let json: PlanJson;
  const config = (parse(readFileSync(FIXTURE, "utf8")) as { config: FixtureConfig }).config;
  const accounts = config["hubspot-trigger:serviceAccounts"];
  const email = { ...accounts, trigger: accounts.trigger.replace(/^serviceAccount:/, "") };
  const existingTopic = config["hubspot-trigger:deadLetter"].existingTopic;

  before(async () => {
    json = await planJson(["--config-file", FIXTURE]);
  });

  const ofType = (type: string) => json.resources.filter((r) => r.type === type);

  it("plans no service account and no dead-letter topic", () => {
    assert.deepEqual(ofType("gcp:serviceaccount/account:Account"), []);
    const topics = ofType("gcp:pubsub/topic:Topic").map((t) => t.inputs.name);
    assert.equal(topics.length, 1, `only the events topic, got ${topics.join(", ")}`);
    assert.match(String(topics[0]), /-events-/);
  });

  it("runs and binds as the given accounts, and attaches its retention subscription to the existing topic", () => {
    const [invoker] = ofType("gcp:projects/iAMMember:IAMMember").filter(
      (m) => m.inputs.role === "roles/integrations.integrationInvoker",
    );
    assert.equal(invoker.inputs.member, `serviceAccount:${email.trigger}`);
    const runsAs = Object.fromEntries(
      ofType("gcp:cloudrunv2/service:Service").map((s) => [
        String(s.inputs.name).includes("listener") ? "listener" : "dispatcher",
        (s.inputs.template as { serviceAccount: string }).serviceAccount,
      ]),
    );
    assert.deepEqual(runsAs, { listener: email.listener, dispatcher: email.trigger });
    const subscriptions = ofType("gcp:pubsub/subscription:Subscription");
    const retention = subscriptions.filter((s) => s.inputs.topic === existingTopic);
    assert.equal(retention.length, 1);
    assert.deepEqual(retention[0].inputs.expirationPolicy, { ttl: "" });
    const push = subscriptions.filter((s) => s.inputs.pushConfig !== undefined);
    for (const subscription of push) {
      assert.deepEqual(
        [
          (subscription.inputs.pushConfig as { oidcToken: { serviceAccountEmail: string } }).oidcToken
            .serviceAccountEmail,
          (subscription.inputs.deadLetterPolicy as { deadLetterTopic: string }).deadLetterTopic,
        ],
        [email.push, existingTopic],
      );
    }
    assert.deepEqual(json.outputs.serviceAccounts, email);
    assert.equal(json.outputs.deadLetterTopic, existingTopic);
  });

  it("passes every IAM and dead-letter rule of the policy pack, which ran (the dev advisories are there)", () => {
    assert.ok(json.policy.violations.length > 0, "the pack ran");
    assert.deepEqual(
      json.policy.violations.filter((v) => /-(iam|pubsub|cloudrun-dispatcher)-/.test(v.policy)),
      [],
    );
    assert.deepEqual(
      json.policy.violations.filter((v) => v.level === "mandatory"),
      [],
    );
  });
});
