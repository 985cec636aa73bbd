import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { HubSpotTriggerArgs } from "../../components/args";
import { DEFAULTS, resolveArgs, resolveSecret } from "../../components/defaults";

const MINIMAL: HubSpotTriggerArgs = {
  project: "acme-dev",
  region: "europe-west1",
  image: "europe-west1-docker.pkg.dev/acme-dev/hubspot/listener:1.0.0",
  clientSecret: "0123456789abcdef",
  triggers: [{ name: "deals", eventTypes: ["deal.creation"], integration: "crm-sync" }],
};

describe("HubSpotTrigger defaults", () => {
  it("fills every section a program leaves out", () => {
    const args = resolveArgs(MINIMAL);
    assert.equal(args.connectionName, "hubspot");
    assert.equal(args.environment, pulumi.getStack());
    assert.deepEqual(args.scaling, { minInstances: 2, maxInstances: 50, concurrency: 80 });
    assert.deepEqual(args.deadLetter, { maxDeliveryAttempts: 10, retentionDays: 7 });
    assert.deepEqual(args.retry, { minimumBackoff: "10s", maximumBackoff: "600s" });
    assert.deepEqual(args.signature, { allowLegacy: false, maxSkewSeconds: 300 });
    assert.equal(args.privateServiceConnect.enabled, false);
    assert.deepEqual(args.privateServiceConnect.consumerAcceptList, []);
    assert.deepEqual(args.enrichment, {
      enabled: false,
      contactProperties: [],
      companyProperties: [],
      dealProperties: [],
    });
    assert.deepEqual(args.admins, []);
    assert.equal(args.integration.location, "europe-west1", "the integration runs in the region by default");
    assert.equal(args.integration.concurrentExecutions, 50);
    assert.equal(args.executionTimeoutSeconds, 120);
    assert.equal(args.enableApis, true);
    assert.equal(args.deletionProtection, false);
    assert.equal(args.registration, undefined, "nothing is registered in HubSpot unless asked");
  });

  it("completes a trigger: no properties, the integration's api trigger id", () => {
    assert.deepEqual(resolveArgs(MINIMAL).triggers, [
      {
        name: "deals",
        eventTypes: ["deal.creation"],
        integration: "crm-sync",
        onRemove: "delete",
        propertyNames: [],
        triggerId: "api_trigger/crm-sync",
      },
    ]);
  });

  it("takes a trigger's onRemove from registration.retainOnDelete unless the trigger says", () => {
    const triggers = [
      { name: "deals", eventTypes: ["deal.creation" as const], integration: "a" },
      { name: "leads", eventTypes: ["contact.creation" as const], integration: "a", onRemove: "delete" as const },
    ];
    const registration = { mode: "manual" as const, retainOnDelete: true };
    const resolved = resolveArgs({ ...MINIMAL, triggers, registration });
    assert.deepEqual(
      resolved.triggers.map((t) => t.onRemove),
      ["keep", "delete"],
    );
  });

  it("defaults the destination to HubSpot's public API and normalises a bare host to an https base URL", () => {
    assert.deepEqual(resolveArgs(MINIMAL).destination, { host: "https://api.hubapi.com" });
    assert.equal(
      resolveArgs({ ...MINIMAL, destination: { host: "hubspot.internal.example" } }).destination.host,
      "https://hubspot.internal.example",
    );
    assert.equal(resolveArgs(MINIMAL).egress, undefined);
    assert.equal(resolveArgs(MINIMAL).proxyPassword, undefined);
  });

  it("refuses, all at once, a service attachment without egress and an authenticating proxy without host, user or password", () => {
    assert.throws(
      () =>
        resolveArgs({
          ...MINIMAL,
          destination: { serviceAttachment: "projects/hubspot-psc/regions/europe-west1/serviceAttachments/hubspot" },
          proxy: { enabled: true, authScheme: "BASIC" },
        }),
      (error: Error) =>
        /destination\.serviceAttachment needs egress/.test(error.message) &&
        /proxy\.host is missing/.test(error.message) &&
        /proxy\.username is missing/.test(error.message) &&
        /proxyPassword is missing/.test(error.message),
    );
  });

  it("takes a trigger's integration from integration.name, and refuses a trigger with neither", () => {
    const triggers = [{ name: "deals", eventTypes: ["deal.creation" as const] }];
    const resolved = resolveArgs({ ...MINIMAL, integration: { name: "onboarding" }, triggers });
    assert.equal(resolved.triggers[0].integration, "onboarding");
    assert.equal(resolved.triggers[0].triggerId, "api_trigger/onboarding");
    assert.throws(() => resolveArgs({ ...MINIMAL, triggers }), /trigger "deals" names no integration/);
  });

  it("keeps what a section sets and defaults only the rest, an explicit undefined included", () => {
    const args = resolveArgs({
      ...MINIMAL,
      scaling: { maxInstances: 5, concurrency: undefined },
      deadLetter: { retentionDays: 14, projectId: undefined },
      privateServiceConnect: { enabled: true, consumerAcceptList: [{ project: "consumer", connectionLimit: 2 }] },
      registration: { mode: "manual", maxConcurrentRequests: 20 },
    });
    assert.deepEqual(args.scaling, { minInstances: 2, maxInstances: 5, concurrency: 80 });
    assert.deepEqual(args.deadLetter, { maxDeliveryAttempts: 10, retentionDays: 14 });
    assert.deepEqual(args.privateServiceConnect, {
      ...DEFAULTS.privateServiceConnect,
      enabled: true,
      consumerAcceptList: [{ project: "consumer", connectionLimit: 2 }],
    });
    assert.deepEqual(args.registration, {
      mode: "manual",
      maxConcurrentRequests: 20,
      retainOnDelete: false,
      apiVersion: "v3",
    });
  });

  it("turns enrichment on when a property list is given, unless it is switched off", () => {
    assert.equal(resolveArgs({ ...MINIMAL, enrichment: { dealProperties: ["amount"] } }).enrichment.enabled, true);
    const off = { enabled: false, dealProperties: ["amount"] };
    assert.equal(resolveArgs({ ...MINIMAL, enrichment: off }).enrichment.enabled, false);
  });

  it("stores a secret given as a value and only references an existing one, at its latest version by default", () => {
    const value = pulumi.secret("s3cr3t");
    assert.deepEqual(resolveSecret(value), { kind: "managed", value });
    assert.deepEqual(resolveSecret("plain"), { kind: "managed", value: "plain" });
    assert.deepEqual(resolveSecret({ secret: "projects/vault/secrets/hubspot" }), {
      kind: "existing",
      secret: "projects/vault/secrets/hubspot",
      version: "latest",
    });
    assert.deepEqual(resolveSecret({ secret: "hubspot", version: "4" }), {
      kind: "existing",
      secret: "hubspot",
      version: "4",
    });
  });
});
