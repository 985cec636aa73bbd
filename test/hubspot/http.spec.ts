import assert from "node:assert/strict";
import {
  hubspotRequest,
  redact,
  retryDelayMs,
  type HubSpotApiError,
  type RetryPolicy,
} from "../../components/hubspot/http";
import type { ApiTarget } from "../../components/hubspot/types";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { APP_ID, DEVELOPER_API_KEY, startStandIn } from "./support";

const POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 60_000 };
const FAST: RetryPolicy = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 };

function headers(values: Record<string, string>): (name: string) => string | null {
  return (name) => values[name] ?? null;
}

describe("hubspot http: retries, rate limits, errors", () => {
  describe("retryDelayMs", () => {
    it("backs off exponentially without hints", () => {
      assert.deepEqual(
        [1, 2, 3].map((a) => retryDelayMs(a, headers({}), POLICY)),
        [500, 1000, 2000],
      );
    });
    it("honours Retry-After in seconds", () => {
      assert.equal(retryDelayMs(1, headers({ "retry-after": "7" }), POLICY), 7000);
    });
    it("lets Retry-After win over the exponential backoff of later attempts", () => {
      assert.equal(retryDelayMs(5, headers({ "retry-after": "1" }), POLICY), 1000);
      assert.equal(retryDelayMs(5, headers({}), POLICY), 8000);
    });
    it("honours Retry-After as an HTTP date", () => {
      const now = Date.parse("2026-01-01T00:00:00Z");
      assert.equal(retryDelayMs(1, headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), POLICY, now), 3000);
    });
    it("waits HubSpot's rolling window when X-HubSpot-RateLimit-Remaining is 0", () => {
      const hint = headers({
        "x-hubspot-ratelimit-remaining": "0",
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
      });
      assert.equal(retryDelayMs(1, hint, POLICY), 10_000);
    });
    it("waits a second when the secondly budget is spent", () => {
      assert.equal(retryDelayMs(1, headers({ "x-hubspot-ratelimit-secondly-remaining": "0" }), POLICY), 1000);
    });
    it("ignores the window while requests remain, and never waits past maxDelayMs", () => {
      assert.equal(retryDelayMs(1, headers({ "x-hubspot-ratelimit-remaining": "3" }), POLICY), 500);
      assert.equal(retryDelayMs(1, headers({ "retry-after": "3600" }), POLICY), 60_000);
    });
  });

  it("redact removes the credential and any hapikey parameter", () => {
    assert.equal(
      redact("GET http://h/x?hapikey=abc&y=1 with abc", "abc"),
      "GET http://h/x?hapikey=[redacted]&y=1 with [redacted]",
    );
  });

  describe("hubspotRequest against the stand-in", () => {
    let standIn: HubSpotWebhooksStandIn;
    let target: ApiTarget;
    before(async () => {
      const started = await startStandIn();
      standIn = started.standIn;
      target = {
        baseUrl: started.baseUrl,
        apiVersion: "v3",
        appId: APP_ID,
        credentialKind: "developerApiKey",
        credential: DEVELOPER_API_KEY,
      };
    });
    after(() => standIn.stop());
    beforeEach(() => standIn.reset());

    it("waits what Retry-After says on 429, then succeeds", async () => {
      standIn.inject({ status: 429, count: 1, headers: { "Retry-After": "1" } });
      const started = Date.now();
      const response = await hubspotRequest(target, "GET", "/subscriptions", { policy: { ...FAST, maxDelayMs: 5000 } });
      assert.equal(response.status, 200);
      assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms, Retry-After said 1 s`);
      assert.equal(standIn.count("GET /subscriptions"), 2);
    });

    it("retries 5xx and gives up after maxAttempts with status, category and correlationId", async () => {
      standIn.inject({ status: 503, count: 10 });
      await assert.rejects(hubspotRequest(target, "GET", "/settings", { policy: FAST }), (error: HubSpotApiError) => {
        assert.equal(error.status, 503);
        assert.equal(error.category, "INTERNAL_ERROR");
        assert.match(error.correlationId ?? "", /^[0-9a-f-]{36}$/);
        assert.match(
          error.message,
          /HubSpot GET \/webhooks\/v3\/424242\/settings failed: HTTP 503 INTERNAL_ERROR: injected 503 \(correlationId /,
        );
        return true;
      });
      assert.equal(standIn.count("GET /settings"), FAST.maxAttempts);
    });

    it("does not retry a 4xx other than 429", async () => {
      await assert.rejects(
        hubspotRequest(target, "POST", "/subscriptions", { body: { eventType: "nope" }, policy: FAST }),
        /HTTP 400 VALIDATION_ERROR/,
      );
      assert.equal(standIn.count("POST /subscriptions"), 1);
      assert.equal(standIn.requestRejections.length, 1, "the stand-in validated the body against the spec");
    });

    it("never puts the developer API key in a network error", async () => {
      const unreachable = { ...target, baseUrl: "http://127.0.0.1:9" };
      await assert.rejects(hubspotRequest(unreachable, "GET", "/settings", { policy: FAST }), (error: Error) => {
        assert.match(error.message, /failed after 3 attempts/);
        assert.doesNotMatch(error.message, new RegExp(DEVELOPER_API_KEY));
        return true;
      });
    });
  });
});
