/**
 * The listener role: validated config -> sink -> node:http server on HOST:PORT.
 * `startListener(env, { logger?, sink? })` resolves once listening; `close()` stops accepting, lets in-flight
 * requests finish (their publishes included), then flushes and closes the sink.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer } from "../shared/http";
import { Logger } from "../shared/log";
import { createPubSub } from "../shared/pubsub";
import { JsonLinesSink } from "./sinks/json-lines-sink";
import { NoopSink } from "./sinks/noop-sink";
import { PubSubSink } from "./sinks/pubsub-sink";
import type { EventSink } from "./sinks/sink";
import { readListenerConfig, type ListenerConfig } from "./config";
import { createListenerHandler, WEBHOOK_PATH, type ListenerHandler } from "./handler";
import { startStatusRecorder, type StatusRecorder, type StatusWriter } from "../shared/status";
import { ListenerStatusSignals } from "./status-signals";

export { readListenerConfig, type ListenerConfig } from "./config";
export { createListenerHandler, WEBHOOK_PATH } from "./handler";

export interface RunningListener {
  server: Server;
  handler: ListenerHandler;
  sink: EventSink;
  /** http://host:port of the bound socket (the real port when PORT=0). */
  url: string;
  /** The status store's recorder; undefined when STATUS_DATABASE is unset. */
  statusRecorder: StatusRecorder | undefined;
  close(): Promise<void>;
}

export interface StartListenerOptions {
  logger?: Logger;
  /** Overrides the sink chosen from the environment (benchmarks, tests). */
  sink?: EventSink;
  /** Clock override for tests. */
  now?: () => number;
  /** Replaces the status store's Firestore writer (tests). */
  statusWriter?: StatusWriter;
}

// Cloud Run sends SIGTERM and kills 10 s later: finish in-flight requests within 8 s, keep 2 s to flush.
const SHUTDOWN_GRACE_MS = 8000;

export function createSink(config: ListenerConfig): EventSink {
  if (config.sink === "noop") return new NoopSink();
  if (config.sink === "jsonl") return new JsonLinesSink(config.localSinkFile);
  return new PubSubSink({
    pubsub: createPubSub({ projectId: config.projectId ?? "local-project", emulatorHost: config.emulatorHost }),
    eventsTopic: config.eventsTopic!,
    deadLetterTopic: config.deadLetterTopic!,
    messageOrdering: config.messageOrdering,
    publishTimeoutMs: config.publishTimeoutMs,
  });
}

export async function startListener(
  env: NodeJS.ProcessEnv,
  options: StartListenerOptions = {},
): Promise<RunningListener> {
  const config = readListenerConfig(env);
  const logger = options.logger ?? new Logger({ projectId: config.projectId, fields: { role: "listener" } });
  const sink = options.sink ?? createSink(config);
  const statusRecorder =
    config.status && startStatusRecorder(config.status, logger, { now: options.now, writer: options.statusWriter });
  const status = statusRecorder && new ListenerStatusSignals(statusRecorder, options.now ?? Date.now);
  const handler = createListenerHandler({ config, sink, logger, now: options.now, status });
  const server = createServer({ keepAliveTimeout: 65_000 }, handler);
  // HubSpot gives up after 5 s; a request still open after 30 s is a slow-loris, not a delivery.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info("listener started", {
    url: `${url}${WEBHOOK_PATH}`,
    sink: sink.kind,
    eventsTopic: config.eventsTopic,
    deadLetterTopic: config.deadLetterTopic,
    publicUrl: config.publicUrl,
    signingKeys: config.secrets.length,
    legacyAllowed: config.allowLegacySignatures,
    messageOrdering: config.messageOrdering,
    dedupWindowSeconds: config.dedupWindowMs / 1000,
    statusDatabase: config.status?.databaseId,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      handler.beginShutdown();
      await closeServer(server, SHUTDOWN_GRACE_MS);
      await sink.close();
      // After the requests: their last signals are in memory, and this is their last chance to be written.
      await statusRecorder?.close();
      logger.info("listener stopped");
    })();
    return closing;
  };
  return { server, handler, sink, url, statusRecorder, close };
}
