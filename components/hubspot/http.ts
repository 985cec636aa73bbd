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
  options: { body?: unknown; allowNotFound?: boolean; policy?: RetryPolicy } = {},
): Promise<HubSpotResponse> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const { Client } = require("@hubspot/api-client") as typeof import("@hubspot/api-client");
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const path = `/webhooks/${target.apiVersion}/${encodeURIComponent(target.appId)}${subpath}`;
  // No SDK retries or limiter: ours below honour HubSpot's headers and stay local to this call.
  const client = new Client({
    basePath: target.baseUrl.replace(/\/+$/, ""),
    numberOfApiCallRetries: 0,
    ...(target.credentialKind === "developerApiKey"
      ? { developerApiKey: target.credential }
      : { accessToken: target.credential }),
  });
  const authType = target.credentialKind === "developerApiKey" ? "developerApiKey" : "accessToken";

  for (let attempt = 1; ; attempt++) {
    let response: Awaited<ReturnType<typeof client.apiRequest>>;
    try {
      response = await client.apiRequest({ method, path, authType, body: options.body });
    } catch (cause) {
      // Network failures (node-fetch puts the full URL, hapikey included, in its message): retry, then redact.
      if (attempt < policy.maxAttempts) {
        await sleep(retryDelayMs(attempt, () => null, policy));
        continue;
      }
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        redact(`HubSpot ${method} ${path} failed after ${attempt} attempts: ${reason}`, target.credential),
      );
    }
    const raw = await response.text();
    let body: unknown = raw;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      // Not JSON (a proxy's HTML error page): keep the text for the error message.
    }
    if (response.ok) return { status: response.status, body };
    if (response.status === 404 && options.allowNotFound) return { status: 404, body };
    if (isRetryable(response.status) && attempt < policy.maxAttempts) {
      await sleep(retryDelayMs(attempt, (name) => response.headers.get(name), policy));
      continue;
    }
    throw apiError(response.status, method, path, body, target.credential);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
