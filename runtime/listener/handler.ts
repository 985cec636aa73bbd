/**
 * The listener's HTTP handler (Node glue only: the checks themselves live in signature/, events/ and sinks/).
 * Reads top to bottom as a request's life:
 *   two Hosts (400) -> not ours (404/405) -> headers (415 wrong Content-Type, 401 no signature)
 *   -> body (413 over the limit) -> verify (401; the body never says why, the log does)
 *   -> split into events (400 when the body is not a JSON array at all; it is dead-lettered first)
 *   -> each event on its own: malformed ones become dead letters with their bytes as received
 *   -> drop replays, wait for copies already in flight -> publish -> events Pub/Sub refuses become dead letters
 *   -> 204, or 503 + Retry-After when any event was neither published nor dead-lettered (a transient failure:
 *   HubSpot retries the batch, and the replay cache skips what was already handled).
 */
import { HTTP_PATHS } from "../../contract/http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseEventBatch } from "./events/parse";
import { triageBatch } from "./events/triage";
import { Deliveries } from "./delivery";
import { InFlightEvents } from "./in-flight";
import { ReplayCache } from "./replay-cache";
import { BodyTooLargeError, isJsonContentType, readBody, sendEmpty, sendJson } from "../shared/http";
import { latencySince, type Logger, type Severity } from "../shared/log";
import { requestUri, unverifiableReason, verifyRequest, type SignaturePolicy } from "./signature";
import type { EventSink } from "./sinks/sink";
import type { ListenerConfig } from "./config";
import type { ListenerStatusSignals } from "./status-signals";

export const WEBHOOK_PATH = HTTP_PATHS.webhook;
const RETRY_AFTER_SECONDS = "5";

export interface ListenerHandlerDeps {
  config: ListenerConfig;
  sink: EventSink;
  logger: Logger;
  /** Clock, for tests of the signature window. */
  now?: () => number;
  /** The status store's signals (STATUS_DATABASE set); they accumulate in memory, never delaying a request. */
  status?: ListenerStatusSignals;
}

export interface ListenerHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Readiness goes false: Cloud Run stops routing new requests while in-flight ones finish. */
  beginShutdown(): void;
  readonly replayCache: ReplayCache;
  readonly inFlight: InFlightEvents;
}

interface Outcome {
  status: number;
  severity: Severity;
  message: string;
  fields?: Record<string, unknown>;
}

/** 503 with Retry-After: something was neither published nor dead-lettered, so HubSpot must send the batch again. */
function retryLater(res: ServerResponse, message: string, fields: Record<string, unknown>): Outcome {
  sendEmpty(res, 503, { "retry-after": RETRY_AFTER_SECONDS });
  return { status: 503, severity: "ERROR", message, fields };
}

