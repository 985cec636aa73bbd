import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, validateStackConfig, type RawStackConfig } from "../../infra/config";
import type { StackConfig } from "../../infra/config-types";

type Values = RawStackConfig["values"];

/** A minimal valid stack: every case below changes one thing. */
function baseValues(): Values {
  return {
    image: "europe-west1-docker.pkg.dev/acme-dev/hubspot-trigger/listener:0.1.0",
    integration: { name: "hubspot-crm-sync" },
    triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
  };
}

const CONTEXT = { stack: "dev", project: "acme-hubspot-dev" };

function validate(
  change: (values: Values) => void = () => {},
  secrets: RawStackConfig["secrets"] = { clientSecret: "s3cret-value" },
  context = CONTEXT,
): StackConfig {
  const values = baseValues();
  change(values);
  return validateStackConfig({ values, secrets }, context);
}

function problemsOf(run: () => unknown): ConfigValidationError["problems"] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, `expected ConfigValidationError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the config to be rejected");
}

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

describe("stack config validation", () => {
  describe("defaults", () => {
    it("applies the seed's and the package's defaults to a minimal stack", () => {
      const config = validate();
      assert.equal(config.project, "acme-hubspot-dev");
      assert.equal(config.region, "europe-west1");
      assert.equal(config.connectionName, "hubspot");
      assert.equal(config.environment, "dev");
      assert.deepEqual(config.scaling, { minInstances: 2, maxInstances: 50, concurrency: 80 });
      assert.deepEqual(config.deadLetter, { maxDeliveryAttempts: 10, retentionDays: 7 });
      assert.deepEqual(config.retry, { minimumBackoff: "10s", maximumBackoff: "600s" });
      assert.equal(config.messageOrdering, false);
      assert.equal(config.dedupWindowSeconds, 600);
      assert.deepEqual(config.signature, { allowLegacy: false, maxSkewSeconds: 300 });
      assert.equal(config.deletionProtection, false);
      assert.equal(config.privateServiceConnect.enabled, false);
      assert.deepEqual(config.enrichment, {
        enabled: false,
        contactProperties: [],
        companyProperties: [],
        dealProperties: [],
      });
      assert.equal(config.registration.mode, "manual");
      assert.equal(config.registration.maxConcurrentRequests, 10);
      assert.equal(config.registration.apiVersion, "v3");
      assert.equal(config.registration.credential, undefined);
      assert.deepEqual(config.integration, {
        name: "hubspot-crm-sync",
        location: "europe-west1",
        concurrentExecutions: 50,
      });
      assert.deepEqual(config.triggers, [
        {
          name: "deals",
          eventTypes: ["deal.creation"],
          propertyNames: [],
          integration: "hubspot-crm-sync",
          triggerId: "api_trigger/hubspot-crm-sync",
        },
      ]);
    });

    it("takes the region from gcp:region when the stack does not set one", () => {
      assert.equal(
        validate(undefined, undefined, { ...CONTEXT, gcpRegion: "us-central1" } as typeof CONTEXT).region,
        "us-central1",
      );
    });

    it("derives a valid env label from a stack name that is not one", () => {
      assert.equal(validate(undefined, undefined, { ...CONTEXT, stack: "Prod.EU" }).environment, "prod-eu");
    });

    it('treats Pulumi.yaml\'s empty defaults ("" and {}) as unset', () => {
      const config = validate((v) => {
        v.region = "";
        v.environment = "";
        v.scaling = {};
        v.clientSecretRef = {};
        v.registration = {};
      });
      assert.equal(config.region, "europe-west1");
      assert.equal(config.environment, "dev");
      assert.equal(config.scaling.minInstances, 2);
      assert.equal(config.clientSecret.kind, "managed");
    });

    it("accepts numbers and booleans given as strings, as `pulumi config set --path` stores them", () => {
      const config = validate((v) => {
        v.scaling = { minInstances: "0", maxInstances: "3" };
        v.deletionProtection = "true";
      });
      assert.deepEqual(
        [config.scaling.minInstances, config.scaling.maxInstances, config.deletionProtection],
        [0, 3, true],
      );
    });

    it("normalises durations to seconds and accepts comma-separated property lists (the seed's form)", () => {
      const config = validate(
        (v) => {
          v.retry = { minimumBackoff: "1m", maximumBackoff: "2.5m" };
          v.enrichment = { dealProperties: "dealname, amount ,dealstage" };
        },
        { clientSecret: "x", accessToken: "y" },
      );
      assert.deepEqual(config.retry, { minimumBackoff: "60s", maximumBackoff: "150s" });
      assert.deepEqual(config.enrichment.dealProperties, ["dealname", "amount", "dealstage"]);
      assert.equal(config.enrichment.enabled, true);
    });
  });

  describe("secrets", () => {
    it("wraps secret config as a Pulumi secret and never needs its value", async () => {
      const config = validate();
      assert.equal(config.clientSecret.kind, "managed");
      if (config.clientSecret.kind !== "managed") return;
      assert.equal(await pulumi.isSecret(config.clientSecret.value), true);
      assert.equal(await resolve(config.clientSecret.value), "s3cret-value");
    });

    it("references an existing secret with a version, defaulting to latest", () => {
      const config = validate((v) => {
        v.clientSecretRef = { secret: "projects/acme-secrets/secrets/hubspot-client-secret", version: 3 };
        v.accessTokenRef = { secret: "hubspot-token" };
      }, {});
      assert.deepEqual(config.clientSecret, {
        kind: "existing",
        secret: "projects/acme-secrets/secrets/hubspot-client-secret",
        version: "3",
      });
      assert.deepEqual(config.accessToken, { kind: "existing", secret: "hubspot-token", version: "latest" });
    });

    it("builds the api registration credential from hubspotDeveloperCredential, secret", async () => {
      const config = validate(
        (v) => (v.registration = { mode: "api", appId: "4242424", credentialKind: "oauthToken" }),
        {
          clientSecret: "x",
          hubspotDeveloperCredential: "dev-key",
        },
      );
      assert.equal(config.registration.credential?.kind, "oauthToken");
      assert.equal(await pulumi.isSecret(config.registration.credential!.value), true);
    });

    it("never puts a secret value in an error message", () => {
      const problems = problemsOf(() =>
        validate((v) => (v.clientSecretRef = { secret: "s", version: "latest" }), { clientSecret: "never-show-me" }),
      );
      assert.ok(problems.every((p) => !p.message.includes("never-show-me")));
      assert.equal(problems[0].key, "hubspot-trigger:clientSecretRef");
    });
  });

  // One row per rule: the change, the key that must be named, and words the message must contain.
  const rejected: {
    rule: string;
    change: (v: Values) => void;
    secrets?: RawStackConfig["secrets"];
    key: string;
    says: RegExp;
    context?: object;
  }[] = [
    {
      rule: "trigger name with uppercase",
      change: (v) => (v.triggers = [{ name: "Deals", eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /uppercase letters; lowercase letters, digits and hyphens/,
    },
    {
      rule: "trigger name starting with a digit",
      change: (v) => (v.triggers = [{ name: "1deals", eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /does not start with a letter/,
    },
    {
      rule: "trigger name ending with a hyphen",
      change: (v) => (v.triggers = [{ name: "deals-", eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /does not end with a letter or digit/,
    },
    {
      rule: "trigger name over 49 characters",
      change: (v) => (v.triggers = [{ name: "d".repeat(50), eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /is 50 characters long.*at most 49/,
    },
    {
      rule: "trigger name breaking several rules: every one is reported at once",
      change: (v) => (v.triggers = [{ name: `Goog_${"x".repeat(50)}-`, eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /is 56 characters long, contains uppercase letters, does not end with a letter or digit, contains characters other than a-z, 0-9 and -/,
    },
    {
      rule: "trigger name starting with goog",
      change: (v) => (v.triggers = [{ name: "google-deals", eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /starts with "goog"/,
    },
    {
      rule: "trigger name with underscore",
      change: (v) => (v.triggers = [{ name: "deal_pipe", eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].name",
      says: /characters other than a-z, 0-9 and -/,
    },
    {
      rule: "connection name rules",
      change: (v) => (v.connectionName = "goog-hub"),
      key: "hubspot-trigger:connectionName",
      says: /starts with "goog"/,
    },
    {
      // A type HubSpot offers (webhooks-v3.openapi.json, SubscriptionCreateRequest.eventType) that no trigger takes.
      rule: "unknown event type, with the allowed list",
      change: (v) => (v.triggers = [{ name: "tickets", eventTypes: ["ticket.creation"] }]),
      key: "hubspot-trigger:triggers[0].eventTypes[0]",
      says: /"ticket.creation" is not a supported event type; must be one of deal.creation, deal.propertyChange, deal.deletion, contact.creation, contact.propertyChange, contact.deletion, company.creation, company.propertyChange, company.deletion$/,
    },
    {
      rule: "a company event HubSpot offers that the trigger does not take",
      change: (v) => (v.triggers = [{ name: "companies", eventTypes: ["company.merge"] }]),
      key: "hubspot-trigger:triggers[0].eventTypes[0]",
      says: /"company.merge" is not a supported event type/,
    },
    {
      rule: "company properties without company.propertyChange",
      change: (v) =>
        (v.triggers = [{ name: "companies", eventTypes: ["company.creation"], propertyNames: ["industry"] }]),
      key: "hubspot-trigger:triggers[0].propertyNames",
      says: /no \*\.propertyChange event type; propertyNames apply only to deal\.propertyChange, contact\.propertyChange, company\.propertyChange$/,
    },
    {
      rule: "company.propertyChange without property",
      change: (v) => (v.triggers = [{ name: "companies", eventTypes: ["company.propertyChange"] }]),
      key: "hubspot-trigger:triggers[0].propertyNames",
      says: /need at least one HubSpot property name/,
    },
    {
      rule: "no event type",
      change: (v) => (v.triggers = [{ name: "deals", eventTypes: [] }]),
      key: "hubspot-trigger:triggers[0].eventTypes",
      says: /is empty/,
    },
    {
      rule: "missing event types",
      change: (v) => (v.triggers = [{ name: "deals" }]),
      key: "hubspot-trigger:triggers[0].eventTypes",
      says: /missing/,
    },
    {
      rule: "duplicate event type",
      change: (v) => (v.triggers = [{ name: "deals", eventTypes: ["deal.creation", "deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].eventTypes[1]",
      says: /listed twice/,
    },
    {
      rule: "propertyChange without property",
      change: (v) => (v.triggers = [{ name: "deals", eventTypes: ["deal.propertyChange"] }]),
      key: "hubspot-trigger:triggers[0].propertyNames",
      says: /need at least one HubSpot property name/,
    },
    {
      rule: "properties without propertyChange",
      change: (v) => (v.triggers = [{ name: "deals", eventTypes: ["deal.creation"], propertyNames: ["amount"] }]),
      key: "hubspot-trigger:triggers[0].propertyNames",
      says: /no \*\.propertyChange event type/,
    },
    {
      rule: "invalid HubSpot property name",
      change: (v) =>
        (v.triggers = [{ name: "deals", eventTypes: ["deal.propertyChange"], propertyNames: ["Deal Stage"] }]),
      key: "hubspot-trigger:triggers[0].propertyNames[0]",
      says: /HubSpot internal property name/,
    },
    {
      rule: "duplicate trigger name",
      change: (v) =>
        (v.triggers = [
          { name: "deals", eventTypes: ["deal.creation"] },
          { name: "deals", eventTypes: ["deal.deletion"] },
        ]),
      key: "hubspot-trigger:triggers[1].name",
      says: /used by another trigger/,
    },
    {
      rule: "duplicate trigger definition",
      change: (v) =>
        (v.triggers = [
          { name: "a", eventTypes: ["deal.creation", "deal.deletion"] },
          { name: "b", eventTypes: ["deal.deletion", "deal.creation"] },
        ]),
      key: "hubspot-trigger:triggers[1]",
      says: /duplicates trigger "a"/,
    },
    {
      rule: "no trigger at all",
      change: (v) => delete v.triggers,
      key: "hubspot-trigger:triggers",
      says: /missing; declare at least one trigger/,
    },
    {
      rule: "unknown key inside a trigger",
      change: (v) => (v.triggers = [{ name: "deals", eventType: ["deal.creation"], eventTypes: ["deal.creation"] }]),
      key: "hubspot-trigger:triggers[0].eventType",
      says: /unknown key; allowed keys are name, eventTypes/,
    },
    {
      rule: "trigger without any integration",
      change: (v) => delete v.integration,
      key: "hubspot-trigger:triggers[0].integration",
      says: /integration.name is not set/,
    },
    {
      rule: "scaling min above max",
      change: (v) => (v.scaling = { minInstances: 10, maxInstances: 5 }),
      key: "hubspot-trigger:scaling.minInstances",
      says: /10 is above maxInstances 5; minInstances <= maxInstances/,
    },
    {
      rule: "scaling not an integer",
      change: (v) => (v.scaling = { maxInstances: 2.5 }),
      key: "hubspot-trigger:scaling.maxInstances",
      says: /not an integer; must be an integer from 1 to 1000/,
    },
    {
      rule: "execution quota below 1",
      change: (v) => (v.integration = { name: "hubspot-crm-sync", concurrentExecutions: 0 }),
      key: "hubspot-trigger:integration.concurrentExecutions",
      says: /0 is out of range; must be an integer from 1 to 100000/,
    },
    {
      rule: "dead letter attempts below 5",
      change: (v) => (v.deadLetter = { maxDeliveryAttempts: 4 }),
      key: "hubspot-trigger:deadLetter.maxDeliveryAttempts",
      says: /4 is out of range; must be an integer from 5 to 100/,
    },
    {
      rule: "dead letter attempts above 100",
      change: (v) => (v.deadLetter = { maxDeliveryAttempts: 101 }),
      key: "hubspot-trigger:deadLetter.maxDeliveryAttempts",
      says: /from 5 to 100/,
    },
    {
      rule: "retention below 7 days",
      change: (v) => (v.deadLetter = { retentionDays: 3 }),
      key: "hubspot-trigger:deadLetter.retentionDays",
      says: /from 7 to 31/,
    },
    {
      rule: "dead letter project id",
      change: (v) => (v.deadLetter = { projectId: "Ops_Project" }),
      key: "hubspot-trigger:deadLetter.projectId",
      says: /Google Cloud project id/,
    },
    {
      rule: "dead letter topic starting with goog",
      change: (v) => (v.deadLetter = { topic: "goog-dlq" }),
      key: "hubspot-trigger:deadLetter.topic",
      says: /not starting with "goog"/,
    },
    {
      rule: "duration syntax",
      change: (v) => (v.retry = { minimumBackoff: "ten seconds" }),
      key: "hubspot-trigger:retry.minimumBackoff",
      says: /is not a duration/,
    },
    {
      rule: "duration above 600s",
      change: (v) => (v.retry = { maximumBackoff: "11m" }),
      key: "hubspot-trigger:retry.maximumBackoff",
      says: /is 660 seconds/,
    },
    {
      rule: "backoff min above max",
      change: (v) => (v.retry = { minimumBackoff: "60s", maximumBackoff: "30s" }),
      key: "hubspot-trigger:retry.minimumBackoff",
      says: /minimumBackoff <= maximumBackoff/,
    },
    {
      rule: "admin without prefix",
      change: (v) => (v.admins = ["ops@acme.example"]),
      key: "hubspot-trigger:admins[0]",
      says: /user:, group:, serviceAccount:/,
    },
    {
      rule: "admin with an unknown prefix",
      change: (v) => (v.admins = ["allUsers"]),
      key: "hubspot-trigger:admins[0]",
      says: /IAM member/,
    },
    {
      rule: "duplicate admin",
      change: (v) => (v.admins = ["group:a@acme.example", "group:a@acme.example"]),
      key: "hubspot-trigger:admins[1]",
      says: /listed twice/,
    },
    {
      rule: "CIDR with host bits",
      change: (v) => (v.privateServiceConnect = { enabled: true, natSubnetCidr: "10.1.0.1/28" }),
      key: "hubspot-trigger:privateServiceConnect.natSubnetCidr",
      says: /host bits set/,
    },
    {
      rule: "CIDR syntax",
      change: (v) => (v.privateServiceConnect = { enabled: true, ilbSubnetCidr: "10.1.0.0" }),
      key: "hubspot-trigger:privateServiceConnect.ilbSubnetCidr",
      says: /not an IPv4 CIDR/,
    },
    {
      rule: "proxy-only subnet too small",
      change: (v) => (v.privateServiceConnect = { enabled: true, proxySubnetCidr: "10.1.0.0/28" }),
      key: "hubspot-trigger:privateServiceConnect.proxySubnetCidr",
      says: /too small/,
    },
    {
      rule: "overlapping subnets",
      change: (v) =>
        (v.privateServiceConnect = { enabled: true, natSubnetCidr: "10.1.0.0/28", proxySubnetCidr: "10.1.0.0/23" }),
      key: "hubspot-trigger:privateServiceConnect.proxySubnetCidr",
      says: /overlaps natSubnetCidr/,
    },
    {
      rule: "PSC consumer project",
      change: (v) => (v.privateServiceConnect = { enabled: true, consumerAcceptList: [{ project: "X" }] }),
      key: "hubspot-trigger:privateServiceConnect.consumerAcceptList[0].project",
      says: /project id/,
    },
    {
      rule: "PSC consumer connection limit",
      change: (v) =>
        (v.privateServiceConnect = {
          enabled: true,
          consumerAcceptList: [{ project: "acme-consumer", connectionLimit: 0 }],
        }),
      key: "hubspot-trigger:privateServiceConnect.consumerAcceptList[0].connectionLimit",
      says: /from 1 to 1000/,
    },
    {
      rule: "prod PSC needs consumers",
      change: (v) => ((v.environment = "prod"), (v.privateServiceConnect = { enabled: true })),
      key: "hubspot-trigger:privateServiceConnect.consumerAcceptList",
      says: /must list the consumer projects/,
    },
    {
      rule: "unknown registration mode",
      change: (v) => (v.registration = { mode: "auto" }),
      key: "hubspot-trigger:registration.mode",
      says: /one of api, project, manual/,
    },
    {
      rule: "api registration without app id",
      change: (v) => (v.registration = { mode: "api" }),
      secrets: { clientSecret: "x", hubspotDeveloperCredential: "k" },
      key: "hubspot-trigger:registration.appId",
      says: /required when mode is api/,
    },
    {
      rule: "api registration without credential",
      change: (v) => (v.registration = { mode: "api", appId: "123" }),
      key: "hubspot-trigger:hubspotDeveloperCredential",
      says: /pulumi config set --secret hubspot-trigger:hubspotDeveloperCredential/,
    },
    {
      rule: "throttling below HubSpot's minimum",
      change: (v) => (v.registration = { maxConcurrentRequests: 4 }),
      key: "hubspot-trigger:registration.maxConcurrentRequests",
      says: /from 5 to/,
    },
    {
      rule: "unknown webhooks API version",
      change: (v) => (v.registration = { apiVersion: "v4" }),
      key: "hubspot-trigger:registration.apiVersion",
      says: /"v3", "2026-03"/,
    },
    {
      rule: "enrichment without access token",
      change: (v) => (v.enrichment = { dealProperties: ["amount"] }),
      key: "hubspot-trigger:accessToken",
      says: /enrichment reads objects back/,
    },
    {
      rule: "enrichment enabled without lists",
      change: (v) => (v.enrichment = { enabled: true }),
      key: "hubspot-trigger:enrichment.enabled",
      says: /no property list/,
    },
    {
      rule: "client secret missing",
      change: () => {},
      secrets: {},
      key: "hubspot-trigger:clientSecret",
      says: /pulumi config set --secret hubspot-trigger:clientSecret/,
    },
    {
      rule: "secret ref with bad version",
      change: (v) => (v.clientSecretRef = { secret: "s", version: "0" }),
      secrets: {},
      key: "hubspot-trigger:clientSecretRef.version",
      says: /"latest" or a positive integer/,
    },
    {
      rule: "secret ref with bad path",
      change: (v) => (v.clientSecretRef = { secret: "projects/p/s" }),
      secrets: {},
      key: "hubspot-trigger:clientSecretRef.secret",
      says: /projects\/PROJECT\/secrets\/NAME/,
    },
    {
      rule: "secret given twice",
      change: (v) => (v.previousClientSecretRef = { secret: "old" }),
      secrets: { clientSecret: "x", previousClientSecret: "y" },
      key: "hubspot-trigger:previousClientSecretRef",
      says: /not both/,
    },
    {
      rule: "signature skew above HubSpot's 5 minutes",
      change: (v) => (v.signature = { maxSkewSeconds: 301 }),
      key: "hubspot-trigger:signature.maxSkewSeconds",
      says: /from 1 to 300/,
    },
    {
      rule: "reserved label",
      change: (v) => (v.labels = { app: "other" }),
      key: "hubspot-trigger:labels.app",
      says: /set by this package/,
    },
    {
      rule: "label value with uppercase",
      change: (v) => (v.labels = { team: "RevOps" }),
      key: "hubspot-trigger:labels.team",
      says: /label value/,
    },
    {
      rule: "image without tag or digest",
      change: (v) => (v.image = "europe-west1-docker.pkg.dev/acme/repo/listener"),
      key: "hubspot-trigger:image",
      says: /explicit tag or digest/,
    },
    {
      rule: "image missing",
      change: (v) => delete v.image,
      key: "hubspot-trigger:image",
      says: /missing and imageBuild.enabled is not true; exactly one of hubspot-trigger:image .* and hubspot-trigger:imageBuild.enabled/,
    },
    {
      rule: "region format",
      change: (v) => (v.region = "Europe West"),
      key: "hubspot-trigger:region",
      says: /Google Cloud region/,
    },
    {
      rule: "environment not a label value",
      change: (v) => (v.environment = "Prod EU"),
      key: "hubspot-trigger:environment",
      says: /env label value/,
    },
    {
      rule: "dedup window out of range",
      change: (v) => (v.dedupWindowSeconds = -1),
      key: "hubspot-trigger:dedupWindowSeconds",
      says: /from 0 to 86400/,
    },
    {
      rule: "boolean as text",
      change: (v) => (v.messageOrdering = "yes"),
      key: "hubspot-trigger:messageOrdering",
      says: /must be true or false/,
    },
    {
      rule: "object given as a string",
      change: (v) => (v.scaling = "big"),
      key: "hubspot-trigger:scaling",
      says: /must be an object with keys minInstances, maxInstances, concurrency/,
    },
    {
      rule: "gcp:project not a project id",
      change: () => {},
      context: { stack: "dev", project: "Acme Dev" },
      key: "gcp:project",
      says: /"Acme Dev" is not a project id; a Google Cloud project id/,
    },
    {
      rule: "gcp:project missing",
      change: () => {},
      context: { stack: "dev" },
      key: "gcp:project",
      says: /pulumi config set gcp:project/,
    },
  ];

  describe("rejects", () => {
    for (const row of rejected) {
      it(`${row.rule}: names ${row.key}`, () => {
        const problems = problemsOf(() =>
          validate(row.change, row.secrets ?? { clientSecret: "x" }, (row.context ?? CONTEXT) as typeof CONTEXT),
        );
        const problem = problems.find((p) => p.key === row.key);
        assert.ok(problem, `no problem for ${row.key}; got ${problems.map((p) => p.message).join(" | ")}`);
        assert.match(problem.message, row.says);
        assert.ok(problem.message.startsWith(`${row.key}: `), problem.message);
        assert.match(problem.message, /: .+; .+/, "message has the form <key>: <problem>; <rule>");
      });
    }
  });

  it("reports every problem at once, in one error listing them all", () => {
    let error: unknown;
    try {
      validate((v) => {
        v.triggers = [{ name: "Bad_Name", eventTypes: ["deal.merge"] }];
        v.scaling = { minInstances: 9, maxInstances: 3 };
        v.deadLetter = { maxDeliveryAttempts: 1 };
      }, {});
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigValidationError);
    const keys = error.problems.map((p) => p.key);
    assert.deepEqual(keys.sort(), [
      "hubspot-trigger:clientSecret",
      "hubspot-trigger:deadLetter.maxDeliveryAttempts",
      "hubspot-trigger:scaling.minInstances",
      "hubspot-trigger:triggers[0].eventTypes[0]",
      "hubspot-trigger:triggers[0].name",
    ]);
    assert.match(error.message, /^Invalid stack configuration \(5 problems\):/);
    for (const problem of error.problems) assert.ok(error.message.includes(problem.message));
  });

  it("reports unknown keys of the namespace as likely typos", () => {
    const problems = problemsOf(() =>
      validateStackConfig({ values: baseValues(), secrets: { clientSecret: "x" }, unknownKeys: ["trigers"] }, CONTEXT),
    );
    assert.equal(problems[0].key, "hubspot-trigger:trigers");
    assert.match(problems[0].message, /unknown key; keys of this namespace are connectionName, .*triggers/);
  });

  it("takes company events only from a trigger that lists them (opt-in), with their properties", () => {
    const config = validate(
      (v) => {
        v.triggers = [
          { name: "deals", eventTypes: ["deal.creation"] },
          {
            name: "companies",
            eventTypes: ["company.creation", "company.propertyChange", "company.deletion"],
            propertyNames: "industry,domain",
          },
        ];
        v.enrichment = { enabled: true, companyProperties: "name,domain" };
      },
      { clientSecret: "x", accessToken: "t" },
    );
    assert.deepEqual(config.triggers[0].eventTypes, ["deal.creation"], "no company type is ever implied");
    assert.deepEqual(config.triggers[1].eventTypes, ["company.creation", "company.propertyChange", "company.deletion"]);
    assert.deepEqual(config.triggers[1].propertyNames, ["industry", "domain"]);
    assert.deepEqual(config.enrichment.companyProperties, ["name", "domain"]);
  });

  it("accepts the full dev-like stack with every option", () => {
    const config = validate((v) => {
      v.triggers = [
        {
          name: "deal-pipeline",
          eventTypes: ["deal.creation", "deal.propertyChange"],
          propertyNames: ["dealstage", "amount"],
        },
        {
          name: "contact-lifecycle",
          eventTypes: ["contact.propertyChange"],
          propertyNames: ["lifecyclestage"],
          integration: "onboarding",
          triggerId: "api_trigger/onboarding_API_1",
          description: "x",
        },
        { name: "deletions", eventTypes: ["deal.deletion", "contact.deletion", "contact.creation"] },
      ];
      v.admins = [
        "group:platform@acme.example",
        "domain:acme.example",
        "serviceAccount:ci@acme-ci.iam.gserviceaccount.com",
      ];
      v.deadLetter = { projectId: "acme-ops", topic: "hubspot-dlq", maxDeliveryAttempts: 5, retentionDays: 31 };
      v.privateServiceConnect = {
        enabled: true,
        network: "projects/acme-net/global/networks/shared",
        consumerAcceptList: [{ project: "acme-consumer" }, { project: "123456789012", connectionLimit: 3 }],
      };
      v.registration = { mode: "project", retainOnDelete: true, apiVersion: "2026-03" };
      v.labels = { team: "revops", "cost-center": "cc-1" };
    });
    assert.equal(config.triggers.length, 3);
    assert.equal(config.triggers[1].triggerId, "api_trigger/onboarding_API_1");
    assert.deepEqual(config.privateServiceConnect.consumerAcceptList, [
      { project: "acme-consumer", connectionLimit: 10 },
      { project: "123456789012", connectionLimit: 3 },
    ]);
    assert.equal(config.registration.retainOnDelete, true);
    assert.equal(config.registration.credential, undefined, "credential only in api mode");
  });
});
