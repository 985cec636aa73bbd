/**
 * What a hostile case may use to build its request(s): the listener's address, fresh valid batches (unique per call,
 * so one case's events never count as another case's replays), and HubSpot v3 signatures computed the way HubSpot
 * computes them for the URI the case targets (the corpus listener has no PUBLIC_URL: it verifies
 * `https://` + Host + path and query, which lets cases attack the Host, the path and the query).
 */
import { batchJson, sampleEvents, type SampleEvent, type SampleEventType } from "../../testing/sample-events";
import { signV3 } from "../../runtime/listener/signature/sign";
import type { HttpRequest, Pause, RawRequest } from "./clients";

export const WEBHOOK = "/webhooks/hubspot";
export const SECRET = "hostile-corpus-secret-7d41c0b2";

export interface SignOptions {
  method?: string;
  /** Path and query as sent on the request line; default the webhook path. */
  path?: string;
  host?: string;
  /** Overrides the whole signed URI (what HubSpot would have signed), else https:// + host + path. */
  uri?: string;
  timestamp?: number | string;
  secret?: string;
}

export interface PostOptions extends SignOptions {
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Sign this body instead of the one sent (tampering). */
  signedBody?: string | Buffer;
}

export interface RawPostOptions extends PostOptions {
  /** Extra header lines written verbatim (duplicates, NULs...). */
  lines?: string[];
  /** Content-Length header value; null: none. Default the body's length. */
  contentLength?: string | null;
  /** Parts written after the headers instead of the body (trickling). */
  bodyParts?: ReadonlyArray<Buffer | string | Pause>;
}

export class CorpusContext {
  private nextPortal = 90_000_000n;

  constructor(
    /** 127.0.0.1:PORT, as the Host header. */
    readonly host: string,
    readonly now: () => number = Date.now,
  ) {}

  /** Events nobody sent before: a portal id of their own. */
  events(count = 3, type: SampleEventType = "deal.propertyChange"): SampleEvent[] {
    this.nextPortal += 1n;
    return sampleEvents(type, count, { portalId: this.nextPortal, now: this.now() });
  }

  batch(count = 3, type: SampleEventType = "deal.propertyChange"): string {
    return batchJson(this.events(count, type));
  }

  /** One valid event's JSON object text, without the array brackets (to splice into hand-made batches). */
  eventText(type: SampleEventType = "contact.creation"): string {
    return batchJson(this.events(1, type)).slice(1, -1);
  }

  signatureHeaders(body: string | Buffer, options: SignOptions = {}): Record<string, string> {
    const timestamp = String(options.timestamp ?? this.now());
    const uri = options.uri ?? `https://${options.host ?? this.host}${options.path ?? WEBHOOK}`;
    const signature = signV3({
      secret: options.secret ?? SECRET,
      method: options.method ?? "POST",
      uri,
      body,
      timestamp,
    });
    return { "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": timestamp };
  }

  /** A signed `node:http` POST (Content-Length set by the client). */
  post(body: string | Buffer, options: PostOptions = {}): HttpRequest {
    const contentType = options.contentType === undefined ? "application/json" : options.contentType;
    return {
      transport: "http",
      method: options.method ?? "POST",
      path: options.path ?? WEBHOOK,
      headers: {
        ...(contentType === null ? {} : { "content-type": contentType }),
        ...this.signatureHeaders(options.signedBody ?? body, options),
        ...options.headers,
      },
      body: Buffer.from(body),
    };
  }

  /** A signed POST written byte for byte on a socket. */
  rawPost(body: string | Buffer, options: RawPostOptions = {}): RawRequest {
    const bytes = Buffer.from(body);
    const signature = this.signatureHeaders(options.signedBody ?? bytes, options);
    const contentLength = options.contentLength === undefined ? String(bytes.length) : options.contentLength;
    const head = [
      `${options.method ?? "POST"} ${options.path ?? WEBHOOK} HTTP/1.1`,
      `Host: ${options.host ?? this.host}`,
      ...(options.contentType === null ? [] : [`Content-Type: ${options.contentType ?? "application/json"}`]),
      `X-HubSpot-Signature-v3: ${signature["x-hubspot-signature-v3"]}`,
      `X-HubSpot-Request-Timestamp: ${signature["x-hubspot-request-timestamp"]}`,
      ...(contentLength === null ? [] : [`Content-Length: ${contentLength}`]),
      "Connection: close",
      ...(options.lines ?? []),
    ].join("\r\n");
    return { transport: "raw", parts: [`${head}\r\n\r\n`, ...(options.bodyParts ?? [bytes])] };
  }

  /** Any bytes on a socket, request line included. */
  raw(...parts: Array<Buffer | string | Pause>): RawRequest {
    return { transport: "raw", parts };
  }

  /** An unsigned request through node:http. */
  plain(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): HttpRequest {
    return { transport: "http", method, path, headers, body };
  }
}
