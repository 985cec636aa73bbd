/**
 * The dispatcher role: Pub/Sub push in, Application Integration executions out.
 * - `startDispatcher(env)`: what `runtime/main.ts` runs for ROLE=dispatcher (validated env, real clients).
 * - `createDispatcher(options)`: the same service with injected dependencies, for tests and embedding.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { GoogleAuth } from "google-auth-library";
import type { PubSub } from "@google-cloud/pubsub";
import { closeServer } from "../shared/http";
import { Logger } from "../shared/log";
import { createPubSub, openTopic, publishDeadLetter } from "../shared/pubsub";
import { ConcurrencyLimit } from "./concurrency-limit";
import { readDispatcherConfig, type DispatcherConfig } from "./config";
import { hubspotBatchReader, type CrmBatchReader } from "./crm-batch-reader";
import { Enricher } from "./enrichment";
import { IntegrationClient, type RequestHeadersSource } from "./integration-client";
import { PushHandler, type DeadLetterPublisher, type IntegrationExecutor } from "./push-handler";
import { createDispatcherServer } from "./server";
import { startStatusRecorder, type StatusRecorder, type StatusWriter } from "../shared/status";
import { DispatcherStatusSignals } from "./status-signals";

export { readDispatcherConfig, type DispatcherConfig, type TriggerRoute } from "./config";
export type { DeadLetterPublisher, IntegrationExecutor, PushResult } from "./push-handler";
export type { RequestHeadersSource, ExecutionOutcome } from "./integration-client";
export type { CrmBatchReader } from "./crm-batch-reader";

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/**
 * Worst case per delivery: enrichment (5 s) + EXECUTION_TIMEOUT_MS + this; the push subscription's ack deadline must
 * exceed the sum (60 s with the defaults' 55 s), or Pub/Sub redelivers while we are still working.
 */
const DEAD_LETTER_PUBLISH_TIMEOUT_MS = 5000;
/** How long in-flight executions may finish after close() (Cloud Run gives 10 s after SIGTERM). */
const DRAIN_GRACE_MS = 8000;

export interface DispatcherOptions {
  config: DispatcherConfig;
  /** Access tokens for Application Integration; default GoogleAuth (the Cloud Run identity: the trigger account). */
  auth?: RequestHeadersSource;
  /** Replaces the whole execution client (the default is IntegrationClient on config.integrationsEndpoint). */
  executor?: IntegrationExecutor;
  /** Default: publish to config.deadLetterTopic through @google-cloud/pubsub (honouring PUBSUB_EMULATOR_HOST). */
  deadLetter?: DeadLetterPublisher;
  /** Default: @hubspot/api-client through config.enrichment.transport, when enrichment is configured. */
  crmReader?: CrmBatchReader;
  /** Coalescing window for HubSpot batch reads (ms). Default 10. */
  enrichmentWindowMs?: number;
  logger?: Logger;
  /** Replaces the status store's Firestore writer (tests); used only when config.status is set. */
  statusWriter?: StatusWriter;
  /** Clock of the status signals (tests). */
  now?: () => number;
}

export interface Dispatcher {
  readonly server: Server;
  readonly enricher?: Enricher;
  /** The status store's recorder; undefined when STATUS_DATABASE is unset. */
  readonly statusRecorder?: StatusRecorder;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { config } = options;
  const logger = options.logger ?? new Logger({ projectId: config.projectId, fields: { role: "dispatcher" } });
  let pubsub: PubSub | undefined;
  let deadLetter = options.deadLetter;
  if (!deadLetter) {
    pubsub = createPubSub({ projectId: config.projectId, emulatorHost: config.pubsubEmulatorHost });
    const topic = openTopic(pubsub, config.deadLetterTopic, {
      publishTimeoutMs: DEAD_LETTER_PUBLISH_TIMEOUT_MS,
      maxMilliseconds: 1,
    });
    deadLetter = (data, attributes) => publishDeadLetter(topic, data, attributes);
  }
  const executor =
    options.executor ??
    new IntegrationClient({
      endpoint: config.integrationsEndpoint,
      project: config.integrationProject,
      location: config.integrationLocation,
      auth: options.auth ?? new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }),
      timeoutMs: config.executionTimeoutMs,
    });
  const enrichment = config.enrichment;
  const reader =
    options.crmReader ??
    (enrichment
      ? hubspotBatchReader({
          accessToken: enrichment.accessToken,
          basePath: enrichment.apiBaseUrl,
          transport: enrichment.transport,
        })
      : undefined);
  const enricher =
    enrichment && reader
      ? new Enricher({ reader, properties: enrichment.properties, windowMs: options.enrichmentWindowMs })
      : undefined;

  const statusRecorder =
    config.status && startStatusRecorder(config.status, logger, { now: options.now, writer: options.statusWriter });
  const handler = new PushHandler({
    triggers: config.triggers,
    executor,
    deadLetter,
    limit: new ConcurrencyLimit(config.maxConcurrentExecutions),
    enricher,
    status: statusRecorder && new DispatcherStatusSignals(statusRecorder, options.now ?? Date.now),
    maxDeliveryAttempts: config.maxDeliveryAttempts,
  });
  let draining = false;
  const server = createDispatcherServer({ handler, logger, isReady: () => !draining });

  return {
    server,
    enricher,
    statusRecorder,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      draining = true;
      if (server.listening) await closeServer(server, DRAIN_GRACE_MS);
      await Promise.all([pubsub?.close(), statusRecorder?.close()]);
    },
  };
}

export async function startDispatcher(
  env: NodeJS.ProcessEnv,
  options: { logger?: Logger } = {},
): Promise<{ close(): Promise<void>; port: number }> {
  const config = readDispatcherConfig(env);
  const logger = options.logger ?? new Logger({ projectId: config.projectId, fields: { role: "dispatcher" } });
  const dispatcher = createDispatcher({ config, logger });
  const port = await dispatcher.listen();
  logger.info("dispatcher listening", {
    port,
    host: config.host,
    triggers: config.triggers.map((route) => route.name),
    maxConcurrentExecutions: config.maxConcurrentExecutions,
    executionTimeoutMs: config.executionTimeoutMs,
    enrichment: config.enrichment !== undefined,
    statusDatabase: config.status?.databaseId,
  });
  return { port, close: () => dispatcher.close() };
}
