// Waiting for a Pub/Sub message in a spec: the event itself, with an optional bound for a "nothing arrives" check.
import type { Message, Subscription } from "@google-cloud/pubsub";

/** The first message the subscription receives, acknowledged; rejects after `timeoutMs` when one is given. */
export function nextMessage(subscription: Subscription, timeoutMs?: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            subscription.removeAllListeners("message");
            reject(new Error(`no message on ${subscription.name} within ${timeoutMs} ms`));
          }, timeoutMs);
    subscription.once("message", (message: Message) => {
      clearTimeout(timer);
      message.ack();
      resolve(message);
    });
    subscription.once("error", reject);
  });
}
