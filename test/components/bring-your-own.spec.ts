// Existing service accounts and an existing dead-letter topic (issue 12, "bring your own"): nothing of theirs is
// created, every binding and use names them, and the outputs keep their meaning.
import { strict as assert } from "node:assert";
import { resolveArgs } from "../../components/defaults";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { ACCOUNT_ROLES } from "../../components/identity";
import { mocks } from "../support/setup";
import { build, PROJECT, recorded, resolve, triggerArgs } from "./support";

const ACCOUNT = "gcp:serviceaccount/account:Account";
const TOPIC = "gcp:pubsub/topic:Topic";
const SUBSCRIPTION = "gcp:pubsub/subscription:Subscription";
const TOPIC_MEMBER = "gcp:pubsub/topicIAMMember:TopicIAMMember";
const SERVICE = "gcp:cloudrunv2/service:Service";

const LISTENER = "crm-listener@acme-identities.iam.gserviceaccount.com";
const TRIGGER = "crm-integrations@acme-identities.iam.gserviceaccount.com";
const PUSH = "crm-push@acme-identities.iam.gserviceaccount.com";
const EXISTING_TOPIC = "projects/acme-ops/topics/crm-dead-letters";

type Inputs = Record<string, unknown>;
const members = (type: string, role: string): unknown[] =>
  mocks
    .ofType(type)
    .filter((r) => r.inputs.role === role)
    .map((r) => r.inputs.member);

