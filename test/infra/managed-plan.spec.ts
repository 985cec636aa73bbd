// `npm run plan` on a stack with `backend: managed` (test/fixtures/stacks/Pulumi.managed.yaml): Google's HubSpot
// connector receives the webhooks. No listener service; one Integration Connectors connection, eventing only, with the
// seed's fields; one event subscription per trigger and event type into the events topic; the same downstream.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { planJson, type PlanJson } from "../support/plan-json";

const FIXTURE = "test/fixtures/stacks/Pulumi.managed.yaml";
const CONNECTION = "gcp:integrationconnectors/connection:Connection";
const EVENTING = "pulumi-nodejs:dynamic/connectors:ConnectionEventing";
const SUBSCRIPTION = "pulumi-nodejs:dynamic/connectors:EventSubscription";

interface Inputs {
  [key: string]: unknown;
}

describe("npm run plan with backend managed", function () {
  this.timeout(120_000);
  let json: PlanJson;
  const ofType = (type: string) => json.resources.filter((r) => r.type === type);
  const one = (type: string): Inputs => {
    const found = ofType(type);
    assert.equal(found.length, 1, `one ${type}, got ${found.length}`);
    return found[0].inputs;
  };

  before(async () => {
    json = await planJson(["--config-file", FIXTURE]);
  });

  it("plans no listener service, no public invoker and no Private Service Connect of a listener", () => {
    const services = ofType("gcp:cloudrunv2/service:Service").map((s) => String(s.inputs.name));
    assert.equal(services.length, 1, `only the dispatcher, got ${services.join(", ")}`);
    assert.match(services[0], /-dispatcher-/);
    const invokers = ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember").map((m) => m.inputs.member);
    assert.ok(!invokers.includes("allUsers"), "nothing is public");
    assert.deepEqual(ofType("gcp:compute/serviceAttachment:ServiceAttachment"), []);
  });

  it("creates the connection the seed's form describes, eventing only, running as the listener account", () => {
    const connection = one(CONNECTION);
    const accounts = json.outputs.serviceAccounts as { listener: string; trigger: string };
    assert.equal(connection.eventingEnablementType, "ONLY_EVENTING");
    // deletionProtection: true in the fixture: the provider refuses to delete the connection HubSpot delivers to.
    assert.equal(connection.deletionPolicy, "PREVENT");
    assert.equal(connection.serviceAccount, accounts.listener);
    assert.notEqual(connection.serviceAccount, accounts.trigger);
    assert.deepEqual(connection.nodeConfig, { minNodeCount: 2, maxNodeCount: 10 });
    assert.equal(
      connection.connectorVersion,
      "projects/acme-hubspot-prod/locations/global/providers/gcp/connectors/hubspot/versions/1",
    );
    assert.match(String(connection.name), /^hubspot-prod-[0-9a-f]{8}$/);
    assert.equal((connection.labels as Record<string, string>).component, "connection");
    // The token and the proxy password are secret versions, never values.
    const text = JSON.stringify(connection);
    assert.match(text, /secrets\/hubspot-prod-access-token-[0-9a-f]{8}\/versions\/1/);
    assert.match(
      text,
      /"key":"proxy_password","secretValue":\{"secretVersion":"projects\/acme-hubspot-prod\/secrets\//,
    );
    assert.deepEqual((connection.destinationConfigs as { destinations: unknown[] }[])[0].destinations, [
      { host: "api.hubapi.com", port: 443 },
    ]);
  });

  it("sets dead letter, private connectivity and the client secret through ConnectionEventing", () => {
    const eventing = one(EVENTING);
    const deadLetterTopic = String(json.outputs.deadLetterTopic);
    assert.deepEqual(eventing.deadLetter, {
      projectId: "acme-hubspot-prod",
      topic: deadLetterTopic.split("/").pop(),
    });
    assert.equal(eventing.privateConnectivityEnabled, true);
    // With private connectivity the listener sits behind a service attachment: the stack's serviceAttachment output.
    assert.match(
      String(json.outputs.serviceAttachment),
      /^projects\/acme-hubspot-prod\/regions\/europe-west1\/serviceAttachments\/eventing-[0-9a-f]+$/,
    );
    assert.deepEqual(eventing.privateConnectivityAllowlistedProjects, ["acme-crm-prod"]);
    const secret = (json.outputs.secrets as { clientSecret: { secret: string; version: string } }).clientSecret;
    assert.equal(
      (eventing.listenerAuth as { secretVersion: string }).secretVersion,
      `${secret.secret}/versions/${secret.version}`,
    );
  });

  it("subscribes once per trigger and event type, into the events topic, marked for its trigger", () => {
    const subscriptions = ofType(SUBSCRIPTION).map((s) => s.inputs);
    assert.deepEqual(subscriptions.map((s) => [s.eventSubscriptionId, s.eventTypeId]).sort(), [
      ["contact-sync-contact-creation", "contact.creation"],
      ["deal-pipeline-deal-creation", "deal.creation"],
      ["deal-pipeline-deal-propertychange", "deal.propertyChange"],
    ]);
    const eventsTopic = String(json.outputs.eventsTopic).split("/").pop();
    const triggers = json.outputs.triggers as { name: string; subscription: string }[];
    const pushSubscriptions = ofType("gcp:pubsub/subscription:Subscription");
    for (const s of subscriptions) {
      const pubsub = s.pubsub as { projectId: string; topicId: string; attributes: Record<string, string> };
      assert.equal(pubsub.topicId, eventsTopic);
      assert.equal(pubsub.attributes.eventSource, "integration-connectors");
      assert.equal(pubsub.attributes.eventType, s.eventTypeId);
      assert.equal(s.serviceAccount, (json.outputs.serviceAccounts as { listener: string }).listener);
      // The trigger's push subscription selects exactly the messages marked for it.
      const trigger = triggers.find((t) => String(s.eventSubscriptionId).startsWith(`${t.name}-`));
      assert.ok(trigger, `trigger of ${String(s.eventSubscriptionId)}`);
      const push = pushSubscriptions.find((p) => p.inputs.name === trigger.subscription.split("/").pop());
      assert.ok(push, `push subscription of ${trigger.name}`);
      assert.equal(push.inputs.filter, `attributes.triggerSubscription = "${pubsub.attributes.triggerSubscription}"`);
    }
  });

  it("grants the connection account its secrets and topics, each on the resource", () => {
    const listener = `serviceAccount:${(json.outputs.serviceAccounts as { listener: string }).listener}`;
    const secretRoles = ofType("gcp:secretmanager/secretIamMember:SecretIamMember")
      .filter((m) => m.inputs.member === listener)
      .map((m) => `${String(m.inputs.secretId).replace(/-[0-9a-f]{8}$/, "")} ${String(m.inputs.role)}`)
      .sort();
    assert.deepEqual(secretRoles, [
      "hubspot-prod-access-token roles/secretmanager.secretAccessor",
      "hubspot-prod-access-token roles/secretmanager.viewer",
      "hubspot-prod-client-secret roles/secretmanager.secretAccessor",
      "hubspot-prod-client-secret roles/secretmanager.viewer",
      "hubspot-prod-proxy-password roles/secretmanager.secretAccessor",
      "hubspot-prod-proxy-password roles/secretmanager.viewer",
    ]);
    const topics = ofType("gcp:pubsub/topicIAMMember:TopicIAMMember")
      .filter((m) => m.inputs.member === listener)
      .map(
        (m) => `${String(m.inputs.topic).includes("dead-letter") ? "dead-letter" : "events"} ${String(m.inputs.role)}`,
      )
      .sort();
    assert.deepEqual(topics, ["dead-letter roles/pubsub.publisher", "events roles/pubsub.publisher"]);
    assert.ok(
      !ofType("gcp:projects/iAMMember:IAMMember").some((m) => m.inputs.member === listener),
      "no project-level role for the connection account",
    );
  });

  it("outputs the connection's listener endpoint as webhookUrl and each trigger's subscription status", () => {
    assert.match(String(json.outputs.webhookUrl), /^https:\/\/eventing-[0-9a-f]+\.connectors\.invalid\/listener$/);
    const triggers = json.outputs.triggers as { name: string; status: string; statusMessage: string }[];
    assert.deepEqual(
      triggers.map((t) => [t.name, t.status]),
      [
        ["deal-pipeline", "Creating"],
        ["contact-sync", "Creating"],
      ],
    );
    assert.match(triggers[1].statusMessage, /contact\.creation is CREATING/);
    const registration = json.outputs.registration as { status: string; manualSteps: string[] };
    assert.equal(registration.status, "Creating");
    assert.ok(registration.manualSteps.some((step) => step.includes(String(json.outputs.webhookUrl))));
  });

  it("keeps the alerts that have a subject and drops the listener's", () => {
    const titles = ofType("gcp:monitoring/alertPolicy:AlertPolicy").map((p) => String(p.inputs.displayName));
    assert.ok(!titles.some((t) => /listener 5xx|signature/.test(t)), titles.join(", "));
    assert.ok(titles.some((t) => /dead-letter backlog/.test(t)));
    assert.equal(ofType("gcp:logging/metric:Metric").length, 1, "only the executions metric");
  });

  it("passes prod's policy pack, which refuses the same stack without private connectivity", async () => {
    assert.deepEqual(json.policy.violations, []);
    const stack = parse(readFileSync(FIXTURE, "utf8")) as { config: Record<string, unknown> };
    stack.config["hubspot-trigger:managed"] = { connectorVersion: "1" };
    const file = path.join(mkdtempSync(path.join(tmpdir(), "managed-")), "Pulumi.managed-public.yaml");
    writeFileSync(file, stringify(stack));
    // A mandatory violation blocks the plan (exit 1); its JSON document is still printed.
    const open = await planJson(["--config-file", file]).then(
      () => assert.fail("the plan should be blocked"),
      (error: { stdout?: string }) => JSON.parse(String(error.stdout)) as PlanJson,
    );
    assert.deepEqual(
      open.policy.violations.map((v) => [v.policy, v.level]),
      [["hubspot-trigger-managed-private-connectivity", "mandatory"]],
    );
  });
});
