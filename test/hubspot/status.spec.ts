import assert from "node:assert/strict";
import { combineStatuses, settingsStatus, subscriptionStatus } from "../../components/hubspot/status";
import type { HubSpotSettings } from "../../components/hubspot/types";
import { LISTENER_URL } from "./support";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const settings = (overrides: Partial<HubSpotSettings> = {}): HubSpotSettings => ({
  targetUrl: LISTENER_URL,
  throttling: { maxConcurrentRequests: 10 },
  createdAt: "2026-11-01T00:00:00Z",
  updatedAt: "2026-11-28T11:00:00Z",
  ...overrides,
});
const declared = { targetUrl: LISTENER_URL, maxConcurrentRequests: 10 };

describe("hubspot registration status", () => {
  it("settings: Active when they point at the listener, settled, and /readyz answers", () => {
    const ready = { reachable: true, ok: true, detail: "answered HTTP 200" };
    assert.equal(settingsStatus(declared, settings(), ready, NOW).status, "Active");
  });
  it("settings: Creating within HubSpot's 5-minute propagation", () => {
    const report = settingsStatus(declared, settings({ updatedAt: "2026-11-28T11:58:00Z" }), undefined, NOW);
    assert.equal(report.status, "Creating");
  });
  it("settings: Error when missing or pointing elsewhere", () => {
    assert.equal(settingsStatus(declared, undefined, undefined, NOW).status, "Error");
    assert.match(
      settingsStatus(declared, settings({ targetUrl: "https://n8n.example.com/hook" }), undefined, NOW).statusMessage,
      /delivers to https:\/\/n8n.example.com\/hook, not to the listener/,
    );
  });
  it("settings: mentions throttling drift without failing", () => {
    const report = settingsStatus(declared, settings({ throttling: { maxConcurrentRequests: 50 } }), undefined, NOW);
    assert.equal(report.status, "Active");
    assert.match(report.statusMessage, /maxConcurrentRequests is 50 in HubSpot, 10 declared/);
  });
  it("subscription: Active only when it exists and is active", () => {
    const sub = { id: "7", eventType: "deal.creation", active: true, createdAt: "2026-01-01T00:00:00Z" };
    assert.equal(subscriptionStatus(true, sub).status, "Active");
    assert.equal(subscriptionStatus(true, { ...sub, active: false }).status, "Error");
    assert.equal(subscriptionStatus(true, undefined).status, "Error");
  });
  it("combined: the worst part wins and its message names the part", () => {
    const active = { status: "Active" as const, statusMessage: "ok" };
    assert.deepEqual(
      combineStatuses([
        { name: "settings", report: active },
        { name: "deal.creation", report: active },
      ]),
      {
        status: "Active",
        statusMessage: "2 HubSpot resources active",
      },
    );
    const combined = combineStatuses([
      { name: "settings", report: { status: "Creating", statusMessage: "propagating" } },
      { name: "deal.creation", report: { status: "Error", statusMessage: "paused" } },
    ]);
    assert.deepEqual(combined, { status: "Error", statusMessage: "deal.creation: paused" });
  });
});
