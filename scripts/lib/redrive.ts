import { v1, type PubSub } from "@google-cloud/pubsub";
import { createPubSub } from "../../runtime/shared/pubsub";
import { subscriptionKey } from "../../contract/subscription-key";

/**
 * Dead-letter redrive: pull from the dead-letter retention subscription, republish each message to the events topic,
 * acknowledge only after the republish was acknowledged. A crash between the two leaves the message in the dead
 * letter (redriven again later, with the same dedupKey), never lost.
 *
 * Synchronous pull through the generated v1 client, not the streaming `Subscription`: the operator asks for at most N
 * messages and a dry run must release what it read, both of which streaming pull cannot bound.
 */

export interface RedriveOptions {
  project: string;
  /** Short name or `projects/P/subscriptions/S` of the dead-letter retention subscription. */
  subscription: string;
  /** Short name or `projects/P/topics/T` of the events topic. */
  topic: string;
  /** Stop after this many messages (default: until the subscription is drained). */
  max?: number;
  /** Read and report, republish nothing, acknowledge nothing (messages are released at once). */
  dryRun?: boolean;
  /** Messages whose `reason` attribute is one of these stay in the dead letter (e.g. events that can never succeed). */
  excludeReasons?: string[];
  /** Messages pulled per round trip, 1..1000 (default 100). */
  batchSize?: number;
}

export interface RedriveSummary {
  pulled: number;
  republished: number;
  acknowledged: number;
  skipped: number;
  failed: number;
  /** Count per `reason` attribute ("(none)" when absent), to tell the operator what they are redriving. */
  reasons: Record<string, number>;
  dryRun: boolean;
}

/** Attributes Pub/Sub adds when it dead-letters a message: they describe the old delivery, not the event. */
const DEAD_LETTER_ATTRIBUTE_PREFIX = "CloudPubSubDeadLetterSource";

function fullName(project: string, kind: "topics" | "subscriptions", name: string): string {
  return name.startsWith("projects/") ? name : `projects/${project}/${kind}/${name}`;
}

/** The attributes a redriven message carries: the event's own, plus how many times it has been redriven. */
export function redriveAttributes(attributes: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(DEAD_LETTER_ATTRIBUTE_PREFIX)) kept[key] = value;
  }
  // Send the event back to the one trigger it failed for, not to every trigger of its type: the subscriptions'
  // filters (and the dispatcher) let a message carrying `redriveSubscription` through only to that subscription.
  // The key, not the name: an edit of the trigger's filter or ordering renames its subscription, never its key.
  const source = attributes.CloudPubSubDeadLetterSourceSubscription ?? attributes.subscription;
  if (source) kept.redriveSubscription = subscriptionKey(source);
  const previous = Number.parseInt(attributes.redriveCount ?? "0", 10);
  kept.redriveCount = String((Number.isFinite(previous) && previous > 0 ? previous : 0) + 1);
  return kept;
}

export function validateRedriveOptions(options: RedriveOptions): string[] {
  const problems: string[] = [];
  if (!options.project) problems.push("--project: missing; the GCP project id is required");
  if (!options.subscription) problems.push("--subscription: missing; name the dead-letter retention subscription");
  if (!options.topic) problems.push("--topic: missing; name the events topic to republish to");
  if (options.max !== undefined && (!Number.isInteger(options.max) || options.max < 1)) {
    problems.push(`--max: ${String(options.max)} is not a positive integer`);
  }
  const batch = options.batchSize;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 1000)) {
    problems.push(`--batch-size: ${String(batch)} is out of range; Pub/Sub pulls 1..1000 messages at a time`);
  }
  return problems;
}

export async function redrive(
  options: RedriveOptions,
  pubsub: PubSub = createPubSub({ projectId: options.project, emulatorHost: process.env.PUBSUB_EMULATOR_HOST }),
): Promise<RedriveSummary> {
  const problems = validateRedriveOptions(options);
  if (problems.length > 0) throw new Error(`invalid redrive options:\n- ${problems.join("\n- ")}`);
  // Same emulator and endpoint handling as the high-level client; the two option types differ only by gax's typings.
  const clientConfig = (await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0];
  const subscriber = new v1.SubscriberClient(clientConfig);
  const subscription = fullName(options.project, "subscriptions", options.subscription);
  const topic = pubsub.topic(fullName(options.project, "topics", options.topic), {
    // One message in flight per publish call: the ack below waits for this exact message.
    batching: { maxMessages: 1, maxMilliseconds: 0 },
  });
  const excluded = new Set(options.excludeReasons ?? []);
  const summary: RedriveSummary = {
    pulled: 0,
    republished: 0,
    acknowledged: 0,
    skipped: 0,
    failed: 0,
    reasons: {},
    dryRun: Boolean(options.dryRun),
  };
  const limit = options.max ?? Number.POSITIVE_INFINITY;
  try {
    while (summary.pulled < limit) {
      const want = Math.min(options.batchSize ?? 100, limit - summary.pulled);
      const [response] = await subscriber.pull({ subscription, maxMessages: want, returnImmediately: true });
      const received = response.receivedMessages ?? [];
      if (received.length === 0) break;
      const toAck: string[] = [];
      const toRelease: string[] = [];
      for (const item of received) {
        summary.pulled += 1;
        const ackId = item.ackId ?? "";
        const attributes = (item.message?.attributes ?? {}) as Record<string, string>;
        const reason = attributes.reason ?? "(none)";
        summary.reasons[reason] = (summary.reasons[reason] ?? 0) + 1;
        if (options.dryRun || excluded.has(reason)) {
          summary.skipped += 1;
          toRelease.push(ackId);
          continue;
        }
        try {
          await topic.publishMessage({
            data: Buffer.from(item.message?.data ?? new Uint8Array()),
            attributes: redriveAttributes(attributes),
            ...(item.message?.orderingKey ? { orderingKey: item.message.orderingKey } : {}),
          });
          summary.republished += 1;
          toAck.push(ackId);
        } catch {
          summary.failed += 1;
          toRelease.push(ackId);
        }
      }
      if (toAck.length > 0) {
        await subscriber.acknowledge({ subscription, ackIds: toAck });
        summary.acknowledged += toAck.length;
      }
      // Give skipped and failed messages back at once instead of hiding them until their ack deadline expires.
      if (toRelease.length > 0)
        await subscriber.modifyAckDeadline({ subscription, ackIds: toRelease, ackDeadlineSeconds: 0 });
      // Released messages come straight back: a dry run or an all-skipped round must not loop on them forever.
      if (toAck.length === 0) break;
    }
  } finally {
    await topic.flush().catch(() => undefined);
    await subscriber.close();
  }
  return summary;
}