export function createListenerHandler(deps: ListenerHandlerDeps): ListenerHandler {
  const { config, sink, logger, status } = deps;
  const now = deps.now ?? Date.now;
  const policy: SignaturePolicy = {
    secrets: config.secrets,
    allowLegacy: config.allowLegacySignatures,
    maxSkewMs: config.maxSkewMs,
  };
  const replayCache = new ReplayCache(config.dedupWindowMs, config.dedupMaxEntries);
  const inFlight = new InFlightEvents();
  const deliveries = new Deliveries({ sink, replayCache, inFlight, now });

  let shuttingDown = false;

  async function receive(req: IncomingMessage, res: ServerResponse, pathAndQuery: string): Promise<Outcome> {
    if (!isJsonContentType(req.headers["content-type"])) {
      // connection: close, so Node does not read (and discard) a body we will never use.
      sendEmpty(res, 415, { accept: "application/json", connection: "close" });
      return {
        status: 415,
        severity: "WARNING",
        message: "rejected: Content-Type is not JSON",
        fields: { contentType: req.headers["content-type"] },
      };
    }
    const unverifiable = unverifiableReason(req.headers, policy);
    if (unverifiable) {
      sendEmpty(res, 401, { connection: "close" });
      status?.signatureRejected(unverifiable);
      return { status: 401, severity: "WARNING", message: "rejected: signature", fields: { reason: unverifiable } };
    }

    let body: Buffer;
    try {
      body = await readBody(req, config.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendEmpty(res, 413, { connection: "close" });
        return {
          status: 413,
          severity: "WARNING",
          message: "rejected: body too large",
          fields: { limit: config.maxBodyBytes },
        };
      }
      throw error;
    }

    const uri = requestUri(config.publicUrl, req.headers.host, pathAndQuery);
    const verdict = verifyRequest({ method: req.method ?? "POST", uri, body, headers: req.headers }, policy, now());
    if (!verdict.ok) {
      sendEmpty(res, 401);
      status?.signatureRejected(verdict.reason);
      return {
        status: 401,
        severity: "WARNING",
        message: "rejected: signature",
        fields: { reason: verdict.reason, signedUri: uri },
      };
    }

    const parsed = parseEventBatch(body);
    if (!parsed.ok) {
      // Signed, yet no event can be taken from it: kept whole as one dead letter, then refused so the sender learns.
      const kept = await deliveries.deliver(
        [],
        [{ data: body, reason: "invalid-event", reasonDetail: parsed.problem }],
      );
      status?.verified([], [], kept.deadLettered, kept.firstError);
      if (kept.unhandled > 0) {
        return retryLater(res, "dead letter failed; HubSpot will retry the batch", {
          problem: parsed.problem,
          error: kept.firstError,
        });
      }
      sendJson(res, 400, { error: parsed.problem });
      return {
        status: 400,
        severity: "WARNING",
        message: "rejected: body (kept as a dead letter)",
        fields: { problem: parsed.problem },
      };
    }

    const clock = now();
    const { fresh, rejected, replays } = triageBatch(parsed.events, new Date(clock).toISOString(), (key) =>
      replayCache.has(key, clock),
    );
    if (parsed.trailing) {
      rejected.push({
        data: parsed.trailing,
        reason: "invalid-event",
        reasonDetail: "bytes follow the array's end; the rule is one JSON array",
      });
    }
    const delivery = await deliveries.deliver(fresh, rejected);
    status?.verified(delivery.publishedEvents, delivery.publishFailed, delivery.deadLettered, delivery.firstError);
    const fields = {
      events: parsed.events.length,
      published: delivery.published,
      replays: replays + delivery.joined,
      deadLetters: delivery.deadLettered.length,
      signature: verdict.version,
      ...(parsed.unclosed ? { bodyProblem: "body ends before the array is closed" } : {}),
    };
    if (delivery.unhandled > 0) {
      return retryLater(res, "publish failed; HubSpot will retry the batch", {
        ...fields,
        unhandled: delivery.unhandled,
        error: delivery.firstError,
      });
    }
    sendEmpty(res, 204);
    if (delivery.deadLettered.length > 0 || parsed.unclosed) {
      return {
        status: 204,
        severity: "WARNING",
        message: "accepted with dead letters",
        fields: {
          ...fields,
          reasons: delivery.deadLettered.map((letter) => ({ reason: letter.reason, detail: letter.reasonDetail })),
        },
      };
    }
    return { status: 204, severity: "DEBUG", message: "accepted", fields };
  }

  async function health(res: ServerResponse, path: string): Promise<void> {
    if (path === HTTP_PATHS.health) return sendJson(res, 200, { status: "ok" });
    if (shuttingDown) return sendJson(res, 503, { status: "shutting-down" });
    const state = await sink.ready();
    const secretLoaded = config.secrets.length > 0 && config.secrets[0].length > 0;
    const ready = state.ready && secretLoaded;
    sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not-ready", secretLoaded, sink: state.detail });
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const pathAndQuery = req.url ?? "/";
    const queryAt = pathAndQuery.indexOf("?");
    const path = queryAt === -1 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
    // Built only when a line is written: most accepted requests log nothing at the default level.
    const requestLogger = () => logger.forRequest(req.headers["x-cloud-trace-context"] as string | undefined);

    if (req.method === "GET" && (path === HTTP_PATHS.health || path === HTTP_PATHS.ready)) {
      health(res, path).catch((error: unknown) => {
        requestLogger().error("readiness check failed", { error });
        if (!res.headersSent) sendEmpty(res, 503);
      });
      return;
    }
    // RFC 9112 3.2: more than one Host is answered 400. Node keeps the first, but the Host is part of the signed URI
    // and a proxy may have routed on the other one: ambiguous, so not judged at all (connection: close, body unread).
    const hosts = req.headersDistinct.host?.length ?? 0;
    if (hosts > 1) {
      sendJson(
        res,
        400,
        { error: `request has ${hosts} Host headers; the rule is exactly one (RFC 9112 3.2)` },
        { connection: "close" },
      );
      return;
    }
    if (path !== WEBHOOK_PATH) return sendEmpty(res, 404);
    if (req.method !== "POST") return sendEmpty(res, 405, { allow: "POST" });

    receive(req, res, pathAndQuery).then(
      (outcome) => {
        if (!logger.isEnabled(outcome.severity)) return;
        requestLogger().log(outcome.severity, outcome.message, {
          ...outcome.fields,
          httpRequest: {
            requestMethod: "POST",
            requestUrl: path,
            status: outcome.status,
            requestSize: req.headers["content-length"],
            userAgent: req.headers["user-agent"],
            latency: latencySince(started),
          },
        });
      },
      (error: unknown) => {
        requestLogger().error("request failed", { error });
        if (!res.headersSent) sendEmpty(res, 500);
        else res.destroy();
      },
    );
  }) as ListenerHandler;
  handler.beginShutdown = () => {
    shuttingDown = true;
  };
  Object.defineProperty(handler, "replayCache", { value: replayCache });
  Object.defineProperty(handler, "inFlight", { value: inFlight });
  return handler;
}
