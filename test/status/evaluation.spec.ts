import * as assert from "node:assert/strict";
import {
  evaluateTrigger,
  MIN_FAILURES,
  overallStatus,
  type DeliverySignals,
  type DispatchSignals,
  type IntakeSignals,
  type StatusSignals,
} from "../../contract/status-evaluation";
import { registrationDisagreements } from "../../components/status/hubspot-check";

const NOW = Date.UTC(2026, 11, 2, 6, 0, 0);
const MINUTE = 60_000;
const TRIGGER = { name: "deal-pipeline", eventTypes: ["deal.creation", "deal.propertyChange"] };

function delivery(over: Partial<DeliverySignals> = {}): DeliverySignals {
  return {
    eventType: "deal.creation",
    portalId: "123",
    verified: 10,
    publishFailures: 0,
    firstVerifiedAt: NOW - 60 * MINUTE,
    lastVerifiedAt: NOW - MINUTE,
    window: { verified: 4, publishFailures: 0 },
    ...over,
  };
}

function intake(window: Partial<IntakeSignals["window"]> = {}, over: Partial<IntakeSignals> = {}): IntakeSignals {
  return {
    verifiedRequests: 10,
    signatureRejected: 0,
    deadLettered: 0,
    window: { verifiedRequests: 4, signatureRejected: 0, ...window },
    ...over,
  };
}

function dispatch(over: Partial<DispatchSignals> = {}): DispatchSignals {
  return {
    trigger: "deal-pipeline",
    portalId: "123",
    executed: 10,
    failed: 0,
    deadLettered: 0,
    window: { executed: 4, failed: 0 },
    ...over,
  };
}

function signals(over: Partial<StatusSignals> = {}): StatusSignals {
  return { readAt: NOW, deliveries: [], dispatches: [], ...over };
}

