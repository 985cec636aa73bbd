import { strict as assert } from "node:assert";
import { DeadLetterQueue } from "../../components/dead-letter";
import { EventBus } from "../../components/event-bus";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { RuntimeServices } from "../../components/runtime-services";
import { PrivateServiceConnect } from "../../components/private-service-connect";
import { dispatcherEnv } from "../../components/runtime-env";
import { parseExistingSecret } from "../../components/secrets";
import { mocks } from "../support/setup";
import { build, PROJECT, recorded, resolve, triggerArgs } from "./support";

const SUBSCRIPTION = "gcp:pubsub/subscription:Subscription";

describe("HubSpotTrigger variants", () => {
  beforeEach(() => mocks.reset());

  it("publishes the listener through Private Service Connect to the accepted consumers only", async () => {
    const args = triggerArgs({
      privateServiceConnect: {
        ...triggerArgs().privateServiceConnect,
        enabled: true,
        network: "projects/acme-net/global/networks/shared",
        consumerAcceptList: [{ project: "acme-consumer", connectionLimit: 4 }],
      },
    });
    const { component, seen } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    const listener = recorded("gcp:cloudrunv2/service:Service", "hs-services-listener").inputs;
    const neg = recorded("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup", "hs-psc-neg").inputs;
    assert.equal(neg.networkEndpointType, "SERVERLESS");
    assert.deepEqual(neg.cloudRun, { service: listener.name });
    const backend = recorded("gcp:compute/regionBackendService:RegionBackendService", "hs-psc-backend").inputs;
    assert.equal(backend.loadBalancingScheme, "INTERNAL_MANAGED");
    const subnets = new Map(
      mocks.ofType("gcp:compute/subnetwork:Subnetwork").map((s) => [s.inputs.ipCidrRange, s.inputs]),
    );
    assert.equal(subnets.get("10.10.1.0/24")?.purpose, "REGIONAL_MANAGED_PROXY");
    assert.equal(subnets.get("10.10.1.0/24")?.role, "ACTIVE");
    assert.equal(subnets.get("10.10.0.0/24")?.purpose, "PRIVATE_SERVICE_CONNECT");
    assert.equal(subnets.get("10.10.2.0/24")?.purpose, undefined, "the ILB subnet is an ordinary one");
    assert.equal(subnets.size, 3);
    const rule = recorded("gcp:compute/forwardingRule:ForwardingRule", "hs-psc-forwarding-rule").inputs;
    assert.equal(rule.loadBalancingScheme, "INTERNAL_MANAGED");
    assert.equal(rule.network, "projects/acme-net/global/networks/shared");
    const ruleOpts = seen.find((s) => s.name === "hs-psc-forwarding-rule")?.opts;
    const proxySubnet = seen.find((s) => s.name === "hs-psc-proxy-only-subnet")?.resource;
    assert.ok(([] as unknown[]).concat(ruleOpts?.dependsOn).includes(proxySubnet), "rule waits for the proxy subnet");
    const attachment = recorded("gcp:compute/serviceAttachment:ServiceAttachment", "hs-psc-attachment").inputs;
    assert.equal(attachment.connectionPreference, "ACCEPT_MANUAL");
    assert.deepEqual(attachment.consumerAcceptLists, [{ projectIdOrNum: "acme-consumer", connectionLimit: 4 }]);
    assert.match(String(attachment.targetService), /hubspot-test-forwarding-rule-/);
    assert.match(String(await resolve(component.serviceAttachment!)), /serviceAttachments\/hubspot-test-attachment-/);
  });

  it("puts the dead letter in another project, with the events' project's agent as publisher there", async () => {
    const args = triggerArgs({
      deadLetter: {
        projectId: "acme-dead-letters",
        topic: "hubspot-undelivered",
        maxDeliveryAttempts: 20,
        retentionDays: 14,
      },
      messageOrdering: true,
    });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    const topic = recorded("gcp:pubsub/topic:Topic", "hs-dead-letter-topic").inputs;
    assert.deepEqual([topic.project, topic.name], ["acme-dead-letters", "hubspot-undelivered"]);
    const retention = recorded(SUBSCRIPTION, "hs-dead-letter-retention").inputs;
    assert.equal(retention.project, "acme-dead-letters");
    assert.equal(retention.messageRetentionDuration, `${14 * 86400}s`);
    assert.equal(await resolve(component.deadLetterTopic), "projects/acme-dead-letters/topics/hubspot-undelivered");
    const agentPublisher = recorded(
      "gcp:pubsub/topicIAMMember:TopicIAMMember",
      "hs-dead-letter-publisher-pubsub-agent",
    );
    assert.equal(agentPublisher.inputs.project, "acme-dead-letters");
    const agent = String(
      recorded("gcp:serviceaccount/iAMMember:IAMMember", "hs-identity-push-token-creator").inputs.member,
    );
    assert.equal(agentPublisher.inputs.member, agent, "the source project's agent forwards dead letters");
    const sub = recorded(SUBSCRIPTION, "hs-events-deal-pipeline").inputs;
    assert.deepEqual(sub.deadLetterPolicy, {
      deadLetterTopic: "projects/acme-dead-letters/topics/hubspot-undelivered",
      maxDeliveryAttempts: 20,
    });
    assert.equal(sub.enableMessageOrdering, true);
    assert.equal(sub.project, PROJECT);
  });

  it("references existing secrets: no secret is created, only the accessor binding on that secret", async () => {
    const args = triggerArgs({
      clientSecret: { secret: "projects/acme-vault/secrets/hubspot-client-secret", version: "3" },
      previousClientSecret: undefined,
      accessToken: { secret: "hubspot-token" },
    });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    assert.equal(mocks.ofType("gcp:secretmanager/secret:Secret").length, 0);
    assert.equal(mocks.ofType("gcp:secretmanager/secretVersion:SecretVersion").length, 0);
    const accessors = mocks
      .ofType("gcp:secretmanager/secretIamMember:SecretIamMember")
      .map((m) => [m.inputs.project, m.inputs.secretId, m.inputs.role]);
    assert.deepEqual(accessors, [
      ["acme-vault", "hubspot-client-secret", "roles/secretmanager.secretAccessor"],
      [PROJECT, "hubspot-token", "roles/secretmanager.secretAccessor"],
    ]);
    assert.deepEqual(await resolve(component.secrets), {
      clientSecret: { secret: "projects/acme-vault/secrets/hubspot-client-secret", version: "3" },
      accessToken: { secret: `projects/${PROJECT}/secrets/hubspot-token`, version: "latest" },
    });
    const listener = recorded("gcp:cloudrunv2/service:Service", "hs-services-listener").inputs;
    const envs = (listener.template as { containers: { envs: { name: string; valueSource?: unknown }[] }[] })
      .containers[0].envs;
    assert.deepEqual(envs.find((e) => e.name === "HUBSPOT_CLIENT_SECRET")?.valueSource, {
      secretKeyRef: { secret: "projects/acme-vault/secrets/hubspot-client-secret", version: "3" },
    });
    assert.equal(
      envs.find((e) => e.name === "HUBSPOT_CLIENT_SECRET_PREVIOUS"),
      undefined,
    );
  });
});

