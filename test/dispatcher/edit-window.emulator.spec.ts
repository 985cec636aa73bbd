// A trigger edit's window on the real Pub/Sub emulator (docs/trigger-edits.md, "During a replacement"): messages in
// flight and in retry on the OLD subscription (`<key>-aaaaaaa`) while the dispatcher's new revision, which names only
// the NEW subscription (`<key>-bbbbbbb`), takes over. The old subscription keeps pushing to the service URL; the new
// revision serves those pushes by the subscription's stable key. Nothing may be lost, dead-lettered or refused as an
// unknown subscription. (The handover's seek is not exercised: the emulator's seek does not carry another
// subscription's backlog; test/components/subscription-handover.spec.ts.)
//
// Pub/Sub semantics relied on:
// - A push endpoint's non-2xx answer (or no answer) is a negative acknowledgement: the message is redelivered, with
//   the subscription's retry policy's backoff, and after maxDeliveryAttempts forwarded to the dead-letter topic
//   (https://cloud.google.com/pubsub/docs/push, "Receive messages"; https://cloud.google.com/pubsub/docs/handling-failures).
// - A 2xx answer acknowledges it on that subscription; each subscription of a topic gets its own copy of every message
//   published after the subscription was created (https://cloud.google.com/pubsub/docs/subscription-overview).
// - modifyPushConfig changes where a subscription pushes, backlog and redeliveries included
//   (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/modifyPushConfig): what a Cloud Run
//   revision switch amounts to for the subscription (same URL, new revision behind it).
import assert from "node:assert/strict";
import type { Message, PubSub, Topic } from "@google-cloud/pubsub";
import { createDispatcher, type Dispatcher, type TriggerRoute } from "../../runtime/dispatcher";
import { captureLogs, type LogEntry } from "../../runtime/shared/log";
import { createPubSub } from "../../runtime/shared/pubsub";
import { subscriptionKey } from "../../contract/subscription-key";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { startEmulatorOrSkip, type PubSubEmulator } from "../../testing/pubsub-emulator";
import { attributesOf, DEAL_TRIGGER, fixedTokenAuth, PROJECT, samplePayload, testConfig } from "./helpers";

const KEY = "hubspot-dev-trigger-deal-created-1a2b3c4d";
const OLD = `${KEY}-aaaaaaa`;
const NEW = `${KEY}-bbbbbbb`;
const IN_RETRY = 6; // N: published before the edit, failing, on the old subscription only
const DURING = 4; // M: published inside the window, on both subscriptions
const MAX_DELIVERY_ATTEMPTS = 100; // the stack's upper bound (components/event-bus.ts)