describe("status evaluation", () => {
  it("is Creating while no verified delivery of its event types was accepted", () => {
    const status = evaluateTrigger(TRIGGER, signals({ intake: intake() }));
    assert.equal(status.state, "Creating");
    assert.equal(status.since, undefined);
    assert.match(status.reasons[0], /no verified HubSpot delivery of deal.creation, deal.propertyChange yet/);
  });

  it("stays Creating when only other event types were delivered", () => {
    const status = evaluateTrigger(TRIGGER, signals({ deliveries: [delivery({ eventType: "contact.creation" })] }));
    assert.equal(status.state, "Creating");
  });

  it("is Active since the first verified delivery of one of its types, across portals", () => {
    const status = evaluateTrigger(
      TRIGGER,
      signals({
        deliveries: [
          delivery({ portalId: "123", firstVerifiedAt: NOW - 30 * MINUTE, lastVerifiedAt: NOW - 2 * MINUTE }),
          delivery({
            eventType: "deal.propertyChange",
            portalId: "456",
            firstVerifiedAt: NOW - 90 * MINUTE,
            lastVerifiedAt: NOW - MINUTE,
          }),
        ],
        dispatches: [dispatch({ deadLettered: 2 })],
      }),
    );
    assert.equal(status.state, "Active");
    assert.equal(status.since, NOW - 90 * MINUTE);
    assert.equal(status.lastVerifiedAt, NOW - MINUTE);
    assert.equal(status.deadLetters, 2);
    assert.deepEqual(status.portals, ["123", "456"]);
  });

  it("is Error for every trigger when signature rejections dominate the window", () => {
    const status = evaluateTrigger(
      TRIGGER,
      signals({
        deliveries: [delivery()],
        intake: intake(
          { verifiedRequests: 1, signatureRejected: 5, firstRejectedAt: NOW - 10 * MINUTE },
          { lastRejectReason: "signature-mismatch", lastRejectedAt: NOW - MINUTE },
        ),
      }),
    );
    assert.equal(status.state, "Error");
    assert.equal(status.since, NOW - 10 * MINUTE);
    assert.match(status.reasons[0], /signature rejections dominate: 5 of 6 requests .*last: signature-mismatch/);
    assert.equal(status.lastError, "signature: signature-mismatch");
  });

  it("does not turn Error on a few rejections, nor on rejections outnumbered by verified requests", () => {
    const few = intake({ verifiedRequests: 0, signatureRejected: MIN_FAILURES - 1 });
    const outnumbered = intake({ verifiedRequests: 20, signatureRejected: 19 });
    for (const i of [few, outnumbered]) {
      assert.equal(evaluateTrigger(TRIGGER, signals({ deliveries: [delivery()], intake: i })).state, "Active");
    }
  });

  it("is Error when publish failures of its types are at least the events published", () => {
    const status = evaluateTrigger(
      TRIGGER,
      signals({
        deliveries: [
          delivery({
            window: { verified: 3, publishFailures: 3, firstFailureAt: NOW - 5 * MINUTE },
            lastPublishFailureAt: NOW - MINUTE,
            lastPublishError: "14 UNAVAILABLE",
          }),
        ],
      }),
    );
    assert.equal(status.state, "Error");
    assert.match(status.reasons[0], /publish failures dominate: 3 of 6 events/);
    assert.equal(status.lastError, "publish: 14 UNAVAILABLE");
    assert.equal(status.since, NOW - 5 * MINUTE);
  });

  it("ignores publish failures of other event types", () => {
    const other = delivery({ eventType: "contact.creation", window: { verified: 0, publishFailures: 9 } });
    assert.equal(evaluateTrigger(TRIGGER, signals({ deliveries: [delivery(), other] })).state, "Active");
  });

  it("is Error when its dispatches keep failing, and only its own", () => {
    const failing = dispatch({
      window: { executed: 1, failed: 4, firstFailureAt: NOW - 12 * MINUTE },
      lastFailedAt: NOW - MINUTE,
      lastError: "http-500: integration failed",
    });
    const status = evaluateTrigger(TRIGGER, signals({ deliveries: [delivery()], dispatches: [failing] }));
    assert.equal(status.state, "Error");
    assert.match(status.reasons[0], /dispatches keep failing: 4 of 5 executions/);
    assert.equal(status.lastError, "dispatch: http-500: integration failed");
    const someoneElse = evaluateTrigger(
      { name: "other", eventTypes: ["deal.creation"] },
      signals({ deliveries: [delivery()], dispatches: [failing] }),
    );
    assert.equal(someoneElse.state, "Active");
  });

  it("does not turn Error when failures equal successes (a flaky integration, not a broken one)", () => {
    const even = dispatch({ window: { executed: 4, failed: 4 } });
    assert.equal(evaluateTrigger(TRIGGER, signals({ deliveries: [delivery()], dispatches: [even] })).state, "Active");
  });

  it("is Error when HubSpot disagrees with the stack for one of its event types, even before any delivery", () => {
    const status = evaluateTrigger(TRIGGER, signals(), [
      { eventType: "deal.creation", problem: "subscription 7 is paused in HubSpot" },
      { eventType: "contact.creation", problem: "subscription 8 is paused in HubSpot" },
    ]);
    assert.equal(status.state, "Error");
    assert.deepEqual(status.reasons, ["HubSpot: deal.creation subscription 7 is paused in HubSpot"]);
  });

  it("lists every reason, the first deciding since", () => {
    const status = evaluateTrigger(
      TRIGGER,
      signals({
        deliveries: [delivery()],
        intake: intake({ verifiedRequests: 0, signatureRejected: 3, firstRejectedAt: NOW - 3 * MINUTE }),
        dispatches: [dispatch({ window: { executed: 0, failed: 3, firstFailureAt: NOW - 14 * MINUTE } })],
      }),
    );
    assert.equal(status.reasons.length, 2);
    assert.equal(status.since, NOW - 3 * MINUTE);
  });

  it("shows an Active trigger's last error as history, the most recent one", () => {
    const status = evaluateTrigger(
      TRIGGER,
      signals({
        deliveries: [delivery({ lastPublishError: "old", lastPublishFailureAt: NOW - 50 * MINUTE })],
        dispatches: [dispatch({ lastError: "recent", lastFailedAt: NOW - 5 * MINUTE })],
      }),
    );
    assert.equal(status.state, "Active");
    assert.equal(status.lastError, "dispatch: recent");
    assert.equal(status.lastErrorAt, NOW - 5 * MINUTE);
  });

  it("rolls triggers up: Error beats Creating beats Active", () => {
    const active = evaluateTrigger(TRIGGER, signals({ deliveries: [delivery()] }));
    const creating = evaluateTrigger({ name: "c", eventTypes: ["contact.deletion"] }, signals());
    assert.equal(overallStatus([active]).status, "Active");
    assert.equal(overallStatus([active, creating]).status, "Creating");
    assert.match(overallStatus([active, creating]).statusMessage, /^c: no verified HubSpot delivery/);
    assert.equal(overallStatus([]).status, "Creating");
  });
});

describe("HubSpot subscriptions against the stack (api mode)", () => {
  const declared = { "deal.creation": "1", "contact.propertyChange/email": "2", "deal.deletion": "3" };
  const at = "2026-12-01T00:00:00Z";

  it("agrees when every declared subscription exists, matches and is active", () => {
    const actual = [
      { id: "1", eventType: "deal.creation", active: true, createdAt: at },
      { id: "2", eventType: "contact.propertyChange", propertyName: "email", active: true, createdAt: at },
      { id: "3", eventType: "deal.deletion", active: true, createdAt: at },
      { id: "9", eventType: "contact.creation", active: true, createdAt: at },
    ];
    assert.deepEqual(registrationDisagreements(declared, actual), []);
  });

  it("names a missing, a paused and a changed subscription by event type", () => {
    const actual = [
      { id: "2", eventType: "contact.propertyChange", propertyName: "phone", active: true, createdAt: at },
      { id: "3", eventType: "deal.deletion", active: false, createdAt: at },
    ];
    assert.deepEqual(registrationDisagreements(declared, actual), [
      { eventType: "deal.creation", problem: "subscription 1 no longer exists in HubSpot: nothing is delivered" },
      {
        eventType: "contact.propertyChange",
        problem: "subscription 2 (email) is contact.propertyChange/phone in HubSpot",
      },
      { eventType: "deal.deletion", problem: "subscription 3 is paused in HubSpot" },
    ]);
  });
});
