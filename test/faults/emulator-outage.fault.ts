// Fault: the Pub/Sub emulator dies in the middle of a stream of HubSpot deliveries. The listener must answer 503 with
// Retry-After for what it could not publish and acknowledge nothing unpublished; HubSpot's retries (simulated) must
// get every event through once Pub/Sub is back: zero loss, duplicates under the same dedupKey.
//
// The emulator forgets everything on restart, messages included. So the kill happens at a quiet instant: new
// deliveries are held, the recorder must have every event answered 2xx so far (lost answers included), then the
// emulator is killed and the deliveries resume against it. Nothing acknowledged can vanish with its memory unnoticed.
import assert from "node:assert/strict";
import { captureLogs } from "../../runtime/shared/log";
import { startListener, type RunningListener } from "../../runtime/listener";
import {
  createTopics,
  distinctBatches,
  HubSpotRetrier,
  isAccepted,
  TopicRecorder,
  waitFor,
  faultSuite,
  listenerOnEmulator,
} from "./support";

const BATCHES = 60;
const EVENTS_PER_BATCH = 20;

describe("fault: Pub/Sub emulator killed mid-stream", function () {
  this.timeout(120_000);
  const suite = faultSuite();
  let listener: RunningListener | undefined;

  suite.closeBeforeStop(async () => {
    await listener?.close();
  });

  it("answers 503 + Retry-After while Pub/Sub is down, acknowledges nothing unpublished, loses nothing after the restart", async () => {
    const recorder = new TopicRecorder();
    const first = await createTopics(suite.pubsub, "events", "dead", "capture");
    recorder.attach(first.subscription);
    const { logger, entries } = captureLogs("WARNING");
    listener = await startListener(
      listenerOnEmulator(suite, first.eventsPath, first.deadPath, {
        PUBLISH_TIMEOUT_MS: "1500",
        // No replay suppression: a resend of a published batch must reach the topic again, as after an instance
        // restart, so the test sees real duplicates.
        DEDUP_WINDOW_SECONDS: "0",
      }),
      { logger },
    );
    const batches = distinctBatches(BATCHES, EVENTS_PER_BATCH);
    const keysOf = (ids: Iterable<number>) => [...ids].flatMap((id) => batches[id].keys);
    const retrier = new HubSpotRetrier({
      port: Number(new URL(listener.url).port),
      batches,
      concurrency: 4,
      maxAttempts: 25,
      backoffBaseMs: 200,
      backoffCapMs: 1500,
      lostAnswers: (id) => id % 10 === 3,
    });
    const stream = retrier.run(30);

    // 1. Healthy stream, then a quiet instant where everything acknowledged so far is recorded.
    await waitFor(() => retrier.report.accepted.size >= 15, 30_000, "first 15 batches not accepted");
    retrier.closeGate();
    await retrier.quiet();
    // One copy per 2xx so far: a resent batch may have been published twice before the kill.
    await recorder.waitForAll(keysOf(answered2xx(retrier)), 15_000);
    const acknowledgedBeforeKill = retrier.report.acknowledged.size;
    await recorder.detach();

    // 2. Pub/Sub gone while HubSpot keeps delivering (first attempts and retries alike).
    await suite.emulator.stop();
    const outcomesBeforeOutage = retrier.report.outcomes.length;
    retrier.openGate();
    const outageOutcomes = () => retrier.report.outcomes.slice(outcomesBeforeOutage);
    await waitFor(() => outageOutcomes().length >= 8, 30_000, "fewer than 8 deliveries during the outage");
    retrier.closeGate();
    await retrier.quiet();
    const duringOutage = outageOutcomes();
    assert.equal(
      retrier.report.acknowledged.size,
      acknowledgedBeforeKill,
      "a batch was acknowledged while Pub/Sub was down",
    );
    for (const { outcome } of duringOutage) {
      assert.deepEqual(outcome, { kind: "answered", status: 503, retryAfter: "5" });
    }
    assert.ok(entries.some((entry) => entry.severity === "ERROR" && entry.message.startsWith("publish failed")));

    // 3. Pub/Sub back with empty state: recreate what the stack declares, then let HubSpot's retries through.
    await suite.emulator.restart();
    const second = await createTopics(suite.pubsub, "events", "dead", "capture");
    recorder.attach(second.subscription);
    retrier.openGate();
    const report = await stream;

    assert.deepEqual([...report.abandoned], [], "HubSpot gave up on batches");
    assert.equal(report.accepted.size, BATCHES);
    const allKeys = keysOf(batches.keys());
    assert.equal(new Set(allKeys).size, BATCHES * EVENTS_PER_BATCH, "the test's events are distinct changes");
    // Zero loss, and nothing acknowledged was unpublished: every batch was answered 2xx (asserted above), and each
    // event has as many copies on the topic as its batch had 2xx answers.
    await recorder.waitForAll(keysOf(answered2xx(retrier)), 30_000);
    assert.deepEqual(recorder.problems, [], "a pulled payload's dedupKey disagrees with its fields");
    const strays = [...recorder.copies.keys()].filter((key) => !allKeys.includes(key));
    assert.deepEqual(strays, [], "the topic holds events nobody sent");

    const retried = new Set(duringOutage.map(({ batch }) => batch));
    const duplicates = [...recorder.copies.values()].filter((copies) => copies > 1).length;
    // Resent after a lost answer: every event arrives at least twice, each copy under the change's own dedupKey.
    const resent = keysOf(batches.filter((batch) => batch.id % 10 === 3).map((batch) => batch.id));
    for (const key of resent) assert.ok((recorder.copies.get(key) ?? 0) >= 2, `resent event ${key} arrived once`);
    console.log(
      `      ${BATCHES * EVENTS_PER_BATCH} events in ${BATCHES} batches; ${duringOutage.length} deliveries answered 503 ` +
        `during the outage (${retried.size} batches retried); ${duplicates} events delivered more than once`,
    );
    // Every batch refused during the outage was accepted afterwards, by a later attempt (higher attemptNumber).
    for (const id of retried) {
      const refusedAttempts = duringOutage.filter(({ batch }) => batch === id).map(({ attempt }) => attempt);
      const acceptedAt = [...report.outcomes]
        .reverse()
        .find(({ batch, outcome }) => batch === id && isAccepted(outcome));
      assert.ok(acceptedAt && acceptedAt.attempt > Math.max(...refusedAttempts), `batch ${id} was not retried`);
    }
    assert.ok(
      report.outcomes.some(({ attempt }) => attempt > 0),
      "no delivery was a retry: the outage was not exercised",
    );
  });
});

/** The batch id of every 2xx answer so far, repeated when a batch was answered 2xx more than once. */
function answered2xx(retrier: HubSpotRetrier): number[] {
  return retrier.report.outcomes.filter(({ outcome }) => isAccepted(outcome)).map(({ batch }) => batch);
}
