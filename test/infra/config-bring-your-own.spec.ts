// Existing service accounts and dead-letter topic in the stack config (issue 12, "bring your own"): what is accepted,
// how it reaches the component's args, and every refusal naming its key, the value's problem and the rule.
import { strict as assert } from "node:assert";
import { ConfigValidationError, validateStackConfig, type RawStackConfig } from "../../infra/config";
import { hubSpotTriggerArgs } from "../../infra/trigger-args";

type Values = RawStackConfig["values"];

const CONTEXT = { stack: "dev", project: "acme-hubspot-dev" };
const LISTENER = "crm-listener@acme-identities.iam.gserviceaccount.com";
const TRIGGER = "crm-integrations@acme-identities.iam.gserviceaccount.com";
const PUSH = "crm-push@acme-identities.iam.gserviceaccount.com";
// Default accounts: https://cloud.google.com/iam/docs/service-account-types#default
const COMPUTE_DEFAULT = "123456789012-compute@developer.gserviceaccount.com";
const APP_ENGINE_DEFAULT = "acme-hubspot-dev@appspot.gserviceaccount.com";
// Service agents: https://cloud.google.com/iam/docs/service-agents
const PUBSUB_AGENT = "service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";

function validate(change: (values: Values) => void) {
  const values: Values = {
    image: "europe-west1-docker.pkg.dev/acme-dev/hubspot-trigger/listener:0.1.0",
    integration: { name: "hubspot-crm-sync" },
    triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
  };
  change(values);
  return validateStackConfig({ values, secrets: { clientSecret: "s3cret-value" } }, CONTEXT);
}

function problemsOf(change: (values: Values) => void): ConfigValidationError["problems"] {
  try {
    validate(change);
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, `expected ConfigValidationError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config: existing service accounts and dead-letter topic", () => {
  it("creates everything when neither is set", () => {
    const args = hubSpotTriggerArgs(validate(() => {}));
    assert.deepEqual(args.serviceAccounts, {});
    assert.equal(args.deadLetter?.existingTopic, undefined);
  });

  it("hands the emails and the topic path to the component's args, any role left out being created", () => {
    const args = hubSpotTriggerArgs(
      validate((v) => {
        v.serviceAccounts = { listener: LISTENER, push: PUSH };
        v.deadLetter = { existingTopic: "projects/acme-ops/topics/crm-dead-letters" };
      }),
    );
    assert.deepEqual(args.serviceAccounts, { listener: LISTENER, push: PUSH });
    assert.equal(args.deadLetter?.existingTopic, "projects/acme-ops/topics/crm-dead-letters");
  });

  it("accepts IAM's member and resource forms of an account, as the console copies them, as the bare email", () => {
    const config = validate((v) => {
      v.serviceAccounts = {
        listener: `serviceAccount:${LISTENER}`,
        trigger: `projects/acme-identities/serviceAccounts/${TRIGGER}`,
        push: `projects/-/serviceAccounts/${PUSH}`,
      };
    });
    assert.deepEqual(config.serviceAccounts, { listener: LISTENER, trigger: TRIGGER, push: PUSH });
  });

  const rejected: { rule: string; change: (v: Values) => void; key: string; says: RegExp }[] = [
    {
      rule: "the Compute Engine default account",
      change: (v) => (v.serviceAccounts = { trigger: COMPUTE_DEFAULT }),
      key: "hubspot-trigger:serviceAccounts.trigger",
      says: /is the Compute Engine default service account: .*; least privilege needs an account used by this trigger alone/,
    },
    {
      rule: "the App Engine default account",
      change: (v) => (v.serviceAccounts = { listener: APP_ENGINE_DEFAULT }),
      key: "hubspot-trigger:serviceAccounts.listener",
      says: /is the App Engine default service account: .*; least privilege/,
    },
    {
      rule: "a Google-managed service agent",
      change: (v) => (v.serviceAccounts = { push: PUBSUB_AGENT }),
      key: "hubspot-trigger:serviceAccounts.push",
      says: /is a Google-managed service agent: it acts for a Google service.*; a runtime identity must be a user-managed account/,
    },
    {
      rule: "a user's email",
      change: (v) => (v.serviceAccounts = { push: "alice@acme.example" }),
      key: "hubspot-trigger:serviceAccounts.push",
      says: /"alice@acme.example" is not a service account email; a user-managed service account email NAME@PROJECT\.iam\.gserviceaccount\.com/,
    },
    {
      rule: "an account id too short (IAM: 6-30 characters)",
      change: (v) => (v.serviceAccounts = { listener: "crm@acme-identities.iam.gserviceaccount.com" }),
      key: "hubspot-trigger:serviceAccounts.listener",
      says: /is not a service account email; /,
    },
    {
      rule: "one account in two roles",
      change: (v) => (v.serviceAccounts = { listener: LISTENER, push: `serviceAccount:${LISTENER}` }),
      key: "hubspot-trigger:serviceAccounts.push",
      says: /is also serviceAccounts\.listener; each role needs its own account, or one holds the other's rights \(the listener account is public.*; the push account may invoke the dispatcher\)/,
    },
    {
      rule: "an unknown role",
      change: (v) => (v.serviceAccounts = { dispatcher: TRIGGER }),
      key: "hubspot-trigger:serviceAccounts.dispatcher",
      says: /unknown key; allowed keys are listener, trigger, push/,
    },
    {
      rule: "an existing topic by short name",
      change: (v) => (v.deadLetter = { existingTopic: "crm-dead-letters" }),
      key: "hubspot-trigger:deadLetter.existingTopic",
      says: /"crm-dead-letters" does not match; an existing Pub\/Sub topic as projects\/PROJECT\/topics\/TOPIC/,
    },
    {
      rule: "an existing topic with projectId",
      change: (v) =>
        (v.deadLetter = { existingTopic: "projects/acme-ops/topics/crm-dead-letters", projectId: "acme-ops" }),
      key: "hubspot-trigger:deadLetter.projectId",
      says: /is set together with deadLetter\.existingTopic; .*set either existingTopic or projectId\/topic/,
    },
    {
      rule: "an existing topic with topic",
      change: (v) => (v.deadLetter = { existingTopic: "projects/acme-ops/topics/crm-dead-letters", topic: "dead" }),
      key: "hubspot-trigger:deadLetter.topic",
      says: /is set together with deadLetter\.existingTopic; /,
    },
  ];

  for (const row of rejected) {
    it(`rejects ${row.rule}, naming ${row.key}`, () => {
      const problems = problemsOf(row.change);
      const problem = problems.find((p) => p.key === row.key);
      assert.ok(problem, `no problem for ${row.key}; got ${problems.map((p) => p.message).join(" | ")}`);
      assert.match(problem.message, row.says);
      assert.ok(problem.message.startsWith(`${row.key}: `), problem.message);
      assert.match(problem.message, /: .+; .+/, "message has the form <key>: <problem>; <rule>");
    });
  }

  it("reports every refusal at once", () => {
    const problems = problemsOf((v) => {
      v.serviceAccounts = { listener: COMPUTE_DEFAULT, trigger: TRIGGER, push: TRIGGER };
      v.deadLetter = {
        existingTopic: "projects/acme-ops/topics/crm-dead-letters",
        projectId: "acme-ops",
        topic: "dead",
      };
    });
    assert.deepEqual(problems.map((p) => p.key).sort(), [
      "hubspot-trigger:deadLetter.projectId",
      "hubspot-trigger:deadLetter.topic",
      "hubspot-trigger:serviceAccounts.listener",
      "hubspot-trigger:serviceAccounts.push",
    ]);
  });
});
