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
  const second = await Promise.allSettled(retry.map((index) => send(alone, messages[index])));
  second.forEach((result, k) => {
    const index = retry[k];
    if (result.status === "fulfilled") outcomes[index] = { status: "published" };
    else if (classifyPublishFailure(result.reason) === "message") {
      outcomes[index] = { status: "refused", detail: describePublishFailure(result.reason) };
    } else outcomes[index] = { status: "failed", error: result.reason };
  });
  return outcomes;
}
