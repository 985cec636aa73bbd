// The real listener in a process of its own for the benchmarks; its sink comes from the environment (LISTENER_SINK
// noop, or pubsub with PUBSUB_EMULATOR_HOST and EVENTS_TOPIC), exactly as Cloud Run would start it.
import { startListener } from "../../runtime/listener";
import { Logger } from "../../runtime/shared/log";

async function main(): Promise<void> {
  // WARNING level: a log line per request would measure the terminal, not the listener.
  const logger = new Logger({ level: "WARNING", fields: { role: "listener" } });
  const running = await startListener({ ...process.env, PORT: "0" }, { logger });
  const port = Number(new URL(running.url).port);
  process.send?.({ ready: true, port });
  process.on("SIGTERM", () => void running.close().then(() => process.exit(0)));
}

void main();
