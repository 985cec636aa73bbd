// Fault: HubSpot delivers the same events again while the first delivery is still being published (a timeout on its
// side, or a retry racing a slow publish), both to one instance. The replay cache knows events only once published, so
// before the in-flight guard (runtime/listener/in-flight.ts) both copies were published; now the second waits for the
// first. Across instances it stays at-least-once (consumers deduplicate on dedupKey); within one it is once.
//
// Measured with this file, 10 batches of 50 distinct events, each batch sent twice at once:
//   before (da7faba, no in-flight guard):  500 duplicate messages of 500 events (every event twice), 3 runs of 3
//   after  (32b48eb, in-flight guard):     0 duplicate messages, 3 runs of 3; every response 204 in both
// Command: npx mocha --no-config -r tsx/cjs -r test/support/setup.ts --extension ts --timeout 120000 --exit
//          test/faults/overlap.fault.ts (for "before": this file in a worktree of da7faba, the last assertion printed).
import assert from "node:assert/strict";
import type { Message, Subscription, Topic } from "@google-cloud/pubsub";
import { captureLogs } from "../../runtime/shared/log";
import { startListener, type RunningListener } from "../../runtime/listener";
import {
  createTopics,
  deliver,
  distinctBatches,
  pulledDedupKey,
  signedDelivery,
  faultSuite,
  listenerOnEmulator,
} from "./support";

const BATCHES = 10;
const EVENTS_PER_BATCH = 50;
const MARKER = "marker";

/**
 * Copies per recomputed dedupKey of everything `subscription` receives until every key of `keys` arrived, then a
 * marker is published to `topic` and everything up to the marker is counted too. Every publish of the listener was
 * acknowledged before it answered, so before the marker was published; with one streaming pull the emulator hands
 * out what it stored before the marker ahead of it, so a late duplicate is counted. Messages are counted by id: a
 * redelivery by Pub/Sub is not a second publish. No deadline of its own: the mocha timeout is the hang guard.
 */
function copiesUntilMarker(
  subscription: Subscription,
  topic: Topic,
  keys: ReadonlySet<string>,
): Promise<Map<string, number>> {
  subscription.setOptions({ streamingOptions: { maxStreams: 1 } });
  return new Promise((resolve, reject) => {
    const seen = new Set<string>();
    const copies = new Map<string, number>();
    let markerSent = false;
    const finish = (error?: Error) => {
      subscription.removeAllListeners("message");
      void subscription.close().then(
        () => (error ? reject(error) : resolve(copies)),
        (closeError: Error) => reject(error ?? closeError),
      );
    };
    subscription.on("message", (message: Message) => {
      message.ack();
      if (message.attributes[MARKER] === "true") return finish();
      if (seen.has(message.id)) return;
      seen.add(message.id);
      let key: string;
      try {
        key = pulledDedupKey(message);
      } catch (error) {
        return finish(error as Error);
      }
      copies.set(key, (copies.get(key) ?? 0) + 1);
      if (markerSent || [...keys].some((wanted) => !copies.has(wanted))) return;
      markerSent = true;
      topic.publishMessage({ data: Buffer.from(MARKER), attributes: { [MARKER]: "true" } }).catch(finish);
    });
    subscription.on("error", (error: Error) => finish(error));
  });
}

describe("fault: the same batch delivered twice at once to one instance", function () {
  this.timeout(120_000);
  const suite = faultSuite();
  let listener: RunningListener | undefined;

  suite.closeBeforeStop(async () => {
    await listener?.close();
  });

  it("publishes every event exactly once: the overlapping copy waits for the first publish instead of repeating it", async () => {
    const { eventsPath, deadPath, subscription } = await createTopics(suite.pubsub, "events", "dead", "capture");
    listener = await startListener(
      listenerOnEmulator(suite, eventsPath, deadPath, {
        PUBLISH_TIMEOUT_MS: "3000",
      }),
      { logger: captureLogs("ERROR").logger },
    );
    const port = Number(new URL(listener.url).port);
    const batches = distinctBatches(BATCHES, EVENTS_PER_BATCH);
    const keys = new Set(batches.flatMap((batch) => batch.keys));
    assert.equal(keys.size, BATCHES * EVENTS_PER_BATCH, "the test's events are distinct changes");

    // All 20 requests start together; the second copy of a batch is HubSpot's retry (attemptNumber 1, a fresh
    // signature), which has the same dedupKeys.
    const outcomes = await Promise.all(
      batches.flatMap((batch) => [
        deliver(port, signedDelivery(batch.events, 0)),
        deliver(port, signedDelivery(batch.events, 1)),
      ]),
    );
    for (const outcome of outcomes) assert.deepEqual(outcome, { kind: "answered", status: 204, retryAfter: undefined });

    const copies = await copiesUntilMarker(subscription, suite.pubsub.topic(eventsPath), keys);
    const strays = [...copies.keys()].filter((key) => !keys.has(key));
    assert.deepEqual(strays, [], "the topic holds events nobody sent");
    const missing = [...keys].filter((key) => !copies.has(key));
    assert.deepEqual(missing, [], "an event was never published");
    const duplicates = [...copies.values()].reduce((sum, count) => sum + count - 1, 0);
    const duplicated = [...copies.values()].filter((count) => count > 1).length;
    console.log(
      `      ${keys.size} events, each delivered twice at once: ${duplicates} duplicate messages ` +
        `(${duplicated} events published more than once)`,
    );
    assert.equal(duplicates, 0, "an event was published more than once by one instance");
  });
});
