/**
 * Publishes messages batched and finds the one Pub/Sub refuses. Pub/Sub answers per RPC and the client puts the
 * messages of concurrent requests into one RPC, so one refused message fails all of its neighbours too (the emulator:
 * UNKNOWN "Application error processing RPC" for an attribute holding a lone surrogate). When an RPC fails for a
 * reason that may be a message's fault (publish-failures.ts), each of its messages is published again alone on an
 * unbatched publisher: those that pass are published, one still refused alone is at fault. With ordering on, a
 * failed ordering key is resumed so the object's later messages can publish.
 */
import type { Topic } from "@google-cloud/pubsub";
import type { MessageShape } from "../../shared/pubsub-limits";
import { classifyPublishFailure, describePublishFailure } from "../../shared/publish-failures";

export type MessageOutcome =
  { status: "published" } | { status: "refused"; detail: string } | { status: "failed"; error: unknown };

async function send(topic: Topic, message: MessageShape): Promise<string> {
  try {
    return await topic.publishMessage(message);
  } catch (error) {
    if (message.orderingKey !== undefined) topic.resumePublishing(message.orderingKey);
    throw error;
  }
}

/** One outcome per message, in order; never rejects. `alone` must be the same topic with batching off. */
export async function publishIsolating(
  batched: Topic,
  alone: Topic,
  messages: readonly MessageShape[],
): Promise<MessageOutcome[]> {
  const outcomes = new Array<MessageOutcome>(messages.length);
  const first = await Promise.allSettled(messages.map((message) => send(batched, message)));
  const retry: number[] = [];
  first.forEach((result, index) => {
    if (result.status === "fulfilled") outcomes[index] = { status: "published" };
    else if (classifyPublishFailure(result.reason) === "message") retry.push(index);
    else outcomes[index] = { status: "failed", error: result.reason };
  });
  await Promise.all(
    inOrderingGroups(retry, messages).map(async (group) => {
      // One at a time within an ordering key: the client sends a key's messages one batch at a time and puts all
      // that queued meanwhile into the next batch, whatever maxMessages says, so only waiting keeps each alone.
      for (const index of group) {
        try {
          await send(alone, messages[index]);
          outcomes[index] = { status: "published" };
        } catch (error) {
          outcomes[index] =
            classifyPublishFailure(error) === "message"
              ? { status: "refused", detail: describePublishFailure(error) }
              : { status: "failed", error };
        }
      }
    }),
  );
  return outcomes;
}

/** `indexes` grouped by ordering key, in order; a message without a key is a group of its own. */
function inOrderingGroups(indexes: readonly number[], messages: readonly MessageShape[]): number[][] {
  const groups: number[][] = [];
  const byKey = new Map<string, number[]>();
  for (const index of indexes) {
    const key = messages[index].orderingKey;
    if (key === undefined) {
      groups.push([index]);
      continue;
    }
    let group = byKey.get(key);
    if (!group) {
      group = [];
      byKey.set(key, group);
      groups.push(group);
    }
    group.push(index);
  }
  return groups;
}
