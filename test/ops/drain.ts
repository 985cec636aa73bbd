// Reading what a subscription holds, for the redrive specs.
import { v1, type Subscription } from "@google-cloud/pubsub";

/** Everything a subscription holds right now (one pull of up to 100), acknowledged. */
export async function drain(
  subscription: Subscription,
): Promise<{ data: string; attributes: Record<string, string> }[]> {
  const config = (await subscription.pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0];
  const client = new v1.SubscriberClient(config);
  try {
    const [response] = await client.pull({
      subscription: subscription.name,
      maxMessages: 100,
      returnImmediately: true,
    });
    const received = response.receivedMessages ?? [];
    if (received.length > 0) {
      await client.acknowledge({ subscription: subscription.name, ackIds: received.map((m) => m.ackId ?? "") });
    }
    return received.map((m) => ({
      data: Buffer.from(m.message?.data ?? new Uint8Array()).toString(),
      attributes: (m.message?.attributes ?? {}) as Record<string, string>,
    }));
  } finally {
    await client.close();
  }
}
