import * as assert from "node:assert/strict";
import { Timestamp, type Firestore } from "@google-cloud/firestore";
import { createDispatcher, type Dispatcher } from "../../runtime/dispatcher";
import type { ExecutionOutcome } from "../../runtime/dispatcher/integration-client";
import { captureLogs } from "../../runtime/shared/log";
import { createStatusFirestore } from "../../runtime/shared/status/firestore-writer";
import { BUCKET_MS, BUCKET_TTL_MS, bucketStart } from "../../contract/status-store";
import { evaluateTriggers } from "../../contract/status-evaluation";
import { readStatusSignals } from "../../components/status/read-signals";
import { liveStatusProvider, type LiveStatusState } from "../../components/status/live-status";
import { batchJson, sampleEvents } from "../../testing/sample-events";
import { startFirestoreEmulatorOrSkip, type FirestoreEmulator } from "../../testing/firestore-emulator";
import { postSigned, RecordingSink, startTestListener, type TestListener } from "../listener/support/fixtures";
import { DEAL_TRIGGER, post, pushEnvelope, samplePayload, testConfig } from "../dispatcher/helpers";

const PROJECT = "status-project";
const DATABASE = "status-test";
const PORTAL = 4711n;

describe("status store on the Firestore emulator", function () {
  let emulator: FirestoreEmulator | undefined;
  let db: Firestore;
  let clock = Date.now();
  const now = () => clock;

  before(async function () {
    emulator = await startFirestoreEmulatorOrSkip(this);
    db = createStatusFirestore({ projectId: PROJECT, databaseId: DATABASE, emulatorHost: emulator.host });
  });
  after(async () => {
    await db?.terminate();
    await emulator?.stop();
  });
  beforeEach(async () => {
    await emulator?.clear(PROJECT, DATABASE);
    clock = Date.now();
  });

  const env = () => ({
    GOOGLE_CLOUD_PROJECT: PROJECT,
    STATUS_DATABASE: DATABASE,
    FIRESTORE_EMULATOR_HOST: emulator!.host,
    STATUS_FLUSH_SECONDS: "60",
  });
  const document = async (path: string) => (await db.doc(path).get()).data();

  describe("a real listener handling signed deliveries", () => {
    let listener: TestListener;
    let sink: RecordingSink;
    beforeEach(async () => {
      sink = new RecordingSink();
      listener = await startTestListener(env(), sink, now);
    });
    afterEach(() => listener.listener.close());

    const deliver = (type: "deal.creation" | "contact.creation", count: number, options = {}) =>
      postSigned(listener.url, batchJson(sampleEvents(type, count, { portalId: PORTAL, now: clock++ })), {
        timestamp: clock,
        ...options,
      });

    it("writes verified events per event type and portal, the intake counts, the window and the first delivery", async () => {
      assert.equal((await deliver("deal.creation", 3)).status, 204);
      assert.equal((await deliver("deal.creation", 2)).status, 204);
      const dealsAt = clock;
      assert.equal((await deliver("contact.creation", 1)).status, 204);
      assert.equal((await deliver("deal.creation", 1, { secret: "a-rotated-secret-value" })).status, 401);
      const unsigned = await fetch(listener.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "[]",
      });
      assert.equal(unsigned.status, 401);
      const recordedAt = clock;
      await listener.listener.statusRecorder!.flushDue();

      const deals = await document("deliveries/deal.creation~4711");
      assert.deepEqual(
        { ...deals, updatedAt: undefined },
        { eventType: "deal.creation", portalId: "4711", verified: 5, lastVerifiedAt: dealsAt, updatedAt: undefined },
      );
      assert.equal((await document("deliveries/contact.creation~4711"))?.verified, 1);
      const intake = await document("intake/listener");
      assert.equal(intake?.verifiedRequests, 3);
      assert.equal(intake?.signatureRejected, 1, "the unsigned request is a scanner, not a wrong secret");
      assert.equal(intake?.lastRejectReason, "signature-mismatch");

      const bucket = bucketStart(recordedAt);
      const window = await document(`deliveries/deal.creation~4711/windows/${bucket}`);
      assert.equal(window?.verified, 5);
      assert.equal(window?.bucketStart, bucket);
      assert.ok((window?.expireAt as Timestamp).isEqual(Timestamp.fromMillis(bucket + BUCKET_TTL_MS)));
      assert.ok((await db.doc("deliveries/deal.creation~4711/first/verified").get()).exists);
    });

    it("writes each document at most once per interval, then adds with increments", async () => {
      await deliver("deal.creation", 2);
      await listener.listener.statusRecorder!.flushDue();
      const first = await document("deliveries/deal.creation~4711");
      await deliver("deal.creation", 2);
      await listener.listener.statusRecorder!.flushDue();
      assert.deepEqual(await document("deliveries/deal.creation~4711"), first, "within the interval: no write");
      clock += 60_000;
      await deliver("deal.creation", 1);
      await listener.listener.statusRecorder!.flushDue();
      assert.equal((await document("deliveries/deal.creation~4711"))?.verified, 5);
    });

    it("counts publish failures per event type with the error, and keeps the first delivery's time", async () => {
      await deliver("deal.creation", 1);
      await listener.listener.statusRecorder!.flushDue();
      const firstAt = (await document("deliveries/deal.creation~4711/first/verified"))?.at as number;
      sink.failing = true;
      clock += 60_000;
      assert.equal((await deliver("deal.creation", 4)).status, 503);
      await listener.listener.statusRecorder!.flushDue();
      const deals = await document("deliveries/deal.creation~4711");
      assert.equal(deals?.publishFailures, 4);
      assert.equal(deals?.lastPublishError, "publish failed (test)");
      assert.equal((await document("deliveries/deal.creation~4711/first/verified"))?.at, firstAt);
    });

    it("writes what is left when the listener stops", async () => {
      await deliver("deal.creation", 1);
      await listener.listener.statusRecorder!.flushDue();
      await deliver("deal.creation", 1);
      await listener.listener.close();
      assert.equal((await document("deliveries/deal.creation~4711"))?.verified, 2);
    });
  });

  describe("a real dispatcher executing pushes", () => {
    let dispatcher: Dispatcher;
    let url: string;
    let outcome: ExecutionOutcome;
    const { logger } = captureLogs("ERROR");
    beforeEach(async () => {
      outcome = { kind: "success", httpStatus: 200, executionId: "e-1" };
      dispatcher = createDispatcher({
        config: testConfig({
          status: { databaseId: DATABASE, projectId: PROJECT, flushIntervalMs: 60_000, emulatorHost: emulator!.host },
          maxDeliveryAttempts: 5,
        }),
        executor: { execute: async () => outcome },
        deadLetter: async () => "dead-letter-id",
        logger,
        now,
      });
      url = `http://127.0.0.1:${await dispatcher.listen(0)}/pubsub/push`;
    });
    afterEach(() => dispatcher.close());

    it("writes executions, failures with the last error and dead letters per trigger and portal", async () => {
      const push = () => post(url, pushEnvelope(samplePayload({ portalId: "4711" })));
      assert.equal((await push()).status, 204);
      outcome = { kind: "transient", reason: "http-503", detail: "integrations unavailable", httpStatus: 503 };
      assert.equal((await push()).status, 503);
      outcome = { kind: "permanent", reason: "http-400", detail: "bad input", httpStatus: 400 };
      assert.equal((await push()).status, 204);
      await dispatcher.statusRecorder!.flushDue();
      const doc = await document(`dispatches/${DEAL_TRIGGER.name}~4711`);
      assert.equal(doc?.executed, 1);
      assert.equal(doc?.failed, 2);
      assert.equal(doc?.deadLettered, 1);
      assert.equal(doc?.lastError, "http-400: bad input");
      assert.equal(doc?.trigger, DEAL_TRIGGER.name);
    });

    it("counts a failure on the subscription's last delivery attempt as a dead letter: Pub/Sub forwards it there", async () => {
      outcome = { kind: "transient", reason: "http-503", detail: "integrations unavailable", httpStatus: 503 };
      const push = (deliveryAttempt: number) =>
        post(url, pushEnvelope(samplePayload({ portalId: "4712" }), { deliveryAttempt }));
      // Attempt 4 fails and Pub/Sub redelivers; attempt 5 of 5 fails and Pub/Sub dead-letters: one dead letter.
      assert.equal((await push(4)).status, 503);
      assert.equal((await push(5)).status, 503);
      await dispatcher.statusRecorder!.flushDue();
      const doc = await document(`dispatches/${DEAL_TRIGGER.name}~4712`);
      assert.equal(doc?.failed, 2);
      assert.equal(doc?.deadLettered, 1);
    });
  });

  describe("read back and judged", () => {
    it("turns the store's documents into each trigger's state", async () => {
      const sink = new RecordingSink();
      const listener = await startTestListener(env(), sink, now);
      try {
        const body = batchJson(sampleEvents("deal.creation", 2, { portalId: PORTAL, now: clock }));
        assert.equal((await postSigned(listener.url, body, { timestamp: clock })).status, 204);
        for (let i = 0; i < 3; i++) {
          const bad = batchJson(sampleEvents("deal.creation", 1, { portalId: PORTAL, now: clock + 1 + i }));
          await postSigned(listener.url, bad, { timestamp: clock, secret: "a-rotated-secret-value" });
        }
        await listener.listener.statusRecorder!.flushDue();
      } finally {
        await listener.listener.close();
      }
      const signals = await readStatusSignals(db, clock + BUCKET_MS / 5);
      const [deals, contacts] = evaluateTriggers(
        [
          { name: "deals", eventTypes: ["deal.creation"] },
          { name: "contacts", eventTypes: ["contact.creation"] },
        ],
        signals,
      );
      assert.equal(deals.state, "Error", "3 rejections against 1 verified request: a wrong or rotated secret");
      assert.match(deals.reasons[0], /signature rejections dominate: 3 of 4 requests/);
      assert.equal(deals.lastVerifiedAt, clock);
      assert.equal(contacts.state, "Error");
      const later = await readStatusSignals(db, clock + 4 * BUCKET_MS);
      const [recovered] = evaluateTriggers([{ name: "deals", eventTypes: ["deal.creation"] }], later);
      assert.equal(recovered.state, "Active", "out of the window, the rejections no longer count");
      assert.ok(recovered.since !== undefined && recovered.since <= clock);
    });
  });

  describe("the LiveStatus resource's provider (what pulumi refresh runs)", () => {
    const inputs = {
      projectId: PROJECT,
      databaseId: DATABASE,
      triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
    };
    // The provider reads with the credentials and emulator of wherever Pulumi runs: here, the environment.
    beforeEach(() => (process.env.FIRESTORE_EMULATOR_HOST = emulator!.host));
    afterEach(() => delete process.env.FIRESTORE_EMULATOR_HOST);

    it("creates as Creating, and a refresh's read turns Active once the store holds a verified delivery", async () => {
      const created = await liveStatusProvider.create(inputs);
      const state = created.outs as LiveStatusState;
      assert.equal(state.status, "Creating");
      assert.match(state.statusMessage, /^deals: no verified HubSpot delivery of deal.creation yet$/);

      const sink = new RecordingSink();
      const listener = await startTestListener(env(), sink, Date.now);
      try {
        const body = batchJson(sampleEvents("deal.creation", 1, { portalId: PORTAL }));
        assert.equal((await postSigned(listener.url, body)).status, 204);
        await listener.listener.statusRecorder!.flushDue();
      } finally {
        await listener.listener.close();
      }
      const refreshed = await liveStatusProvider.read!(created.id, state);
      const after = refreshed.props as LiveStatusState;
      assert.equal(refreshed.id, `${PROJECT}/${DATABASE}`);
      assert.equal(after.status, "Active");
      assert.deepEqual(
        after.triggerStates.map((t) => [t.name, t.state]),
        [["deals", "Active"]],
      );
      const diff = await liveStatusProvider.diff!(created.id, after, inputs);
      assert.equal(diff.changes, false, "a status that moved is state, not a change for pulumi up to make");
      const edited = { ...inputs, triggers: [{ name: "deals", eventTypes: ["deal.creation", "deal.deletion"] }] };
      assert.equal((await liveStatusProvider.diff!(created.id, after, edited)).changes, true);
    });
  });
});