/** Resolves once check() holds; polls the in-memory counters the dispatchers and the stand-in update. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Revision {
  dispatcher: Dispatcher;
  url: string;
  logs: LogEntry[];
}

describe("dispatcher on the Pub/Sub emulator: a trigger edit's window", function () {
  this.timeout(90_000);
  let emulator: PubSubEmulator;
  let pubsub: PubSub;
  let standIn: IntegrationStandIn;
  const revisions: Revision[] = [];

  before(async function () {
    emulator = await startEmulatorOrSkip(this);
    pubsub = createPubSub({ projectId: PROJECT, emulatorHost: emulator.host });
    standIn = await IntegrationStandIn.start({ statuses: [503] });
  });
  after(async () => {
    for (const revision of revisions) await revision.dispatcher.close();
    await standIn?.close();
    await pubsub?.close();
    await emulator?.stop();
  });

  async function startRevision(deadLetterTopic: string, route: TriggerRoute): Promise<Revision> {
    const { logger, entries } = captureLogs();
    const dispatcher = createDispatcher({
      config: testConfig({
        integrationsEndpoint: standIn.url,
        deadLetterTopic,
        pubsubEmulatorHost: emulator.host,
        triggers: [route],
      }),
      auth: fixedTokenAuth,
      logger,
    });
    const url = `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}/pubsub/push`;
    const revision = { dispatcher, url, logs: entries };
    revisions.push(revision);
    return revision;
  }

  async function publish(events: Topic, count: number, from: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = from; i < from + count; i++) {
      const payload = samplePayload({ eventId: String(i), dedupKey: i.toString(16).padStart(64, "0") });
      ids.push(
        await events.publishMessage({ data: Buffer.from(JSON.stringify(payload)), attributes: attributesOf(payload) }),
      );
    }
    return ids;
  }

  /** `messageId@subscription` of each push a revision logged with this outcome. */
  const outcomes = (revision: Revision, outcome: string): Set<string> =>
    new Set(
      revision.logs
        .filter((entry) => entry.outcome === outcome)
        .map((e) => `${String(e.messageId)}@${String(e.subscription)}`),
    );

  it("serves the old subscription's in-retry and in-flight messages with the new revision: none lost, none dead-lettered", async () => {
    assert.equal(subscriptionKey(OLD), KEY);
    assert.equal(subscriptionKey(NEW), KEY);
    const [deadTopic] = await pubsub.createTopic("hubspot-dead-letter");
    const [deadReader] = await deadTopic.createSubscription("hubspot-dead-letter-retention");
    const deadLetters: Message[] = [];
    deadReader.on("message", (message: Message) => {
      message.ack();
      deadLetters.push(message);
    });
    deadReader.on("error", () => {});
    const [events] = await pubsub.createTopic("hubspot-events");
    const subscriptionSettings = {
      deadLetterPolicy: { deadLetterTopic: deadTopic.name, maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS },
      // No retryPolicy, unlike the stack (components/event-bus.ts): Pub/Sub's default redelivers at once, and with a
      // 0-1 s retryPolicy the emulator stops pushing after a few rounds (test/faults/integration-outage.fault.ts),
      // which stalled this spec on a loaded machine. The window's behaviour does not depend on the backoff.
      ackDeadlineSeconds: 10,
    };

    // 1. The old revision serves the old subscription; the integration is down, so every push is nacked (503).
    const oldRevision = await startRevision(deadTopic.name, { ...DEAL_TRIGGER, subscription: OLD });
    const [oldSubscription] = await events.createSubscription(OLD, {
      ...subscriptionSettings,
      pushConfig: { pushEndpoint: oldRevision.url },
    });
    const inRetry = await publish(events, IN_RETRY, 1);
    const attemptedOnOld = () => outcomes(oldRevision, "transient");
    await until(
      () => inRetry.every((id) => attemptedOnOld().has(`${id}@${OLD}`)),
      20_000,
      `each of the ${IN_RETRY} messages was attempted once on ${OLD}`,
    );

    // 2. The edit: the new subscription exists (pushing to the new revision, which names only it); the service URL now
    //    reaches the new revision, so the old subscription's retries go there too; the old revision stops.
    const newRevision = await startRevision(deadTopic.name, { ...DEAL_TRIGGER, subscription: NEW });
    await events.createSubscription(NEW, { ...subscriptionSettings, pushConfig: { pushEndpoint: newRevision.url } });
    await oldSubscription.modifyPushConfig({ pushEndpoint: newRevision.url });
    await oldRevision.dispatcher.close();
    const during = await publish(events, DURING, 100);

    // 3. The integration recovers.
    await until(
      () => inRetry.every((id) => outcomes(newRevision, "transient").has(`${id}@${OLD}`)),
      20_000,
      `the new revision received a retry of each of the ${IN_RETRY} messages from ${OLD}`,
    );
    standIn.setStatuses([200]);
    const executed = () => new Set([...outcomes(oldRevision, "executed"), ...outcomes(newRevision, "executed")]);
    const expected = [
      ...inRetry.map((id) => `${id}@${OLD}`),
      ...during.flatMap((id) => [`${id}@${OLD}`, `${id}@${NEW}`]),
    ];
    await until(
      () => expected.every((delivery) => executed().has(delivery)),
      45_000,
      `every message executed on each subscription it was published to (${expected.length} deliveries)`,
    );

    // Every retried message was executed by the new revision, from the old subscription's pushes.
    const byNewRevision = outcomes(newRevision, "executed");
    for (const id of inRetry)
      assert.ok(byNewRevision.has(`${id}@${OLD}`), `${id} executed by the new revision via ${OLD}`);
    // Every message of the window executed, from both subscriptions (duplicates are expected there).
    for (const id of during) {
      assert.ok(byNewRevision.has(`${id}@${OLD}`), `${id} executed via ${OLD}`);
      assert.ok(byNewRevision.has(`${id}@${NEW}`), `${id} executed via ${NEW}`);
    }
    assert.equal(outcomes(oldRevision, "executed").size, 0, "the old revision never saw the integration succeed");
    // Nothing refused for its subscription's name, nothing dead-lettered, nothing near the delivery-attempt limit.
    const all = [...oldRevision.logs, ...newRevision.logs];
    assert.deepEqual(
      all.filter((entry) => entry.outcome === "unknown-subscription" || entry.outcome === "dead-lettered"),
      [],
    );
    assert.deepEqual(deadLetters, []);
    // The emulator's push envelopes carry no deliveryAttempt: count the pushes per delivery from the logs instead.
    const pushes = new Map<string, number>();
    for (const entry of all.filter((e) => e.outcome === "transient" || e.outcome === "executed")) {
      const delivery = `${String(entry.messageId)}@${String(entry.subscription)}`;
      pushes.set(delivery, (pushes.get(delivery) ?? 0) + 1);
    }
    const mostPushes = Math.max(...pushes.values());
    assert.ok(mostPushes < MAX_DELIVERY_ATTEMPTS, `${mostPushes} pushes of one delivery`);
    const executions = standIn.requests.filter((request) => request.status === 200);
    assert.equal(executions.length, byNewRevision.size, "one integration execution per acknowledged delivery");
    console.log(
      `      ${IN_RETRY} in retry + ${DURING} in the window: ${standIn.count} pushes reached the integration, ` +
        `${executions.length} executions, at most ${mostPushes} pushes of one delivery`,
    );
    await deadReader.close();
  });
});
