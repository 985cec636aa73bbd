/**
 * The two ways the hostile corpus reaches the listener:
 * - `sendRaw`: bytes written on a `node:net` socket exactly as given (with pauses between parts), for what an HTTP
 *   client would normalise or refuse to send: duplicated headers, invalid request lines, NUL bytes, trickling.
 * - `sendHttp`: `node:http`, for well-formed requests with large bodies (with Content-Length, or chunked without it).
 * Both resolve with the status of the first response, or 0 when the server closed the connection without answering.
 */
import { request, type OutgoingHttpHeaders } from "node:http";
import { connect } from "node:net";

export interface Pause {
  pauseMs: number;
}

export interface RawRequest {
  transport: "raw";
  /** Written in order; a Pause waits before the next part (a trickling client). */
  parts: ReadonlyArray<Buffer | string | Pause>;
}

export interface HttpRequest {
  transport: "http";
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
  /** Send the body in 64 KiB chunks with Transfer-Encoding: chunked and no Content-Length. */
  chunked?: boolean;
}

export type HostileRequest = RawRequest | HttpRequest;

export interface HostileResponse {
  /** 0: the connection closed (or reset) before a status line arrived. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Target {
  host: string;
  port: number;
  /** Give up (and fail the case) after this long without a complete answer. */
  timeoutMs: number;
}

const HEADER_END = "\r\n\r\n";

/**
 * The first final response on a raw socket: status line, headers, then Content-Length bytes of body (a body without
 * Content-Length, such as Node's chunked "0" on its own 400s, is not read). Interim 1xx answers are skipped.
 */
function parseResponse(data: Buffer): HostileResponse | undefined {
  const end = data.indexOf(HEADER_END);
  if (end === -1) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  if (status >= 100 && status < 200) return parseResponse(data.subarray(end + HEADER_END.length));
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  const bodyStart = end + HEADER_END.length;
  if (data.length - bodyStart < length) return undefined;
  return { status, headers, body: data.subarray(bodyStart, bodyStart + length).toString("utf8") };
}

export function sendRaw(target: Target, raw: RawRequest): Promise<HostileResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, target.host);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: HostileResponse | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer within ${target.timeoutMs} ms (raw socket still open)`)),
      target.timeoutMs,
    );
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = parseResponse(received);
      if (response) finish(response);
    });
    // A reset after (or instead of) the answer is the server's right: judge by what arrived.
    const closed = () => finish(parseResponse(received) ?? { status: 0, headers: {}, body: "" });
    socket.on("close", closed);
    socket.on("error", closed);
    socket.once("connect", async () => {
      for (const part of raw.parts) {
        if (settled || socket.destroyed) return;
        if (typeof part === "object" && "pauseMs" in part) {
          await new Promise((wait) => setTimeout(wait, part.pauseMs));
        } else if (!socket.write(part)) {
          await new Promise((drained) => socket.once("drain", drained));
        }
      }
    });
  });
}

const CHUNK = 64 * 1024;

export function sendHttp(target: Target, http: HttpRequest): Promise<HostileResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: HostileResponse | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const headers: OutgoingHttpHeaders = { ...http.headers };
    if (http.body && !http.chunked) headers["content-length"] = http.body.length;
    const req = request(
      { host: target.host, port: target.port, method: http.method, path: http.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          finish({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([name, value]) => [name, String(value)] as const),
            ),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", () => finish({ status: res.statusCode ?? 0, headers: {}, body: "" }));
      },
    );
    const timer = setTimeout(() => finish(new Error(`no answer within ${target.timeoutMs} ms`)), target.timeoutMs);
    // The server may answer 413 and close while we still write: an EPIPE/ECONNRESET then is expected, and only
    // counts as "no answer" when no response came first (the response callback settles before).
    req.on("error", () => setTimeout(() => finish({ status: 0, headers: {}, body: "" }), 50));
    void (async () => {
      const body = http.body ?? Buffer.alloc(0);
      for (let offset = 0; offset < body.length && !settled; offset += CHUNK) {
        if (!req.write(body.subarray(offset, offset + CHUNK))) {
          await new Promise((drained) => req.once("drain", drained));
        }
      }
      if (!settled) req.end();
    })().catch(() => undefined);
  });
}

export function send(target: Target, hostile: HostileRequest): Promise<HostileResponse> {
  return hostile.transport === "raw" ? sendRaw(target, hostile) : sendHttp(target, hostile);
}
