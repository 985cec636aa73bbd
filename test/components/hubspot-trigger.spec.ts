import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { ACCOUNT_ROLES } from "../../components/identity";
import { stackOutputs, STACK_OUTPUT_NAMES } from "../../components/outputs";
import type { RecordedResource } from "../../scripts/lib/offline-plan/mocks";
import { subscriptionKey } from "../../contract/subscription-key";
import { mocks } from "../support/setup";
import {
  ACCESS_TOKEN,
  build,
  CLIENT_SECRET,
  PREVIOUS_CLIENT_SECRET,
  PROJECT,
  recorded,
  resolve,
  triggerArgs,
  type Seen,
} from "./support";

const T = {
  account: "gcp:serviceaccount/account:Account",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  accountMember: "gcp:serviceaccount/iAMMember:IAMMember",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  secretMember: "gcp:secretmanager/secretIamMember:SecretIamMember",
  topic: "gcp:pubsub/topic:Topic",
  topicMember: "gcp:pubsub/topicIAMMember:TopicIAMMember",
  subscription: "gcp:pubsub/subscription:Subscription",
  subscriptionMember: "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
  service: "gcp:cloudrunv2/service:Service",
  serviceMember: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
  attachment: "gcp:compute/serviceAttachment:ServiceAttachment",
};

interface EnvVar {
  name: string;
  value?: string;
  valueSource?: { secretKeyRef: { secret: string; version: string } };
}

function envOf(service: RecordedResource): Map<string, EnvVar> {
  const template = service.inputs.template as { containers: { envs: EnvVar[] }[] };
  return new Map(template.containers[0].envs.map((e) => [e.name, e]));
}

function members(type: string, role: string): string[] {
  return mocks
    .ofType(type)
    .filter((r) => r.inputs.role === role)
    .map((r) => String(r.inputs.member));
}