describe("component input checks", () => {
  beforeEach(() => mocks.reset());

  it("rejects an existing secret reference that is neither an id nor a path, naming the field", () => {
    assert.throws(
      () => parseExistingSecret("clientSecret", "projects/p/secret/x", "1"),
      /clientSecret\.secret "projects\/p\/secret\/x" must be a secret id/,
    );
    assert.throws(() => parseExistingSecret("accessToken", "token", "v1"), /accessToken\.version "v1" must be/);
    assert.deepEqual(parseExistingSecret("clientSecret", "projects/p/secrets/s", "2"), { project: "p", secretId: "s" });
  });

  it("rejects dead-letter attempts outside Pub/Sub's 5..100 before creating anything", () => {
    const base = {
      environment: "test",
      project: PROJECT,
      topicName: "t",
      triggers: [],
      deadLetterTopic: "projects/x/topics/dl",
      retry: { minimumBackoff: "10s", maximumBackoff: "600s" },
      messageOrdering: false,
      ackDeadlineSeconds: 60,
      publishers: [],
      pubsubServiceAgent: "serviceAccount:agent",
    };
    assert.throws(
      () => new EventBus("bus", { ...base, maxDeliveryAttempts: 4 }),
      /maxDeliveryAttempts 4 must be .* 5 to 100/,
    );
    assert.throws(() => new EventBus("bus", { ...base, maxDeliveryAttempts: 101 }), /maxDeliveryAttempts 101/);
    assert.equal(mocks.resources.length, 0);
  });

  it("rejects a retention outside 7..31 days", () => {
    const base = { environment: "t", project: "p", topicName: "t", subscriptionName: "s", publishers: [] };
    assert.throws(() => new DeadLetterQueue("dl", { ...base, retentionDays: 6 }), /retentionDays 6 must be .* 7 to 31/);
    assert.throws(() => new DeadLetterQueue("dl", { ...base, retentionDays: 32 }), /retentionDays 32/);
  });

  it("rejects min instances above max, naming the service", () => {
    const service = {
      serviceName: "s",
      serviceAccountEmail: "a@b",
      env: { plain: {}, secrets: {} },
      timeoutSeconds: 30,
    };
    assert.throws(
      () =>
        new RuntimeServices("svc", {
          environment: "t",
          project: "p",
          region: "europe-west1",
          image: "img",
          deletionProtection: true,
          dispatcherInvokers: [],
          listener: { ...service, scaling: { minInstances: 3, maxInstances: 2, concurrency: 80 } },
          dispatcher: { ...service, scaling: { minInstances: 0, maxInstances: 2, concurrency: 80 } },
        }),
      /listener scaling \{min 3, max 2, concurrency 80\} must have 0 <= min <= max/,
    );
  });

  it("rejects a PSC consumer without a connection limit, naming its index", () => {
    assert.throws(
      () =>
        new PrivateServiceConnect("psc", {
          environment: "t",
          project: "p",
          region: "r",
          network: "n",
          cloudRunService: "s",
          names: {} as never,
          natSubnetCidr: "10.0.0.0/24",
          proxySubnetCidr: "10.0.1.0/24",
          ilbSubnetCidr: "10.0.2.0/24",
          consumerAcceptList: [
            { project: "ok", connectionLimit: 1 },
            { project: "bad", connectionLimit: 0 },
          ],
        }),
      /consumerAcceptList\[1\]\.connectionLimit 0 must be a whole number >= 1/,
    );
  });

  it("refuses enrichment without an access token to read HubSpot with", () => {
    assert.throws(
      () =>
        dispatcherEnv({
          project: "p",
          deadLetterTopic: "projects/p/topics/d",
          triggers: [],
          integrationProject: "p",
          integrationLocation: "europe-west1",
          executionTimeoutSeconds: 60,
          maxConcurrentExecutions: 50,
          enrichment: { enabled: true, contactProperties: ["email"], companyProperties: [], dealProperties: [] },
          hubspot: { baseUrl: "https://api.hubapi.com" },
        }),
      /enrichment\.enabled is true but no accessToken/,
    );
  });

  it("omits enrichment and the token when neither is configured", () => {
    const env = dispatcherEnv({
      project: "p",
      deadLetterTopic: "projects/p/topics/d",
      triggers: [],
      integrationProject: "p",
      integrationLocation: "europe-west1",
      executionTimeoutSeconds: 60,
      maxConcurrentExecutions: 50,
      enrichment: { enabled: false, contactProperties: [], companyProperties: [], dealProperties: [] },
      hubspot: { baseUrl: "https://api.hubapi.com" },
    });
    assert.equal(env.plain.ENRICHMENT_DEAL_PROPERTIES, undefined);
    assert.deepEqual(env.secrets, {});
    assert.equal(env.plain.EXECUTION_TIMEOUT_MS, "60000");
  });
});

