import {
  hubspotAgent,
  PROXY_REFUSED,
  proxyRefusal,
  type HubSpotAgentOptions,
} from "../../contract/hubspot-transport-agent";
import type { HubSpotTransportSettings } from "../../contract/hubspot-transport";
import type { ApiTarget } from "./types";

/*
 * HTTP to HubSpot's webhooks API with the caller's credential, bounded retries and readable errors.
 *
 * Everything here runs inside the serialized dynamic provider, so npm packages are `require`d inside functions (a
 * top-level import would be captured as a deep module path) and nothing here holds a credential between calls.
 */

/** How often and how long to retry 429 and 5xx answers. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 60_000 };

/** A HubSpot error answer, with the fields HubSpot support asks for. Never carries the credential. */
export interface HubSpotApiError extends Error {
  status: number;
  category: string;
  correlationId?: string;
  subCategory?: string;
}

export interface HubSpotResponse {
  status: number;
  body: unknown;
}

type HeaderReader = (name: string) => string | null;

/**
 * How long to wait before retrying, honouring what HubSpot says. Written by hand because the SDK's RetryDecorator
 * ignores Retry-After and the X-HubSpot-RateLimit-* headers and its settings are process-wide (every `new Client`
 * replaces them for all clients in the process). Internal. Exported for testing.
 */
export function retryDelayMs(attempt: number, header: HeaderReader, policy: RetryPolicy, now = Date.now()): number {
  // HubSpot's own hints win; exponential backoff only when it gives none (a bare 5xx or a network failure).
  const hints: number[] = [];
  const retryAfter = header("retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) hints.push(seconds * 1000);
    else if (!Number.isNaN(Date.parse(retryAfter))) hints.push(Math.max(0, Date.parse(retryAfter) - now));
  }
  // HubSpot's rolling window: Remaining 0 means the window (Interval-Milliseconds, 10 s by default) must pass.
  if (header("x-hubspot-ratelimit-remaining") === "0") {
    const interval = Number(header("x-hubspot-ratelimit-interval-milliseconds") ?? "10000");
    hints.push(Number.isFinite(interval) && interval > 0 ? interval : 10_000);
  }
  if (header("x-hubspot-ratelimit-secondly-remaining") === "0") hints.push(1000);
  const delay = hints.length > 0 ? Math.max(...hints) : policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, delay);
}

/** Removes the credential (and any hapikey query parameter) from text that may end up in logs or errors. */
export function redact(text: string, secret: string): string {
  const withoutKey = text.replace(/([?&]hapikey=)[^&\s"']*/gi, "$1[redacted]");
  return secret.length > 0 ? withoutKey.split(secret).join("[redacted]") : withoutKey;
}

function apiError(status: number, method: string, path: string, body: unknown, secret: string): HubSpotApiError {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (key: string): string | undefined =>
    typeof fields[key] === "string" ? (fields[key] as string) : undefined;
  const category = text("category") ?? `HTTP_${status}`;
  const correlationId = text("correlationId");
  const detail = text("message") ?? (typeof body === "string" && body.length > 0 ? body.slice(0, 300) : "no message");
  const message = redact(
    `HubSpot ${method} ${path} failed: HTTP ${status} ${category}: ${detail}` +
      (correlationId ? ` (correlationId ${correlationId})` : ""),
    secret,
  );
  const error = new Error(message) as HubSpotApiError;
  error.name = "HubSpotApiError";
  error.status = status;
  error.category = category;
  error.correlationId = correlationId;
  error.subCategory = text("subCategory");
  return error;
}

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * One call to `/webhooks/<version>/<appId><subpath>` through the SDK's `apiRequest`, which puts a developer API key
 * in the `hapikey` query parameter and an OAuth token in `Authorization: Bearer` (the generated webhooks client sends
 * no credential when given only an access token). 404 is returned to the caller when `allowNotFound`, so reads and
 * deletes can treat "already gone" as an answer.
 */
export async function hubspotRequest(
  target: ApiTarget,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  subpath: string,
  options: { body?: unknown; allowNotFound?: boolean; policy?: RetryPolicy; agentOptions?: HubSpotAgentOptions } = {},
): Promise<HubSpotResponse> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const path = `/webhooks/${target.apiVersion}/${encodeURIComponent(target.appId)}${subpath}`;
  const transport: HubSpotTransportSettings = { baseUrl: target.baseUrl.replace(/\/+$/, ""), ...target.transport };
  const send = sdkRequest(target, transport, options.agentOptions);
  // Whatever reaches an error message: the credential and the proxy password, both redacted.
  const secrets = [target.credential, target.transport?.proxy?.password ?? ""];
  const redactAll = (text: string) => secrets.reduce(redact, text);

  for (let attempt = 1; ; attempt++) {
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send({ method, path, body: options.body });
    } catch (cause) {
      // Network failures (node-fetch puts the full URL, hapikey included, in its message): retry, then redact. A
      // proxy that refused the credentials will refuse them again: no retry.
      const refused = (cause as { code?: unknown }).code === PROXY_REFUSED;
      if (attempt < policy.maxAttempts && !refused) {
        await sleep(retryDelayMs(attempt, () => null, policy));
        continue;
      }
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(redactAll(`HubSpot ${method} ${path} failed after ${attempt} attempts: ${reason}`));
    }
    const raw = await response.text();
    let body: unknown = raw;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      // Not JSON (a proxy's HTML error page): keep the text for the error message.
    }
    if (response.ok) return { status: response.status, body };
    // A forwarding proxy's 407 reaches us as a response: HubSpot never sends one.
    const refused = proxyRefusal(transport, response.status);
    if (refused) throw new Error(redactAll(`HubSpot ${method} ${path} failed: ${refused.message}`));
    if (response.status === 404 && options.allowNotFound) return { status: 404, body };
    if (isRetryable(response.status) && attempt < policy.maxAttempts) {
      await sleep(retryDelayMs(attempt, (name) => response.headers.get(name), policy));
      continue;
    }
    const error = apiError(response.status, method, path, body, target.credential);
    error.message = redactAll(error.message);
    throw error;
  }
}

type FetchResponse = import("node-fetch").Response;

/**
 * One request as @hubspot/api-client's `apiRequest` sends it, with the transport's agent. `apiRequest` cannot take an
 * agent: 13.5.0's HttpClient.send hands node-fetch only `request.getSendData()` (lib/src/services/http/HttpClient.js),
 * whatever `httpAgent` the client has, and its `Request` is not exported. So this sends with the same HTTP client
 * (node-fetch 2) and places the credential as its `Request.applyAuth` does (lib/src/services/http/Request.js): a
 * developer API key in the `hapikey` query parameter, an OAuth token as `Authorization: Bearer`.
 */
function sdkRequest(
  target: ApiTarget,
  transport: HubSpotTransportSettings,
  agentOptions: HubSpotAgentOptions | undefined,
): (call: { method: string; path: string; body?: unknown }) => Promise<FetchResponse> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const fetch = require("node-fetch") as typeof import("node-fetch").default;
  const agent = hubspotAgent(transport, agentOptions);
  return ({ method, path, body }) => {
    const url = new URL(transport.baseUrl + path);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json, */*;q=0.8",
    };
    if (target.credentialKind === "developerApiKey") url.searchParams.set("hapikey", target.credential);
    else headers.Authorization = `Bearer ${target.credential}`;
    return fetch(url.href, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(agent ? { agent } : {}),
    });
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
