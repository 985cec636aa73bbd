import assert from "node:assert/strict";
import { createDispatcher, type Dispatcher } from "../../runtime/dispatcher";
import { hubspotBatchReader, CrmReadError } from "../../runtime/dispatcher/crm-batch-reader";
import { Enricher } from "../../runtime/dispatcher/enrichment";
import { captureLogs } from "../../runtime/shared/log";
import { HubSpotCrmStandIn } from "../fixtures/hubspot-crm";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { DEAL_TRIGGER, fixedTokenAuth, post, pushEnvelope, samplePayload, testConfig } from "./helpers";

const HUBSPOT_TOKEN = "pat-eu1-11111111-2222-3333-4444-555555555555";

describe("enrichment through @hubspot/api-client against HubSpot's published CRM spec", () => {
  let crm: HubSpotCrmStandIn;

  beforeEach(async () => {
    crm = await HubSpotCrmStandIn.start({
      accessToken: HUBSPOT_TOKEN,
      objects: {
        deals: {
          "9007199254740993": { properties: { dealname: "Renewal 2025", amount: "1200", dealstage: "closedwon" } },
          "42": { properties: { dealname: "Archived deal" }, archived: true },
        },
        contacts: { "7": { properties: { email: "ada@example.com", firstname: "Ada" } } },
        companies: {
          "5150": { properties: { name: "Acme", domain: "acme.example", industry: "COMPUTER_SOFTWARE" } },
        },
      },
    });
  });
  afterEach(() => crm.close());

  function enricher(windowMs = 20): Enricher {
    return new Enricher({
      reader: hubspotBatchReader({ accessToken: HUBSPOT_TOKEN, basePath: crm.url }),
      properties: { deal: ["dealname", "amount", "dealstage"], contact: ["email"], company: [] },
      windowMs,
    });
  }

  it("reads the configured properties with the private-app token", async () => {
    const enriched = await enricher().enrich(samplePayload());
    assert.deepEqual(enriched.object, {
      properties: { dealname: "Renewal 2025", amount: "1200", dealstage: "closedwon" },
    });
    assert.equal(crm.requests.length, 1);
    assert.deepEqual(crm.requests[0], {
      objectType: "deals",
      authorization: `Bearer ${HUBSPOT_TOKEN}`,
      archived: false,
      ids: ["9007199254740993"],
      properties: ["dealname", "amount", "dealstage"],
    });
  });

  it("marks a missing or archived object deleted instead of failing (HubSpot's 207)", async () => {
    const e = enricher();
    const [gone, archived] = await Promise.all([
      e.enrich(samplePayload({ objectId: "31337", eventType: "deal.propertyChange" })),
      e.enrich(samplePayload({ objectId: "42", eventType: "deal.propertyChange" })),
    ]);
    assert.deepEqual(gone.object, { properties: {}, deleted: true });
    assert.deepEqual(archived.object, { properties: {}, deleted: true });
  });

  it("does not call HubSpot for a deletion event or an object type without properties", async () => {
    const e = enricher();
    const deleted = await e.enrich(samplePayload({ eventType: "deal.deletion" }));
    assert.deepEqual(deleted.object, { properties: {}, deleted: true });
    const company = await e.enrich(
      samplePayload({ objectType: "company", eventType: "company.creation", objectId: "5" }),
    );
    assert.equal(company.object, undefined);
    assert.equal(crm.requests.length, 0);
  });

  it("coalesces concurrent lookups of one type into one batch read, and splits at 100 ids", async () => {
    const e = enricher(30);
    const ids = Array.from({ length: 150 }, (_, i) => String(1000 + i));
    const contact = e.enrich(samplePayload({ objectType: "contact", eventType: "contact.creation", objectId: "7" }));
    const deals = await Promise.all(
      ids.map((objectId) => e.enrich(samplePayload({ objectId, eventType: "deal.propertyChange" }))),
    );
    assert.equal((await contact).object?.properties.email, "ada@example.com");
    assert.ok(deals.every((deal) => deal.object?.deleted === true));
    const dealReads = crm.requests.filter((request) => request.objectType === "deals");
    assert.deepEqual(
      dealReads.map((request) => request.ids.length),
      [100, 50],
    );
    assert.equal(crm.requests.length, 3);
    assert.equal(e.batchReads, 3);
  });

  it("rejects with HubSpot's status and no token when the token is refused", async () => {
    const reader = hubspotBatchReader({ accessToken: "pat-wrong", basePath: crm.url });
    await assert.rejects(reader.read("deal", ["1"], ["dealname"]), (error: unknown) => {
      assert.ok(error instanceof CrmReadError);
      assert.equal(error.httpStatus, 401);
      assert.ok(!error.message.includes("pat-wrong"));
      return true;
    });
  });

  describe("in the dispatcher", () => {
    let standIn: IntegrationStandIn;
    let dispatcher: Dispatcher;
    let url: string;

    beforeEach(async () => {
      standIn = await IntegrationStandIn.start();
      const config = testConfig({
        integrationsEndpoint: standIn.url,
        enrichment: {
          accessToken: HUBSPOT_TOKEN,
          apiBaseUrl: crm.url,
          properties: { deal: ["dealname"], contact: [], company: [] },
        },
      });
      dispatcher = createDispatcher({
        config,
        auth: fixedTokenAuth,
        logger: captureLogs().logger,
        deadLetter: async () => "x",
      });
      url = `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;
    });
    afterEach(async () => {
      await dispatcher.close();
      await standIn.close();
    });

    it("hands the integration the payload with the object's current properties", async () => {
      assert.equal((await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status, 204);
      assert.deepEqual(standIn.requests[0].connectorEventPayload?.object, { properties: { dealname: "Renewal 2025" } });
    });

    it("answers non-2xx without executing when HubSpot is rate limiting", async () => {
      crm.failWith(429);
      assert.equal((await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status, 503);
      assert.equal(standIn.count, 0);
    });
  });
  describe("company events (opt-in: only a trigger that lists them runs for them)", () => {
    const COMPANY_TRIGGER = {
      name: "company-sync",
      subscription: "companies",
      eventTypes: ["company.creation", "company.propertyChange", "company.deletion"] as const,
      propertyNames: ["industry"],
      integration: "on-company",
      triggerId: "api_trigger/on-company",
    };
    let standIn: IntegrationStandIn;
    let dispatcher: Dispatcher;
    let url: string;
    const logs = captureLogs("DEBUG");

    beforeEach(async () => {
      standIn = await IntegrationStandIn.start();
      const config = testConfig({
        integrationsEndpoint: standIn.url,
        triggers: [DEAL_TRIGGER, { ...COMPANY_TRIGGER, eventTypes: [...COMPANY_TRIGGER.eventTypes] }],
        enrichment: {
          accessToken: HUBSPOT_TOKEN,
          apiBaseUrl: crm.url,
          properties: { deal: ["dealname"], contact: [], company: ["name", "domain"] },
        },
      });
      logs.entries.length = 0;
      dispatcher = createDispatcher({ config, auth: fixedTokenAuth, logger: logs.logger, deadLetter: async () => "x" });
      url = `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;
    });
    afterEach(async () => {
      await dispatcher.close();
      await standIn.close();
    });

    const company = (eventType: string, extra: Record<string, string> = {}) =>
      samplePayload({ eventType, objectType: "company", objectId: "5150", ...extra });

    it("executes the company trigger's integration with companyProperties read from HubSpot", async () => {
      const change = company("company.propertyChange", { propertyName: "industry", propertyValue: "x" });
      assert.equal((await post(`${url}/pubsub/push`, pushEnvelope(change, { subscription: "companies" }))).status, 204);
      assert.equal(standIn.requests.length, 1);
      assert.equal(standIn.requests[0].integration, "on-company");
      assert.equal(standIn.requests[0].triggerId, "api_trigger/on-company");
      assert.deepEqual(standIn.requests[0].connectorEventPayload?.object, {
        properties: { name: "Acme", domain: "acme.example" },
      });
      assert.deepEqual(
        crm.requests.map(({ objectType, ids, properties }) => ({ objectType, ids, properties })),
        [{ objectType: "companies", ids: ["5150"], properties: ["name", "domain"] }],
      );
    });

    it("passes a company deletion on as deleted without reading HubSpot", async () => {
      const deleted = pushEnvelope(company("company.deletion"), { subscription: "companies" });
      assert.equal((await post(`${url}/pubsub/push`, deleted)).status, 204);
      assert.deepEqual(standIn.requests[0].connectorEventPayload?.object, { properties: {}, deleted: true });
      assert.equal(crm.requests.length, 0);
    });

    it("acknowledges a company event on a trigger that does not list company types, without executing", async () => {
      // What the emulator (no filters) or a hand-edited filter would push to the deal trigger.
      const stray = pushEnvelope(company("company.creation"), { subscription: "deals-created" });
      assert.equal((await post(`${url}/pubsub/push`, stray)).status, 204);
      assert.equal(standIn.count, 0);
      assert.equal(crm.requests.length, 0);
      assert.ok(
        logs.entries.some((entry) => entry.outcome === "not-ours" && entry.eventType === "company.creation"),
        "logged as not ours",
      );
    });
  });
});