describe("HubSpotTrigger registration wiring", () => {
  beforeEach(() => mocks.reset());

  const registration = (mode: "api" | "project" | "manual") => ({
    mode,
    appId: mode === "api" ? "1234567" : undefined,
    maxConcurrentRequests: 10,
    retainOnDelete: false,
    apiVersion: "v3" as const,
  });

  it("registers the listener's webhook URL and one HubSpot subscription per event type and property", async () => {
    const args = triggerArgs({ registration: registration("api") });
    const component = new HubSpotTrigger("hs", args);
    const status = await resolve(component.registrationStatus!);
    const webhookUrl = await resolve(component.webhookUrl);
    const settings = mocks.ofType("pulumi-nodejs:dynamic/hubspot:WebhookSettings");
    assert.equal(settings.length, 1);
    assert.equal(settings[0].inputs.targetUrl, webhookUrl);
    assert.equal(settings[0].inputs.readyzUrl, new URL("/readyz", webhookUrl).toString());
    const subscriptions = mocks
      .ofType("pulumi-nodejs:dynamic/hubspot:WebhookSubscription")
      .map((s) => [s.inputs.eventType, s.inputs.propertyName ?? null].join("/"))
      .sort();
    const expected = args.triggers
      .flatMap((t) =>
        t.eventTypes.flatMap((type) =>
          type.endsWith(".propertyChange") ? (t.propertyNames ?? []).map((p) => `${type}/${p}`) : [`${type}/`],
        ),
      )
      .sort();
    assert.deepEqual(subscriptions, [...new Set(expected)]);
    assert.equal(status.mode, "api");
    assert.equal(status.status, "Creating");
  });

  it("renders the developer-platform file in project mode and creates no HubSpot resource", async () => {
    const component = new HubSpotTrigger("hs", triggerArgs({ registration: registration("project") }));
    const status = await resolve(component.registrationStatus!);
    const hsmeta = JSON.parse(String(status.hsmeta)) as { type: string; config: { settings: { targetUrl: string } } };
    assert.equal(hsmeta.type, "webhooks");
    assert.equal(hsmeta.config.settings.targetUrl, await resolve(component.webhookUrl));
    assert.equal(mocks.ofType("pulumi-nodejs:dynamic/hubspot:WebhookSubscription").length, 0);
  });

  it("gives manual steps that name the webhook URL in manual mode", async () => {
    const component = new HubSpotTrigger("hs", triggerArgs({ registration: registration("manual") }));
    const status = await resolve(component.registrationStatus!);
    const webhookUrl = await resolve(component.webhookUrl);
    assert.ok(status.manualSteps?.some((step) => step.includes(webhookUrl)));
  });

  it("registers nothing without a registration argument", async () => {
    const component = new HubSpotTrigger("hs", triggerArgs());
    await resolve(component.webhookUrl); // every registration of the tree has reached the mocks by then
    assert.ok(mocks.ofType("hubspot-trigger:runtime:RuntimeServices").length > 0);
    assert.equal(component.registrationStatus, undefined);
    assert.equal(mocks.ofType("hubspot-trigger:hubspot:HubSpotRegistration").length, 0);
  });
});
