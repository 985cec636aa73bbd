/**
 * Small node:http helpers shared by both roles (Node glue only; no business logic).
 *
 * API (stable):
 * - `readBody(req, maxBytes)`: the raw body as one Buffer; rejects with `BodyTooLargeError` as soon as more than
 *   `maxBytes` arrived (or Content-Length announces it), without buffering the rest.
 * - `sendJson(res, status, body, headers?)`, `sendEmpty(res, status, headers?)`.
 * - `isJsonContentType(header)`: `application/json` or `application/*+json`, any parameters.
 * - `closeServer(server, graceMs)`: stop accepting, let in-flight requests finish, then drop idle keep-alives.
 */
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from "node:http";
import { Server as NetServer } from "node:net";

const netServerClose = NetServer.prototype.close;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const announced = Number(req.headers["content-length"]);
  if (announced > maxBytes) {
    req.resume(); // drain, so the socket can carry the 413
    return Promise.reject(new BodyTooLargeError(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...headers, "content-length": 0 });
  res.end();
}

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const mediaType = header.split(";")[0].trim().toLowerCase();
  return mediaType === "application/json" || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
}

/** Resolves once every connection is closed or `graceMs` passed (then remaining sockets are destroyed). */
/**
 * Until this long after the listening socket closed, connections that hold no parsed request yet are left alone:
 * one accepted just before the close may carry a request the parser has not read yet (the event loop was busy with
 * others). Node's own `server.close()` destroys such "idle" connections at once (Node >= 19), which resets a request
 * the client did send (ECONNRESET; the SIGTERM fault test caught it).
 */
const FRESH_CONNECTION_GRACE_MS = 500;

export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    let sweeper: NodeJS.Timeout | undefined;
    // After the grace, sweep idle keep-alive connections: one whose request finishes after the close stays open
    // until its keep-alive timeout otherwise.
    const startSweeping = setTimeout(() => {
      server.closeIdleConnections();
      sweeper = setInterval(() => server.closeIdleConnections(), 50);
    }, FRESH_CONNECTION_GRACE_MS);
    // The answers given while draining end their connection, so keep-alive clients do not send more.
    server.on("request", (_req: IncomingMessage, res: ServerResponse) => res.setHeader("connection", "close"));
    // net.Server's close, not http.Server's: the latter first destroys every connection without a parsed request.
    netServerClose.call(server, () => {
      clearTimeout(timer);
      clearTimeout(startSweeping);
      clearInterval(sweeper);
      resolve();
    });
  });
}