describe("HubSpotTrigger", () => {
  let trigger: HubSpotTrigger;
  let seen: Seen[];
  let emails: { listener: string; trigger: string; push: string };
  let agent: string;

  before(async () => {
    mocks.reset();
    ({ component: trigger, seen } = await build((opts) => new HubSpotTrigger("hs", triggerArgs(), opts)));
    emails = await resolve(trigger.serviceAccounts);
    agent = String(recorded(T.accountMember, "hs-identity-push-token-creator").inputs.member);
  });

  it("creates three service accounts whose description is their machine-readable role", () => {
    const accounts = mocks.ofType(T.account);
    assert.deepEqual(accounts.map((a) => a.inputs.description).sort(), Object.values(ACCOUNT_ROLES).sort());
    assert.deepEqual(Object.keys(emails).sort(), ["listener", "push", "trigger"]);
    assert.equal(new Set(Object.values(emails)).size, 3);
    for (const email of Object.values(emails))
      assert.match(email, new RegExp(`@${PROJECT}\\.iam\\.gserviceaccount\\.com$`));
  });

  it("binds integrationInvoker to the trigger account only and connectors.admin to the admins only", () => {
    assert.deepEqual(members(T.projectMember, "roles/integrations.integrationInvoker"), [
      `serviceAccount:${emails.trigger}`,
    ]);
    assert.deepEqual(members(T.projectMember, "roles/connectors.admin").sort(), [
      "group:platform@acme.example",
      "user:ops@acme.example",
    ]);
    // Nothing else at project level but the status store's, each narrowed to its one database: every other role
    // sits on a topic, subscription, secret, service or account.
    assert.equal(mocks.ofType(T.projectMember).length, 5);
  });

  it("creates the status store as a named Firestore database, which only the runtime accounts may use", () => {
    const [database] = mocks.ofType("gcp:firestore/database:Database");
    assert.equal(database.inputs.type, "FIRESTORE_NATIVE");
    assert.notEqual(database.inputs.name, "(default)");
    assert.match(String(database.inputs.name), /-status-[0-9a-f]{8}$/);
    const users = mocks.ofType(T.projectMember).filter((m) => m.inputs.role === "roles/datastore.user");
    assert.deepEqual(
      users.map((m) => m.inputs.member).sort(),
      [`serviceAccount:${emails.listener}`, `serviceAccount:${emails.trigger}`].sort(),
    );
    for (const user of users) {
      assert.deepEqual(user.inputs.condition, {
        title: `only-${String(database.inputs.name)}`,
        expression: `resource.name == "projects/${PROJECT}/databases/${String(database.inputs.name)}"`,
      });
    }
    const [ttl] = mocks.ofType("gcp:firestore/field:Field");
    assert.deepEqual(
      [ttl.inputs.collection, ttl.inputs.field, ttl.inputs.database],
      ["windows", "expireAt", database.inputs.name],
    );
  });

  it("lets the Pub/Sub service agent mint tokens for the push account only", () => {
    assert.match(agent, /^serviceAccount:service-\d+@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/);
    const creators = mocks.ofType(T.accountMember);
    assert.equal(creators.length, 1);
    assert.equal(creators[0].inputs.role, "roles/iam.serviceAccountTokenCreator");
    assert.equal(creators[0].inputs.serviceAccountId, `projects/${PROJECT}/serviceAccounts/${emails.push}`);
  });

  it("stores each secret with its own version and one accessor: the account that reads it", () => {
    assert.equal(mocks.ofType(T.secret).length, 3);
    assert.equal(mocks.ofType(T.secretVersion).length, 3);
    const accessors = new Map(mocks.ofType(T.secretMember).map((m) => [String(m.inputs.secretId), m.inputs]));
    assert.equal(accessors.size, 3);
    for (const secret of mocks.ofType(T.secret)) {
      const accessor = accessors.get(String(secret.inputs.secretId));
      assert.ok(accessor, `no accessor on ${String(secret.inputs.secretId)}`);
      assert.equal(accessor.role, "roles/secretmanager.secretAccessor");
      const reader = String(secret.inputs.secretId).includes("access-token") ? emails.trigger : emails.listener;
      assert.equal(accessor.member, `serviceAccount:${reader}`);
      assert.deepEqual(secret.inputs.replication, { auto: {} });
    }
  });

  it("keeps secret values secret: wrapped in state, absent from every other input and every output", async () => {
    const versions = seen.filter((s) => s.type === T.secretVersion);
    for (const s of versions) {
      assert.ok(await pulumi.isSecret((s.resource as unknown as { secretData: pulumi.Output<string> }).secretData));
    }
    const clear = [CLIENT_SECRET, PREVIOUS_CLIENT_SECRET, ACCESS_TOKEN];
    const others = JSON.stringify(mocks.resources.filter((r) => r.type !== T.secretVersion).map((r) => r.inputs));
    for (const value of clear) assert.ok(!others.includes(value), "a secret value leaked into a resource input");
    const outputs = stackOutputs(trigger);
    for (const name of STACK_OUTPUT_NAMES) {
      const text = JSON.stringify(await resolve<unknown>(outputs[name]));
      for (const value of clear) assert.ok(!text?.includes(value), `output ${name} carries a secret value`);
    }
  });

  it("keeps dead letters for 7 days in a subscription that never expires, publishable by the agent and runtimes", () => {
    const topic = recorded(T.topic, "hs-dead-letter-topic");
    const retention = recorded(T.subscription, "hs-dead-letter-retention");
    assert.equal(retention.inputs.topic, `projects/${PROJECT}/topics/${String(topic.inputs.name)}`);
    assert.equal(retention.inputs.messageRetentionDuration, "604800s");
    assert.deepEqual(retention.inputs.expirationPolicy, { ttl: "" });
    assert.equal(retention.inputs.pushConfig, undefined);
    const publishers = mocks
      .ofType(T.topicMember)
      .filter((m) => m.inputs.topic === topic.inputs.name)
      .map((m) => m.inputs.member)
      .sort();
    assert.deepEqual(
      publishers,
      [agent, `serviceAccount:${emails.listener}`, `serviceAccount:${emails.trigger}`].sort(),
    );
  });

  it("pushes each trigger's events, filtered by type, to the dispatcher with the push identity's OIDC token", async () => {
    const dispatcherUrl = await resolve(trigger.dispatcherUrl);
    const deadLetterTopic = await resolve(trigger.deadLetterTopic);
    const events = recorded(T.topic, "hs-events-topic");
    // Property scoping does not fit Pub/Sub's 256 bytes next to the redrive clause for these names (the dispatcher
    // re-checks properties); the filter still lets through only this trigger's own redriven dead letters.
    const redriveOnly = (name: unknown) =>
      `(NOT attributes:redriveSubscription OR attributes.redriveSubscription = "${String(name)}")`;
    const expected: Record<string, (subscription: unknown) => string> = {
      "deal-pipeline": (s) =>
        `(attributes.eventType = "deal.creation" OR attributes.eventType = "deal.propertyChange") AND ${redriveOnly(s)}`,
      "all-contacts": (s) => `(hasPrefix(attributes.eventType, "contact.")) AND ${redriveOnly(s)}`,
    };
    for (const [name, filterFor] of Object.entries(expected)) {
      const sub = recorded(T.subscription, `hs-events-${name}`).inputs;
      // Redriven dead letters name the subscription's key, which an edit renaming the subscription keeps.
      const filter = filterFor(subscriptionKey(String(sub.name)));
      assert.equal(sub.topic, `projects/${PROJECT}/topics/${String(events.inputs.name)}`);
      assert.equal(sub.filter, filter);
      assert.deepEqual(sub.pushConfig, {
        pushEndpoint: `${dispatcherUrl}/pubsub/push`,
        oidcToken: { serviceAccountEmail: emails.push, audience: dispatcherUrl },
      });
      assert.deepEqual(sub.deadLetterPolicy, { deadLetterTopic, maxDeliveryAttempts: 10 });
      assert.deepEqual(sub.retryPolicy, { minimumBackoff: "10s", maximumBackoff: "600s" });
      assert.equal(sub.enableMessageOrdering, false);
      assert.equal(sub.ackDeadlineSeconds, 150, "execution timeout 120 s + 30 s margin");
      assert.deepEqual(sub.expirationPolicy, { ttl: "" });
      const subscriber = mocks
        .ofType(T.subscriptionMember)
        .filter((m) => m.inputs.subscription === sub.name && m.inputs.role === "roles/pubsub.subscriber");
      assert.deepEqual(
        subscriber.map((m) => m.inputs.member),
        [agent],
      );
    }
    assert.deepEqual(
      mocks
        .ofType(T.topicMember)
        .filter((m) => m.inputs.topic === events.inputs.name)
        .map((m) => [m.inputs.role, m.inputs.member]),
      [["roles/pubsub.publisher", `serviceAccount:${emails.listener}`]],
    );
  });

  it("runs a public listener and an internal dispatcher, each invocable only by whom it must be", () => {
    const listener = recorded(T.service, "hs-services-listener").inputs;
    const dispatcher = recorded(T.service, "hs-services-dispatcher").inputs;
    assert.equal(listener.ingress, "INGRESS_TRAFFIC_ALL");
    assert.equal(dispatcher.ingress, "INGRESS_TRAFFIC_INTERNAL_ONLY");
    const invokers = mocks.ofType(T.serviceMember).map((m) => [m.inputs.name, m.inputs.role, m.inputs.member]);
    assert.deepEqual(invokers.sort(), [
      [dispatcher.name, "roles/run.invoker", `serviceAccount:${emails.push}`],
      [listener.name, "roles/run.invoker", "allUsers"],
    ]);
    // The dispatcher is sized to Application Integration's 50 concurrent executions: 5 instances x 10 (capacity.ts).
    for (const [service, account, maxInstanceCount, concurrency] of [
      [listener, emails.listener, 50, 80],
      [dispatcher, emails.trigger, 5, 10],
    ] as const) {
      const template = service.template as Record<string, unknown>;
      assert.equal(template.serviceAccount, account);
      assert.deepEqual(template.scaling, { minInstanceCount: 2, maxInstanceCount });
      assert.equal(template.maxInstanceRequestConcurrency, concurrency);
      assert.equal(service.deletionProtection, false);
      const container = (template.containers as Record<string, unknown>[])[0];
      assert.equal(container.image, "europe-west1-docker.pkg.dev/acme/hubspot-trigger/listener:1.0.0");
      assert.deepEqual((container.startupProbe as { httpGet: unknown }).httpGet, { path: "/readyz" });
      assert.deepEqual((container.livenessProbe as { httpGet: unknown }).httpGet, { path: "/healthz" });
    }
    assert.equal((dispatcher.template as { timeout: string }).timeout, "150s");
  });

  it("deploys each service only after its account can read the secrets it references", () => {
    const accessor = (name: string) => seen.find((s) => s.name === name)?.resource ?? assert.fail(`no ${name}`);
    const dependsOn = (name: string) => ([] as unknown[]).concat(seen.find((s) => s.name === name)?.opts.dependsOn);
    const listener = dependsOn("hs-services-listener");
    assert.ok(listener.includes(accessor("hs-secrets-client-secret-accessor")));
    assert.ok(listener.includes(accessor("hs-secrets-previous-client-secret-accessor")));
    assert.ok(dependsOn("hs-services-dispatcher").includes(accessor("hs-secrets-access-token-accessor")));
    assert.ok(!dependsOn("hs-services-dispatcher").includes(accessor("hs-secrets-client-secret-accessor")));
  });

  it("gives the listener its env and its client secrets as Secret Manager references", async () => {
    const env = envOf(recorded(T.service, "hs-services-listener"));
    const webhookUrl = await resolve(trigger.webhookUrl);
    const deadLetterTopic = await resolve(trigger.deadLetterTopic);
    assert.equal(env.get("ROLE")?.value, "listener");
    assert.equal(env.get("PUBLIC_URL")?.value, webhookUrl);
    assert.equal(env.get("GOOGLE_CLOUD_PROJECT")?.value, PROJECT);
    assert.equal(env.get("EVENTS_TOPIC")?.value, recorded(T.topic, "hs-events-topic").inputs.name);
    assert.equal(env.get("DEAD_LETTER_TOPIC")?.value, deadLetterTopic);
    assert.equal(env.get("ALLOW_LEGACY_SIGNATURES")?.value, "false");
    assert.equal(env.get("SIGNATURE_MAX_SKEW_SECONDS")?.value, "300");
    assert.equal(env.get("DEDUP_WINDOW_SECONDS")?.value, "600");
    assert.equal(env.get("MESSAGE_ORDERING")?.value, "false");
    assert.ok(!env.has("PORT"), "Cloud Run reserves PORT");
    const secrets = await resolve(trigger.secrets);
    assert.deepEqual(env.get("HUBSPOT_CLIENT_SECRET")?.valueSource, {
      secretKeyRef: { secret: secrets.clientSecret.secret.split("/").pop(), version: "1" },
    });
    assert.ok(env.get("HUBSPOT_CLIENT_SECRET_PREVIOUS")?.valueSource);
    assert.ok(!env.has("HUBSPOT_ACCESS_TOKEN"), "the listener never reads the access token");
  });

  it("gives the dispatcher its triggers, integration target, enrichment and the token reference", async () => {
    const env = envOf(recorded(T.service, "hs-services-dispatcher"));
    const triggers = await resolve(trigger.triggers);
    assert.equal(env.get("ROLE")?.value, "dispatcher");
    assert.deepEqual(JSON.parse(String(env.get("DISPATCHER_TRIGGERS")?.value)), [
      {
        name: "deal-pipeline",
        subscription: triggers[0].subscription.split("/").pop(),
        eventTypes: ["deal.creation", "deal.propertyChange"],
        propertyNames: ["dealstage"],
        integration: "crm-sync",
        triggerId: "api_trigger/crm-sync",
      },
      {
        name: "all-contacts",
        subscription: triggers[1].subscription.split("/").pop(),
        eventTypes: ["contact.creation", "contact.propertyChange", "contact.deletion"],
        propertyNames: ["lifecyclestage"],
        integration: "onboarding",
        triggerId: "api_trigger/onboarding",
      },
    ]);
    assert.equal(env.get("INTEGRATION_PROJECT")?.value, PROJECT);
    assert.equal(env.get("INTEGRATION_LOCATION")?.value, "europe-west1");
    assert.equal(env.get("EXECUTION_TIMEOUT_MS")?.value, "120000");
    assert.equal(env.get("ENRICHMENT_DEAL_PROPERTIES")?.value, "amount");
    assert.equal(env.get("ENRICHMENT_CONTACT_PROPERTIES")?.value, "email");
    assert.ok(env.get("HUBSPOT_ACCESS_TOKEN")?.valueSource?.secretKeyRef.secret.includes("access-token"));
    assert.ok(!env.has("HUBSPOT_CLIENT_SECRET"), "the dispatcher never reads the client secret");
  });

  it("labels every resource that takes labels with app, env, component and the user's labels", () => {
    const expected: Record<string, string> = {
      "hs-events-topic": "events",
      "hs-events-deal-pipeline": "events",
      "hs-dead-letter-topic": "dead-letter",
      "hs-dead-letter-retention": "dead-letter",
      "hs-services-listener": "listener",
      "hs-services-dispatcher": "dispatcher",
      "hs-secrets-client-secret": "secrets",
    };
    for (const [name, component] of Object.entries(expected)) {
      const resource = mocks.resources.find((r) => r.name === name && r.custom);
      assert.deepEqual(
        resource?.inputs.labels,
        { team: "revops", app: "hubspot-trigger", env: "test", component },
        name,
      );
    }
    const labelled = mocks.resources.filter((r) => r.inputs.labels !== undefined);
    assert.ok(labelled.length >= 10);
    for (const r of labelled) assert.equal((r.inputs.labels as Record<string, string>).app, "hubspot-trigger");
  });

  it("parents every child to a component of the tree", () => {
    const components = new Set(seen.filter((s) => !s.type.startsWith("gcp:")).map((s) => s.resource));
    const root = seen.find((s) => s.type === "hubspot-trigger:index:HubSpotTrigger");
    assert.ok(root);
    const children = seen.filter((s) => s !== root);
    assert.equal(children.length, mocks.resources.length - 1, "every registered resource was seen by the hook");
    for (const child of children) {
      assert.ok(child.opts.parent && components.has(child.opts.parent), `${child.type} ${child.name} has no parent`);
    }
    for (const type of [
      "hubspot-trigger:identity:TriggerIdentity",
      "hubspot-trigger:secrets:TriggerSecrets",
      "hubspot-trigger:deadletter:DeadLetterQueue",
      "hubspot-trigger:eventbus:EventBus",
      "hubspot-trigger:runtime:RuntimeServices",
    ]) {
      assert.equal(seen.find((s) => s.type === type)?.opts.parent, root.resource, type);
    }
  });

  it("keeps the URNs of stacks deployed when the services' component was typed ListenerService", () => {
    const services = seen.find((s) => s.type === "hubspot-trigger:runtime:RuntimeServices");
    assert.ok(services, "the listener and dispatcher live in one RuntimeServices component");
    assert.deepEqual(services.opts.aliases, [{ type: "hubspot-trigger:listener:ListenerService" }]);
    assert.equal(services.name, "hs-services", "same logical name, so the alias alone carries the URN over");
  });

  it("exposes the outputs contract: the webhook URL on the listener's deterministic URL, no PSC when off", async () => {
    const listenerName = String(recorded(T.service, "hs-services-listener").inputs.name);
    assert.match(
      await resolve(trigger.webhookUrl),
      new RegExp(`^https://${listenerName}-\\d{12}\\.europe-west1\\.run\\.app/webhooks/hubspot$`),
    );
    assert.equal(
      await resolve(trigger.eventsTopic),
      `projects/${PROJECT}/topics/${String(recorded(T.topic, "hs-events-topic").inputs.name)}`,
    );
    assert.match(
      await resolve(trigger.deadLetterSubscription),
      /^projects\/.+\/subscriptions\/hubspot-test-dead-letter-retention-/,
    );
    assert.equal(trigger.serviceAttachment, undefined);
    assert.equal(await resolve(stackOutputs(trigger).serviceAttachment), undefined);
    assert.equal(mocks.ofType(T.attachment).length, 0);
    const secrets = await resolve(trigger.secrets);
    assert.deepEqual(Object.keys(secrets).sort(), ["accessToken", "clientSecret", "previousClientSecret"]);
    assert.match(secrets.clientSecret.secret, /^projects\/acme-hubspot-test\/secrets\/hubspot-test-client-secret-/);
    assert.equal(secrets.clientSecret.version, "1");
    const triggers = await resolve(trigger.triggers);
    assert.deepEqual(
      triggers.map((t) => [t.name, t.eventTypes.length]),
      [
        ["deal-pipeline", 2],
        ["all-contacts", 3],
      ],
    );
  });
});
