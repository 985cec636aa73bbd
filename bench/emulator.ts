// A Pub/Sub emulator with the bench's two topics, for the scenarios that publish and for profiling them: `fn` gets
// the environment a listener (or the bare publisher) needs to publish there; the emulator stops when `fn` settles.
import { createPubSub } from "../runtime/shared/pubsub";
import { findEmulator, PubSubEmulator } from "../testing/pubsub-emulator";

export async function withEmulator<T>(fn: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T | { missing: string }> {
  const found = findEmulator();
  if ("missing" in found) return found;
  const emulator = await PubSubEmulator.start(found.binary);
  try {
    const pubsub = createPubSub({ projectId: "bench-project", emulatorHost: emulator.host });
    await pubsub.createTopic("events");
    await pubsub.createTopic("dead-letter");
    await pubsub.close();
    return await fn({
      GOOGLE_CLOUD_PROJECT: "bench-project",
      PUBSUB_EMULATOR_HOST: emulator.host,
      EVENTS_TOPIC: "events",
      DEAD_LETTER_TOPIC: "dead-letter",
    });
  } finally {
    await emulator.stop();
  }
}
