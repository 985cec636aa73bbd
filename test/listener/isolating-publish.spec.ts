// publishIsolating against the real Pub/Sub client and emulator (skipped, with the reason printed, where the machine
// has no emulator). The emulator refuses a message whose attribute holds a lone UTF-16 surrogate by failing the whole
// batched RPC with UNKNOWN ("Application error processing RPC"): the one refusal Pub/Sub makes that reaches us here.
// The listener never sends such a message (sink.ts checks first); these messages bypass that check on purpose.
import assert from "node:assert/strict";
import type { Message, Subscription, Topic } from "@google-cloud/pubsub";
import { publishIsolating, type MessageOutcome } from "../../runtime/listener/sinks/isolating-publish";
import { openTopic } from "../../runtime/shared/pubsub";
import type { MessageShape } from "../../runtime/shared/pubsub-limits";
import { emulatorForSuite } from "../../testing/pubsub-emulator";

const PROJECT = "isolating-test";

/** Collects a subscription's messages (acking each); `until` resolves once the collected ones satisfy a check. */
class Collector {
  readonly messages: Message[] = [];
  private failure: Error | undefined;
  private waiters: Array<{ check: () => boolean; done: () => void; fail: (error: Error) => void }> = [];

  constructor(private readonly subscription: Subscription) {
    subscription.on("message", (message: Message) => {
      message.ack();
      this.messages.push(message);
      this.settle();
    });
    subscription.on("error", (error: Error) => {
      this.failure ??= error;
      this.settle();
    });
  }

  ids(): string[] {
    return this.messages.map((message) => message.attributes.id);
  }

  /** No deadline of its own: the mocha timeout is the hang guard. */
  until(check: () => boolean): Promise<void> {
    return new Promise((done, fail) => {
      this.waiters.push({ check, done, fail });
      this.settle();
    });
  }

  close(): Promise<void> {
    this.subscription.removeAllListeners("message");
    return this.subscription.close();
  }

  private settle(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.failure) waiter.fail(this.failure);
      else if (waiter.check()) waiter.done();
      else return true;
      return false;
    });
  }
}

const valid = (id: string, orderingKey?: string): MessageShape => ({
  data: Buffer.from(`message ${id}`),
  attributes: { id },
  ...(orderingKey !== undefined ? { orderingKey } : {}),
});
/** What the emulator refuses: an attribute value no protobuf string can hold. */
const refusedByEmulator = (id: string, orderingKey?: string): MessageShape => ({
  ...valid(id, orderingKey),
  attributes: { id, propertyName: "name\uD800" },
});

const statuses = (outcomes: readonly MessageOutcome[]) => outcomes.map((outcome) => outcome.status);

describe("publishIsolating on the Pub/Sub emulator", function () {
  const suite = emulatorForSuite(PROJECT);
  let run = 0;

  /** A fresh topic and subscription, and the two publishers the Pub/Sub sink opens on a topic (pubsub-sink.ts). */
  async function setUp(ordering: boolean): Promise<{ batched: Topic; alone: Topic; collector: Collector }> {
    run++;
    const pubsub = suite.pubsub;
    const [topic] = await pubsub.createTopic(`events-${run}`);
    const [subscription] = await topic.createSubscription(`events-${run}-sub`, { enableMessageOrdering: ordering });
    const batched = openTopic(pubsub, topic.name, { messageOrdering: ordering });
    const alone = openTopic(pubsub, topic.name, { messageOrdering: ordering, maxMessages: 1, maxMilliseconds: 0 });
    return { batched, alone, collector: new Collector(subscription) };
  }

  /**
   * Proves nothing beyond `expected` arrived: once they all have, a marker is published and collected. Assumption:
   * the emulator delivers a subscription's messages in the order it accepted them (one in-memory queue; no
   * redelivery, as each message is acked at once), and every message above was accepted or refused before the
   * marker was sent, so a stray copy would arrive before the marker.
   */
  async function onlyThese(batched: Topic, collector: Collector, expected: readonly string[]): Promise<void> {
    await collector.until(() => collector.messages.length >= expected.length);
    await batched.publishMessage(valid("marker"));
    await collector.until(() => collector.ids().includes("marker"));
    assert.deepEqual(collector.ids().sort(), [...expected, "marker"].sort());
  }

  it("publishes the 50 neighbours of a message the emulator refuses, and names the refusal (UNKNOWN)", async () => {
    const { batched, alone, collector } = await setUp(false);
    try {
      const messages = Array.from({ length: 50 }, (_, i) => valid(`m${i}`));
      messages.splice(17, 0, refusedByEmulator("refused"));
      const outcomes = await publishIsolating(batched, alone, messages);
      assert.deepEqual(statuses(outcomes), [
        ...Array<string>(17).fill("published"),
        "refused",
        ...Array<string>(33).fill("published"),
      ]);
      const refused = outcomes[17];
      assert.ok(refused.status === "refused");
      assert.match(refused.detail, /^UNKNOWN: /);
      await onlyThese(
        batched,
        collector,
        Array.from({ length: 50 }, (_, i) => `m${i}`),
      );
    } finally {
      await collector.close();
    }
  });

  it("with message ordering, resumes the refused message's ordering key so its later messages publish", async () => {
    const { batched, alone, collector } = await setUp(true);
    try {
      const neighbours = Array.from({ length: 20 }, (_, i) => valid(`m${i}`, `contact:${i % 5}`));
      const outcomes = await publishIsolating(batched, alone, [
        ...neighbours,
        refusedByEmulator("refused", "contact:refused"),
      ]);
      assert.deepEqual(statuses(outcomes), [...Array<string>(20).fill("published"), "refused"]);
      // A later change of the same object: its key must not stay paused by the refusal.
      assert.deepEqual(statuses(await publishIsolating(batched, alone, [valid("later", "contact:refused")])), [
        "published",
      ]);
      await onlyThese(batched, collector, [...neighbours.map((message) => message.attributes.id), "later"]);
    } finally {
      await collector.close();
    }
  });

  it("with message ordering, publishes the neighbours that share the refused message's ordering key", async () => {
    // The client sends one batch at a time per ordering key and puts every message queued meanwhile into the next
    // one, whatever maxMessages says: republished all at once, these would travel with the refused one again.
    const { batched, alone, collector } = await setUp(true);
    try {
      const outcomes = await publishIsolating(batched, alone, [
        valid("before", "contact:1"),
        refusedByEmulator("refused", "contact:1"),
        valid("after", "contact:1"),
        valid("other", "contact:2"),
      ]);
      assert.deepEqual(statuses(outcomes), ["published", "refused", "published", "published"]);
      await onlyThese(batched, collector, ["before", "after", "other"]);
    } finally {
      await collector.close();
    }
  });
});
