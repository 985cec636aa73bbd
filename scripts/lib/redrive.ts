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
 *
 * What is not republished (a dry run's reads, excluded reasons, failed republishes) is held, its ack deadline
 * extended, until the run ends and then released in one go: released at once it would come straight back and be
 * counted again. Each message counts once by its message id, even if a lease runs out and Pub/Sub redelivers it.
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
  /** Called after each message with the counts so far (for a progress display). */
  onProgress?: (summary: Readonly<RedriveSummary>) => void;
  /** Stop pulling (e.g. on Ctrl-C): what was read and not republished is released before `redrive` returns. */
  signal?: AbortSignal;
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

/** A flag's number as the operator can recognise it: `Number("ten")` is NaN, which names nothing they typed. */
function shown(value: number): string {
  return Number.isNaN(value) ? "not a number" : String(value);
}

export function validateRedriveOptions(options: RedriveOptions): string[] {
  const problems: string[] = [];
  if (!options.project) problems.push("--project: missing; the GCP project id is required (or give --stack S)");
  if (!options.subscription) {
    problems.push("--subscription: missing; name the dead-letter retention subscription (or give --stack S)");
  }
  if (!options.topic) problems.push("--topic: missing; name the events topic to republish to (or give --stack S)");
  if (options.max !== undefined && (!Number.isInteger(options.max) || options.max < 1)) {
    problems.push(`--max: ${shown(options.max)} is not a positive integer`);
  }
  const batch = options.batchSize;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 1000)) {
    problems.push(`--batch-size: ${shown(batch)} is out of range; Pub/Sub pulls 1..1000 messages at a time`);
  }
  return problems;
}

/** Pub/Sub's longest ack deadline: what the run holds stays invisible to other pulls until it is released. */
const HOLD_SECONDS = 600;
/** Ack ids per acknowledge / modifyAckDeadline call, well inside the API's 512 KB request limit. */
const ACK_IDS_PER_CALL = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
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
  // Message id -> its latest ack id, for what is released at the end; republished ids, to ack a redelivery again.
  const held = new Map<string, string>();
  const republished = new Set<string>();
  try {
    while (summary.pulled < limit && !options.signal?.aborted) {
      const want = Math.min(options.batchSize ?? 100, limit - summary.pulled);
      const [response] = await subscriber.pull({ subscription, maxMessages: want, returnImmediately: true });
      const received = response.receivedMessages ?? [];
      if (received.length === 0) break;
      // Hold the whole batch at once: republishing it one by one may outlast the subscription's ack deadline.
      await subscriber.modifyAckDeadline({
        subscription,
        ackIds: received.map((item) => item.ackId ?? ""),
        ackDeadlineSeconds: HOLD_SECONDS,
      });
      const toAck: string[] = [];
      const ackAgain: string[] = [];
      let fresh = 0;
      for (const item of received) {
        const ackId = item.ackId ?? "";
        const messageId = item.message?.messageId ?? ackId;
        if (republished.has(messageId)) {
          ackAgain.push(ackId); // already back in the events topic: only the acknowledgement was lost
          continue;
        }
        if (held.has(messageId)) {
          held.set(messageId, ackId); // a redelivery after its lease ran out: release the current ack id
          continue;
        }
        fresh += 1;
        summary.pulled += 1;
        const attributes = (item.message?.attributes ?? {}) as Record<string, string>;
        const reason = attributes.reason ?? "(none)";
        summary.reasons[reason] = (summary.reasons[reason] ?? 0) + 1;
        if (options.dryRun || excluded.has(reason)) {
          summary.skipped += 1;
          held.set(messageId, ackId);
        } else {
          try {
            await topic.publishMessage({
              data: Buffer.from(item.message?.data ?? new Uint8Array()),
              attributes: redriveAttributes(attributes),
              ...(item.message?.orderingKey ? { orderingKey: item.message.orderingKey } : {}),
            });
            summary.republished += 1;
            republished.add(messageId);
            toAck.push(ackId);
          } catch {
            summary.failed += 1;
            held.set(messageId, ackId);
          }
        }
        options.onProgress?.(summary);
      }
      // Acknowledged only now, after each of these was republished: a crash before leaves them in the dead letter.
      for (const ackIds of chunks(toAck, ACK_IDS_PER_CALL)) {
        await subscriber.acknowledge({ subscription, ackIds });
        summary.acknowledged += ackIds.length;
      }
      if (ackAgain.length > 0) await subscriber.acknowledge({ subscription, ackIds: ackAgain });
      options.onProgress?.(summary);
      // Only messages this run has already seen: everything else is held by us or gone.
      if (fresh === 0) break;
    }
  } finally {
    try {
      // Give back what stays in the dead letter at once instead of hiding it until its lease expires.
      for (const ackIds of chunks([...held.values()], ACK_IDS_PER_CALL)) {
        await subscriber.modifyAckDeadline({ subscription, ackIds, ackDeadlineSeconds: 0 });
      }
    } finally {
      await topic.flush().catch(() => undefined);
      await subscriber.close();
    }
  }
  return summary;
}
