import assert from "node:assert/strict";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { APP_ID, DEVELOPER_API_KEY, OAUTH_TOKEN, startStandIn } from "./support";

/** The stand-in itself: it must refuse what HubSpot's spec refuses, or the provider tests prove nothing. */
describe("HubSpot webhooks stand-in (validated against HubSpot's OpenAPI specs)", () => {
  let standIn: HubSpotWebhooksStandIn;
  let baseUrl: string;
  before(async () => ({ standIn, baseUrl } = await startStandIn()));
  after(() => standIn.stop());
  beforeEach(() => standIn.reset());

  async function call(
    method: string,
    path: string,
    body?: unknown,
    auth: Record<string, string> = {},
    query = `?hapikey=${DEVELOPER_API_KEY}`,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${baseUrl}${path}${query}`, {
      method,
      headers: { "content-type": "application/json", ...auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  it("rejects an event type outside the spec's enum", async () => {
    const answer = await call("POST", `/webhooks/v3/${APP_ID}/subscriptions`, {
      eventType: "contact.created",
      active: true,
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.category, "VALIDATION_ERROR");
    assert.match(String(answer.body.message), /eventType must be equal to one of the allowed values/);
  });

  it("requires active on 2026-03 creates, defaults it to false on v3", async () => {
    assert.equal(
      (await call("POST", `/webhooks/2026-03/${APP_ID}/subscriptions`, { eventType: "deal.creation" })).status,
      400,
    );
    const v3 = await call("POST", `/webhooks/v3/${APP_ID}/subscriptions`, { eventType: "deal.creation" });
    assert.equal(v3.status, 201);
    assert.equal(v3.body.active, false);
    assert.equal(typeof v3.body.id, "string", "ids are strings in responses");
  });

  it("requires integer ids in batch inputs and paths", async () => {
    const created = await call("POST", `/webhooks/v3/${APP_ID}/subscriptions`, {
      eventType: "deal.creation",
      active: true,
    });
    assert.equal(
      (
        await call("POST", `/webhooks/v3/${APP_ID}/subscriptions/batch/update`, {
          inputs: [{ id: String(created.body.id), active: false }],
        })
      ).status,
      400,
    );
    assert.equal((await call("PATCH", `/webhooks/v3/${APP_ID}/subscriptions/abc`, { active: false })).status, 400);
    assert.equal(
      (await call("PATCH", `/webhooks/v3/${APP_ID}/subscriptions/${created.body.id}`, { active: false })).status,
      200,
    );
  });

  it("requires targetUrl and throttling on settings", async () => {
    assert.equal(
      (await call("PUT", `/webhooks/v3/${APP_ID}/settings`, { targetUrl: "https://x.example.com" })).status,
      400,
    );
    assert.equal(
      (
        await call("PUT", `/webhooks/v3/${APP_ID}/settings`, {
          targetUrl: "https://x.example.com",
          throttling: { maxConcurrentRequests: 10 },
        })
      ).status,
      200,
    );
  });

  it("authenticates a developer API key as hapikey and an OAuth token as Bearer, nothing else", async () => {
    const path = `/webhooks/v3/${APP_ID}/subscriptions`;
    assert.equal((await call("GET", path, undefined, {}, "")).status, 401);
    assert.equal((await call("GET", path, undefined, {}, "?hapikey=wrong")).status, 401);
    assert.equal(
      (await call("GET", path, undefined, { authorization: `Bearer ${DEVELOPER_API_KEY}` }, "")).status,
      401,
    );
    assert.equal((await call("GET", path, undefined, { authorization: `Bearer ${OAUTH_TOKEN}` }, "")).status, 200);
    assert.equal((await call("GET", path)).status, 200);
    assert.deepEqual(standIn.authKinds, ["bearer", "hapikey"]);
  });

  it("refuses another developer's app", async () => {
    const answer = await call("GET", `/webhooks/v3/7/subscriptions`);
    assert.equal(answer.status, 403);
    assert.match(String(answer.body.correlationId), /^[0-9a-f-]{36}$/);
  });

  it("injects 429 with the given headers, then answers normally", async () => {
    standIn.inject({ status: 429, count: 1, headers: { "Retry-After": "3" } });
    const first = await fetch(`${baseUrl}/webhooks/v3/${APP_ID}/settings?hapikey=${DEVELOPER_API_KEY}`);
    assert.equal(first.status, 429);
    assert.equal(first.headers.get("retry-after"), "3");
    assert.equal((await call("GET", `/webhooks/v3/${APP_ID}/settings`)).status, 404, "no settings yet");
  });

  it("validates its own answers: a corrupted record is reported as a response violation", async () => {
    standIn.seedSubscription({ eventType: "deal.creation" });
    await call("GET", `/webhooks/v3/${APP_ID}/subscriptions`);
    assert.deepEqual(standIn.responseViolations, []);
    standIn.seedSubscription({ eventType: "deal.exploded" });
    await call("GET", `/webhooks/v3/${APP_ID}/subscriptions`);
    assert.equal(standIn.responseViolations.length, 1);
    assert.match(standIn.responseViolations[0], /eventType must be equal to one of the allowed values/);
  });

  it("answers batch/update with 207 and HubSpot's error shape for unknown ids", async () => {
    const created = await call("POST", `/webhooks/v3/${APP_ID}/subscriptions`, {
      eventType: "deal.creation",
      active: true,
    });
    const answer = await call("POST", `/webhooks/v3/${APP_ID}/subscriptions/batch/update`, {
      inputs: [
        { id: Number(created.body.id), active: false },
        { id: 999999, active: false },
      ],
    });
    assert.equal(answer.status, 207);
    assert.equal((answer.body.results as unknown[]).length, 1);
    assert.deepEqual((answer.body.errors as { context: unknown }[])[0].context, { subscriptionIds: ["999999"] });
    assert.deepEqual(standIn.responseViolations, []);
  });

  it("counts calls per endpoint", async () => {
    await call("GET", `/webhooks/v3/${APP_ID}/subscriptions`);
    await call("GET", `/webhooks/2026-03/${APP_ID}/subscriptions`);
    await call("DELETE", `/webhooks/v3/${APP_ID}/subscriptions/5`);
    assert.deepEqual(Object.fromEntries(standIn.calls), { "GET /subscriptions": 2, "DELETE /subscriptions/{id}": 1 });
    assert.equal(standIn.writes(), 1);
  });
});
