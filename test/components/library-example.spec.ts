// The library's short form (library-example.ts at the repository root) planned under Pulumi's mocks, in a child
// process: the plan replaces Pulumi's process-wide mock runtime, which the other specs of this process use.
import { strict as assert } from "node:assert";
import { planJson, type PlanJson, type PlannedResourceJson as Resource } from "../support/plan-json";

describe("the library example at the repository root", function () {
  this.timeout(120_000);
  let plan: PlanJson;

  before(async () => {
    plan = await planJson(["--program", "library-example.ts"]);
  });

  const ofType = (type: string): Resource[] => plan.resources.filter((r) => r.type === type);
  const one = (type: string, name: string): Resource => {
    const found = ofType(type).find((r) => r.name === name);
    assert.ok(found, `no ${type} named ${name}`);
    return found;
  };

  it("plans a webhook URL on the listener's Cloud Run URL ending in /webhooks/hubspot", () => {
    assert.match(
      String(plan.outputs.webhookUrl),
      /^https:\/\/hubspot-dev-listener-[0-9a-f]{8}-\d{12}\.europe-west1\.run\.app\/webhooks\/hubspot$/,
    );
  });

  it("builds the whole trigger from six arguments: accounts, events, dead letter, both services", () => {
    assert.equal(ofType("gcp:serviceaccount/account:Account").length, 3);
    assert.equal(ofType("gcp:cloudrunv2/service:Service").length, 2);
    assert.equal(ofType("gcp:pubsub/topic:Topic").length, 2, "events and dead letter");
    assert.equal(one("gcp:pubsub/subscription:Subscription", "crm-events-deals").inputs.project, "acme-dev");
  });

  it("applies the defaults inside the component: seed scaling, no PSC, automatic secret replication", () => {
    const template = one("gcp:cloudrunv2/service:Service", "crm-services-listener").inputs.template as {
      scaling: unknown;
      maxInstanceRequestConcurrency: number;
    };
    assert.deepEqual(template.scaling, { minInstanceCount: 2, maxInstanceCount: 50 });
    assert.equal(template.maxInstanceRequestConcurrency, 80);
    assert.equal(ofType("gcp:compute/serviceAttachment:ServiceAttachment").length, 0);
    const subscription = one("gcp:pubsub/subscription:Subscription", "crm-events-deals").inputs;
    assert.equal((subscription.deadLetterPolicy as { maxDeliveryAttempts: number }).maxDeliveryAttempts, 10);
    assert.deepEqual(subscription.retryPolicy, { minimumBackoff: "10s", maximumBackoff: "600s" });
    assert.deepEqual(one("gcp:secretmanager/secret:Secret", "crm-secrets-client-secret").inputs.replication, {
      auto: {},
    });
  });

  it("stores the client secret given as a value in a secret it creates, never in clear", () => {
    assert.equal(ofType("gcp:secretmanager/secret:Secret").length, 1);
    const version = one("gcp:secretmanager/secretVersion:SecretVersion", "crm-secrets-client-secret-version");
    assert.equal(version.inputs.secretData, "[secret]");
    assert.ok(!JSON.stringify(plan).includes("0123456789abcdef"));
  });

  it("executes the trigger's integration through its default api trigger id", () => {
    const dispatcher = one("gcp:cloudrunv2/service:Service", "crm-services-dispatcher").inputs.template as {
      containers: { envs: { name: string; value?: string }[] }[];
    };
    const table = dispatcher.containers[0].envs.find((e) => e.name === "DISPATCHER_TRIGGERS")?.value;
    const triggers = JSON.parse(String(table)) as { name: string; integration: string; triggerId: string }[];
    assert.deepEqual(
      triggers.map((t) => [t.name, t.integration, t.triggerId]),
      [["deals", "crm-sync", "api_trigger/crm-sync"]],
    );
  });
});
