import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EVENT_TYPES } from "../../contract/events";
import { HUBSPOT_SPEC_DIR } from "../fixtures/hubspot-webhooks-stand-in/openapi";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { APP_ID, checked, connection, OAUTH_TOKEN, startStandIn, subscriptionProvider as provider } from "./support";

type Outs = Record<string, unknown>;

describe("hubspot WebhookSubscription provider (against the stand-in)", () => {
  let standIn: HubSpotWebhooksStandIn;
  let baseUrl: string;

  before(async () => ({ standIn, baseUrl } = await startStandIn()));
  after(() => standIn.stop());
  beforeEach(() => standIn.reset());
  afterEach(() => {
    assert.deepEqual(standIn.responseViolations, [], "stand-in answers must match HubSpot's response schemas");
    assert.deepEqual(standIn.requestRejections, [], "provider requests must match HubSpot's request schemas");
  });

  const declare = (overrides: Outs = {}): Promise<Outs> =>
    checked(provider, {
      ...connection(baseUrl),
      eventType: "contact.propertyChange",
      propertyName: "email",
      ...overrides,
    });

  describe("check", () => {
    it("defaults active to true, the API version to v3 and the API to api.hubapi.com", async () => {
      const result = await provider.check(
        {},
        { appId: APP_ID, credentialKind: "developerApiKey", eventType: "deal.creation" },
      );
      assert.deepEqual(result.failures, []);
      assert.equal(result.inputs.active, true);
      assert.equal(result.inputs.apiVersion, "v3");
      assert.equal(result.inputs.apiBaseUrl, "https://api.hubapi.com");
      assert.equal(result.inputs.retainOnDelete, false);
    });

    const cases: [string, Outs, string, RegExp][] = [
      [
        "propertyChange without property",
        { eventType: "deal.propertyChange", propertyName: undefined },
        "subscription.propertyName",
        /needs the name of the property/,
      ],
      [
        "refused property hs_lastmodifieddate",
        { propertyName: "hs_lastmodifieddate" },
        "subscription.propertyName",
        /HubSpot refuses/,
      ],
      [
        "refused property num_unique_conversion_events",
        { propertyName: "num_unique_conversion_events" },
        "subscription.propertyName",
        /HubSpot refuses/,
      ],
      [
        "property on a creation",
        { eventType: "contact.creation", propertyName: "email" },
        "subscription.propertyName",
        /only \*\.propertyChange/,
      ],
      ["malformed event type", { eventType: "contact-creation" }, "subscription.eventType", /not a HubSpot event type/],
      ["non-numeric app id", { appId: "my-app" }, "appId", /positive int32/],
      ["app id beyond int32", { appId: "3000000000" }, "appId", /positive int32/],
      ["unknown API version", { apiVersion: "v4" }, "apiVersion", /not one of v3, 2026-03/],
      [
        "unknown credential kind",
        { credentialKind: "apiKey" },
        "credentialKind",
        /not one of developerApiKey, oauthToken/,
      ],
    ];
    for (const [title, overrides, property, reason] of cases) {
      it(`rejects ${title}, naming ${property}`, async () => {
        const result = await provider.check(
          {},
          { ...connection(baseUrl), eventType: "contact.propertyChange", propertyName: "email", ...overrides },
        );
        const failure = result.failures?.find((f) => f.property === property);
        assert.ok(failure, `expected a failure on ${property}, got ${JSON.stringify(result.failures)}`);
        assert.match(failure.reason, reason);
      });
    }

    it("lets unknown values through during preview", async () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const result = await provider.check({}, { ...connection(baseUrl), appId: unknown, eventType: "deal.creation" });
      assert.deepEqual(result.failures, []);
    });
  });

  describe("diff", () => {
    const olds = {
      ...connection("http://x"),
      eventType: "contact.propertyChange",
      propertyName: "email",
      active: true,
      subscriptionId: "1",
      status: "Active",
    };
    const news = {
      ...connection("http://x"),
      eventType: "contact.propertyChange",
      propertyName: "email",
      active: true,
    };

    it("reports no change when only computed outputs differ", async () => {
      assert.deepEqual(await provider.diff("1", olds, news), {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });
    it("updates in place when only active changes", async () => {
      assert.deepEqual(await provider.diff("1", olds, { ...news, active: false }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });
    it("replaces on another event type or property", async () => {
      assert.deepEqual((await provider.diff("1", olds, { ...news, propertyName: "phone" })).replaces, ["propertyName"]);
      assert.deepEqual((await provider.diff("1", olds, { ...news, eventType: "deal.propertyChange" })).replaces, [
        "eventType",
      ]);
    });
    it("replaces on another app, updates on a rotated credential", async () => {
      assert.deepEqual((await provider.diff("1", olds, { ...news, appId: "7" })).replaces, ["appId"]);
      assert.deepEqual(await provider.diff("1", olds, { ...news, credential: "rotated" }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    });
  });

  describe("create", () => {
    it("creates an active subscription with one listing and one POST, echoing only declared fields", async () => {
      const { id, outs } = await provider.create({ ...(await declare()), __provider: "serialized provider text" });
      assert.equal(standIn.subscriptions.get(id)?.active, true);
      assert.equal(standIn.subscriptions.get(id)?.propertyName, "email");
      assert.deepEqual(Object.fromEntries(standIn.calls), { "GET /subscriptions": 1, "POST /subscriptions": 1 });
      assert.equal(outs.subscriptionId, id);
      assert.equal(outs.adopted, false);
      assert.equal(outs.status, "Active");
      assert.equal("__provider" in outs, false);
    });

    it("adopts an identical existing subscription instead of duplicating it (zero writes)", async () => {
      const existing = standIn.seedSubscription({
        eventType: "contact.propertyChange",
        propertyName: "email",
        active: true,
      });
      const { id, outs } = await provider.create(await declare());
      assert.equal(id, existing.id);
      assert.equal(outs.adopted, true);
      assert.equal(standIn.subscriptions.size, 1);
      assert.equal(standIn.writes(), 0);
    });

    it("adopts a paused identical subscription and activates it with one PATCH", async () => {
      const existing = standIn.seedSubscription({
        eventType: "contact.propertyChange",
        propertyName: "email",
        active: false,
      });
      const { id } = await provider.create(await declare());
      assert.equal(id, existing.id);
      assert.equal(standIn.subscriptions.get(id)?.active, true);
      assert.deepEqual(Object.fromEntries(standIn.calls), { "GET /subscriptions": 1, "PATCH /subscriptions/{id}": 1 });
    });

    it("does not adopt a subscription on another property", async () => {
      const foreign = standIn.seedSubscription({ eventType: "contact.propertyChange", propertyName: "phone" });
      const { id } = await provider.create(await declare());
      assert.notEqual(id, foreign.id);
      assert.equal(standIn.subscriptions.size, 2);
    });

    it("refuses clearly at HubSpot's limit of 1000 subscriptions per app", async () => {
      for (let i = 0; i < 1000; i++)
        standIn.seedSubscription({ eventType: "contact.propertyChange", propertyName: `p${i}` });
      await assert.rejects(
        provider.create(await declare()),
        /already has 1000 subscriptions, HubSpot's limit is 1000 per app/,
      );
      assert.equal(standIn.count("POST /subscriptions"), 0);
    });

    it("surfaces HubSpot's own limit error with category and correlationId", async () => {
      const { standIn: small, baseUrl: smallUrl } = await startStandIn(1);
      try {
        small.seedSubscription({ eventType: "deal.creation" });
        const inputs = await checked(provider, { ...connection(smallUrl), eventType: "deal.deletion" });
        await assert.rejects(
          provider.create(inputs),
          (error: Error & { category?: string; correlationId?: string }) => {
            assert.match(
              error.message,
              /HTTP 400 VALIDATION_ERROR: This app already has the maximum of 1 subscriptions \(correlationId [0-9a-f-]{36}\)/,
            );
            assert.equal(error.category, "VALIDATION_ERROR");
            assert.match(error.correlationId ?? "", /^[0-9a-f-]{36}$/);
            return true;
          },
        );
      } finally {
        await small.stop();
      }
    });

    it("creates the opt-in company subscriptions on v3 and 2026-03, requests valid against HubSpot's specs", async () => {
      // The stand-in validates each request against HubSpot's own spec, whose SubscriptionCreateRequest.eventType enum
      // lists company.creation, company.propertyChange and company.deletion in both versions
      // (/work/shared/reference/hubspot/webhooks-v3.openapi.json, webhooks-2026-03.openapi.json).
      const versions = [
        { apiVersion: "v3" },
        { apiVersion: "2026-03", credentialKind: "oauthToken", credential: OAUTH_TOKEN },
      ];
      for (const version of versions) {
        standIn.reset();
        const specs = [
          { eventType: "company.creation" },
          { eventType: "company.propertyChange", propertyName: "industry" },
          { eventType: "company.deletion" },
        ];
        for (const spec of specs) {
          const { id } = await provider.create(await declare({ ...version, propertyName: undefined, ...spec }));
          const stored = standIn.subscriptions.get(id);
          assert.deepEqual(
            [stored?.eventType, stored?.propertyName, stored?.active],
            [spec.eventType, spec.propertyName, true],
          );
        }
        assert.ok(standIn.requestLog.every((r) => r.version === version.apiVersion));
        assert.deepEqual(standIn.requestRejections, []);
      }
    });

    it("every event type a trigger takes is a subscription type in both HubSpot specs", () => {
      for (const file of ["webhooks-v3.openapi.json", "webhooks-2026-03.openapi.json"]) {
        const spec = JSON.parse(readFileSync(join(HUBSPOT_SPEC_DIR, file), "utf8")) as {
          components: { schemas: { SubscriptionCreateRequest: { properties: { eventType: { enum: string[] } } } } };
        };
        const allowed = spec.components.schemas.SubscriptionCreateRequest.properties.eventType.enum;
        for (const type of EVENT_TYPES) assert.ok(allowed.includes(type), `${type} in ${file}`);
      }
    });

    it("works on the 2026-03 paths with an OAuth token sent as Bearer", async () => {
      const { id } = await provider.create(
        await declare({ apiVersion: "2026-03", credentialKind: "oauthToken", credential: OAUTH_TOKEN }),
      );
      assert.ok(standIn.subscriptions.has(id));
      assert.ok(standIn.requestLog.every((r) => r.version === "2026-03" && !r.url.includes("hapikey")));
      assert.deepEqual([...new Set(standIn.authKinds)], ["bearer"]);
    });

    it("sends a developer API key as the hapikey query parameter", async () => {
      await provider.create(await declare());
      assert.deepEqual([...new Set(standIn.authKinds)], ["hapikey"]);
    });

    it("reads the credential from the environment at call time when no input carries it", async () => {
      const inputs = await declare({ credential: undefined });
      delete inputs.credential;
      await assert.rejects(provider.create(inputs), /set HUBSPOT_DEVELOPER_API_KEY/);
      process.env.HUBSPOT_DEVELOPER_API_KEY = "dev-key-7c1f0e9a-secret";
      try {
        const { id } = await provider.create(inputs);
        assert.ok(standIn.subscriptions.has(id));
      } finally {
        delete process.env.HUBSPOT_DEVELOPER_API_KEY;
      }
    });

    it("fails with a clear 401 error that does not echo the credential", async () => {
      await assert.rejects(provider.create(await declare({ credential: "wrong-key-123" })), (error: Error) => {
        assert.match(error.message, /HTTP 401 INVALID_AUTHENTICATION/);
        assert.doesNotMatch(error.message, /wrong-key-123/);
        return true;
      });
    });
  });

  describe("read", () => {
    it("reports a subscription paused in HubSpot's UI as drift and Error", async () => {
      const { id, outs } = await provider.create(await declare());
      (standIn.subscriptions.get(id) as { active: boolean }).active = false;
      const read = await provider.read(id, outs);
      assert.equal(read.id, id);
      assert.equal(read.props?.active, false);
      assert.equal(read.props?.status, "Error");
      assert.match(String(read.props?.statusMessage), /paused in HubSpot although declared active/);
      assert.equal(standIn.writes(), 1, "read writes nothing");
    });

    it("reports a subscription deleted in HubSpot as gone (empty id)", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.subscriptions.delete(id);
      assert.equal((await provider.read(id, outs)).id, "");
    });
  });

  describe("update", () => {
    it("pauses one subscription with a single PATCH", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.resetCalls();
      const updated = await provider.update(id, outs, { ...(await declare()), active: false });
      assert.equal(standIn.subscriptions.get(id)?.active, false);
      assert.deepEqual(Object.fromEntries(standIn.calls), { "PATCH /subscriptions/{id}": 1 });
      assert.equal(updated.outs?.active, false);
    });

    it("sends several concurrent active changes as one batch/update", async () => {
      const created = [];
      for (const p of ["email", "phone", "city"])
        created.push(await provider.create(await declare({ propertyName: p })));
      standIn.resetCalls();
      await Promise.all(created.map(async (c) => provider.update(c.id, c.outs, { ...c.outs, active: false })));
      assert.deepEqual(Object.fromEntries(standIn.calls), { "POST /subscriptions/batch/update": 1 });
      assert.ok(created.every((c) => standIn.subscriptions.get(c.id)?.active === false));
    });

    it("splits more than 100 concurrent active changes into batches of 100", async () => {
      const base = await declare();
      const seeded = Array.from({ length: 150 }, (_, i) =>
        standIn.seedSubscription({ eventType: "contact.propertyChange", propertyName: `p${i}`, active: true }),
      );
      await Promise.all(
        seeded.map((sub) =>
          provider.update(
            sub.id,
            { ...base, propertyName: sub.propertyName, active: true },
            { ...base, propertyName: sub.propertyName, active: false },
          ),
        ),
      );
      assert.deepEqual(Object.fromEntries(standIn.calls), { "POST /subscriptions/batch/update": 2 });
      assert.ok(seeded.every((sub) => standIn.subscriptions.get(sub.id)?.active === false));
    });

    it("handles a 207 partial batch: the succeeded update lands, the failed one errors with HubSpot's reason", async () => {
      const a = await provider.create(await declare({ propertyName: "email" }));
      const b = await provider.create(await declare({ propertyName: "phone" }));
      standIn.failBatchIds.add(b.id);
      const [ok, failed] = await Promise.allSettled([
        provider.update(a.id, a.outs, { ...a.outs, active: false }),
        provider.update(b.id, b.outs, { ...b.outs, active: false }),
      ]);
      assert.equal(ok.status, "fulfilled");
      assert.equal(standIn.subscriptions.get(a.id)?.active, false);
      assert.equal(failed.status, "rejected");
      assert.match(
        String((failed as PromiseRejectedResult).reason),
        new RegExp(`subscription ${b.id} failed \\(HTTP 207\\) SUBSCRIPTION_ID_NOT_FOUND`),
      );
      assert.equal(standIn.subscriptions.get(b.id)?.active, true);
    });

    it("rotating the credential writes nothing to HubSpot", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.resetCalls();
      const updated = await provider.update(id, outs, {
        ...(await declare()),
        credentialKind: "oauthToken",
        credential: OAUTH_TOKEN,
      });
      assert.equal(standIn.calls.size, 0);
      assert.equal(updated.outs?.credential, OAUTH_TOKEN, "state keeps the new credential for the next delete");
    });
  });

  describe("replace", () => {
    it("another property on the same resource: the engine creates the new subscription, then deletes the old", async () => {
      const old = await provider.create(await declare());
      const news = await declare({ propertyName: "phone" });
      const diff = await provider.diff(old.id, old.outs, news);
      assert.deepEqual(diff.replaces, ["propertyName"]);
      standIn.resetCalls();
      const replacement = await provider.create(news);
      await provider.delete(old.id, old.outs);
      assert.deepEqual(Object.fromEntries(standIn.calls), {
        "GET /subscriptions": 1,
        "POST /subscriptions": 1,
        "DELETE /subscriptions/{id}": 1,
      });
      assert.deepEqual(
        [...standIn.subscriptions.values()].map((s) => [s.id, s.propertyName]),
        [[replacement.id, "phone"]],
      );
    });
  });

  describe("delete", () => {
    it("deletes its own subscription and leaves every other subscription of the app untouched", async () => {
      const foreign = standIn.seedSubscription({ eventType: "deal.creation", active: true });
      const before = JSON.stringify(foreign);
      const { id, outs } = await provider.create(await declare());
      await provider.delete(id, outs);
      assert.equal(standIn.subscriptions.has(id), false);
      assert.equal(JSON.stringify(standIn.subscriptions.get(foreign.id)), before);
      assert.equal(standIn.count("DELETE /subscriptions/{id}"), 1);
    });

    it("retains the subscription in HubSpot when retainOnDelete (zero calls)", async () => {
      const { id, outs } = await provider.create(await declare({ retainOnDelete: true }));
      standIn.resetCalls();
      await provider.delete(id, outs);
      assert.equal(standIn.subscriptions.has(id), true);
      assert.equal(standIn.calls.size, 0);
    });

    it("treats an already deleted subscription as deleted", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.subscriptions.delete(id);
      await provider.delete(id, outs);
      assert.equal(standIn.count("DELETE /subscriptions/{id}"), 1);
    });
  });
});
