// The publishing floor (publisher-bare): a process that publishes the listener's messages, pre-built, to the topic
// the listener-pubsub scenario uses, through the same client and settings (readListenerConfig + createPubSub +
// openTopic, as the Pub/Sub sink does), one batch of EVENTS_PER_BATCH per "request", `connections` batches in
// flight, each batch done when every message is acknowledged (the sink's contract). Answers each job message with
// a LoadResult, so bench/run.ts measures it like a server.
import { readListenerConfig } from "../../runtime/listener/config";
import { createPubSub, openTopic } from "../../runtime/shared/pubsub";
import { drive, type PacedJob } from "../load-generator";
import { prebuiltBatches } from "../publisher-messages";

// Enough distinct batches that the client never publishes one object twice in a row; more only costs memory.
const BATCHES = 200;

async function main(): Promise<void> {
  const config = readListenerConfig(process.env);
  const pubsub = createPubSub({ projectId: config.projectId ?? "local-project", emulatorHost: config.emulatorHost });
  const topic = openTopic(pubsub, config.eventsTopic!, {
    messageOrdering: config.messageOrdering,
    publishTimeoutMs: config.publishTimeoutMs,
  });
  const batches = prebuiltBatches(BATCHES, config.messageOrdering);

  const publishBatch = async (n: number): Promise<number> => {
    const results = await Promise.allSettled(
      batches[n % batches.length].map((message) => topic.publishMessage(message)),
    );
    return results.every((result) => result.status === "fulfilled") ? 204 : 503;
  };

  process.on("message", (job: PacedJob) => {
    void drive(job, publishBatch).then((result) => process.send?.(result));
  });
  process.on("SIGTERM", () => void topic.flush().then(() => pubsub.close().then(() => process.exit(0))));
  process.send?.({ ready: true });
}

void main();
