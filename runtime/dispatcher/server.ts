/**
 * Node HTTP glue for the dispatcher: routes, body reading and answers. The decisions live in PushHandler.
 * Who may call is Cloud Run's business: the service is private and only the push identity holds run.invoker, so
 * the OIDC token Pub/Sub attaches is verified before a request reaches this process.
 */
import { HTTP_PATHS } from "../../contract/http";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { BodyTooLargeError, readBody, sendEmpty, sendJson } from "../shared/http";
import type { Logger } from "../shared/log";
import type { PushHandler } from "./push-handler";

export const PUSH_PATH = HTTP_PATHS.push;
/** Pub/Sub messages are at most 10 MB; base64 and the envelope add a third. */
export const MAX_PUSH_BODY_BYTES = 16 * 1024 * 1024;

export interface DispatcherServerOptions {
  handler: PushHandler;
  logger: Logger;
  /** False while draining: /readyz then answers 503 so no new traffic is routed here. */
  isReady: () => boolean;
}

export function createDispatcherServer(options: DispatcherServerOptions): Server {
  const { handler, logger, isReady } = options;

  async function onPush(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = logger.forRequest(header(req, "x-cloud-trace-context"));
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_PUSH_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: error.message });
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      log.warn("push rejected: body is not JSON", { outcome: "invalid-envelope" });
      return sendJson(res, 400, { error: "invalid push envelope", detail: "body: is not JSON" });
    }
    const result = await handler.handle(body, log);
    if (result.body) sendJson(res, result.status, result.body);
    else sendEmpty(res, result.status);
  }

  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === PUSH_PATH) {
      if (req.method !== "POST") return sendJson(res, 405, { error: "method not allowed" }, { allow: "POST" });
      onPush(req, res).catch((error: unknown) => {
        // A bug, not a verdict on the message: 500 lets Pub/Sub redeliver it.
        logger.error("push handling crashed", { outcome: "error", error });
        if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
        else res.destroy();
      });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD")
      return sendJson(res, 405, { error: "method not allowed" }, { allow: "GET" });
    if (path === HTTP_PATHS.health) return sendJson(res, 200, { status: "ok" });
    if (path === HTTP_PATHS.ready)
      return isReady() ? sendJson(res, 200, { status: "ready" }) : sendJson(res, 503, { status: "draining" });
    sendJson(res, 404, { error: "not found" });
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