describe("HubSpotTrigger with existing service accounts and dead-letter topic", () => {
  beforeEach(() => mocks.reset());

  it("creates no account and binds every role to the given emails, on the same narrow resources", async () => {
    const args = triggerArgs({ serviceAccounts: { listener: LISTENER, trigger: TRIGGER, push: PUSH } });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    assert.equal(mocks.ofType(ACCOUNT).length, 0);

    const invoker = mocks
      .ofType("gcp:projects/iAMMember:IAMMember")
      .filter((r) => r.inputs.role === "roles/integrations.integrationInvoker");
    assert.deepEqual(
      invoker.map((r) => r.inputs.member),
      [`serviceAccount:${TRIGGER}`],
    );
    const tokenCreator = recorded("gcp:serviceaccount/iAMMember:IAMMember", "hs-identity-push-token-creator").inputs;
    assert.equal(tokenCreator.serviceAccountId, `projects/acme-identities/serviceAccounts/${PUSH}`);
    assert.equal(tokenCreator.role, "roles/iam.serviceAccountTokenCreator");
    assert.match(String(tokenCreator.member), /^serviceAccount:service-\d+@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/);

    const accessors = members(
      "gcp:secretmanager/secretIamMember:SecretIamMember",
      "roles/secretmanager.secretAccessor",
    );
    assert.deepEqual(
      [...new Set(accessors)].sort(),
      [`serviceAccount:${LISTENER}`, `serviceAccount:${TRIGGER}`].sort(),
    );
    const publishers = members(TOPIC_MEMBER, "roles/pubsub.publisher");
    assert.ok(publishers.includes(`serviceAccount:${LISTENER}`), "the listener publishes events and dead letters");
    assert.ok(publishers.includes(`serviceAccount:${TRIGGER}`), "the dispatcher publishes dead letters");
    const dispatcherName = recorded(SERVICE, "hs-services-dispatcher").inputs.name;
    const dispatcherInvokers = mocks
      .ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
      .filter((m) => m.inputs.name === dispatcherName && m.inputs.role === "roles/run.invoker");
    assert.deepEqual(
      dispatcherInvokers.map((m) => m.inputs.member),
      [`serviceAccount:${PUSH}`],
    );

    const runsAs = (name: string) => (recorded(SERVICE, name).inputs.template as Inputs).serviceAccount;
    assert.equal(runsAs("hs-services-listener"), LISTENER);
    assert.equal(runsAs("hs-services-dispatcher"), TRIGGER);
    for (const subscription of mocks.ofType(SUBSCRIPTION).filter((s) => s.inputs.pushConfig !== undefined)) {
      const oidc = (subscription.inputs.pushConfig as { oidcToken: Inputs }).oidcToken;
      assert.equal(oidc.serviceAccountEmail, PUSH, subscription.name);
    }
    assert.deepEqual(await resolve(component.serviceAccounts), { listener: LISTENER, trigger: TRIGGER, push: PUSH });
  });

  it("creates only the accounts not given, each with its role marker", async () => {
    const args = triggerArgs({ serviceAccounts: { trigger: `serviceAccount:${TRIGGER}` } });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    assert.deepEqual(
      mocks
        .ofType(ACCOUNT)
        .map((a) => a.inputs.description)
        .sort(),
      [ACCOUNT_ROLES.listener, ACCOUNT_ROLES.push].sort(),
    );
    const accounts = await resolve(component.serviceAccounts);
    assert.equal(accounts.trigger, TRIGGER, "the member form is taken as the bare email");
    assert.notEqual(accounts.listener, undefined);
    assert.equal(
      recorded("gcp:projects/iAMMember:IAMMember", "hs-identity-trigger-integration-invoker").inputs.member,
      `serviceAccount:${TRIGGER}`,
    );
  });

  it("uses an existing dead-letter topic without creating it, with publishers there and its own retention subscription", async () => {
    const args = triggerArgs({
      deadLetter: { existingTopic: EXISTING_TOPIC, maxDeliveryAttempts: 10, retentionDays: 14 },
    });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    assert.deepEqual(
      mocks.ofType(TOPIC).map((t) => t.name),
      ["hs-events-topic"],
      "only the events topic is a resource of the stack",
    );
    const retention = recorded(SUBSCRIPTION, "hs-dead-letter-retention").inputs;
    assert.deepEqual([retention.project, retention.topic], [PROJECT, EXISTING_TOPIC]);
    assert.equal(retention.messageRetentionDuration, `${14 * 86400}s`);
    assert.deepEqual(retention.expirationPolicy, { ttl: "" });

    const deadLetterPublishers = mocks.ofType(TOPIC_MEMBER).filter((m) => m.name.startsWith("hs-dead-letter-"));
    assert.deepEqual(
      deadLetterPublishers.map((m) => [m.inputs.project, m.inputs.topic, m.inputs.role]),
      deadLetterPublishers.map(() => ["acme-ops", EXISTING_TOPIC, "roles/pubsub.publisher"]),
    );
    assert.deepEqual(deadLetterPublishers.map((m) => m.name).sort(), [
      "hs-dead-letter-publisher-listener",
      "hs-dead-letter-publisher-pubsub-agent",
      "hs-dead-letter-publisher-trigger",
    ]);

    for (const subscription of mocks.ofType(SUBSCRIPTION).filter((s) => s.inputs.deadLetterPolicy !== undefined)) {
      assert.equal((subscription.inputs.deadLetterPolicy as Inputs).deadLetterTopic, EXISTING_TOPIC, subscription.name);
    }
    assert.equal(await resolve(component.deadLetterTopic), EXISTING_TOPIC);
    assert.match(
      String(await resolve(component.deadLetterSubscription)),
      /^projects\/acme-hubspot-test\/subscriptions\//,
    );
  });

  it("refuses Google's default accounts, a shared account and a topic named twice, every problem at once", () => {
    assert.throws(
      () =>
        resolveArgs(
          triggerArgs({
            serviceAccounts: {
              listener: "123456789012-compute@developer.gserviceaccount.com",
              trigger: TRIGGER,
              push: TRIGGER,
            },
            deadLetter: { existingTopic: EXISTING_TOPIC, projectId: "acme-ops" },
          }),
        ),
      (error: Error) => {
        assert.match(error.message, /serviceAccounts\.listener: .* is the Compute Engine default service account/);
        assert.match(error.message, /serviceAccounts\.push: .* is also serviceAccounts\.trigger; each role needs/);
        assert.match(error.message, /deadLetter\.projectId: is set together with deadLetter\.existingTopic/);
        return true;
      },
    );
    assert.throws(
      () => resolveArgs(triggerArgs({ deadLetter: { existingTopic: "crm-dead-letters" } })),
      /deadLetter\.existingTopic: "crm-dead-letters" does not match; an existing Pub\/Sub topic as projects\/PROJECT\/topics\/TOPIC/,
    );
  });
});
