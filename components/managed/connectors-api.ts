import type * as pulumi from "@pulumi/pulumi";
import type { connectors_v1 } from "googleapis";

/*
 * Calls to the Integration Connectors v1 API through Google's typed client (`googleapis` 188, google.connectors('v1')),
 * with bounded retries of 429 / 5xx / network failures and long-running operations polled with backoff.
 *
 * Everything here runs inside the serialized dynamic providers, so `googleapis` is `require`d inside functions (a
 * top-level import would be captured as a deep module path) and no credential is held between calls: the access token
 * is read from the environment at call time, or Application Default Credentials are used.
 */

/** How often and how long to retry 429, 5xx and network failures. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * How long-running operations (and an event subscription's CREATING / UPDATING state) are polled: delays double from
 * `initialDelayMs` up to `maxDelayMs`. `timeoutMs` bounds the waiting between polls of an operation (the requests
 * themselves are not counted, so the bound is deterministic); `settleTimeoutMs` bounds the wait for an event
 * subscription to leave CREATING / UPDATING, after which its current state is reported rather than failing.
 */
export interface PollingPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  settleTimeoutMs: number;
}

/** Where and how the providers call the API. Tests point `rootUrl` at the stand-in and shorten the delays. */
export interface ApiSettings {
  /** Default https://connectors.googleapis.com/. */
  rootUrl?: string;
  retry?: RetryPolicy;
  polling?: PollingPolicy;
}

/** `ApiSettings` as a resource's args take them. */
export type ApiSettingsArgs = { [K in keyof ApiSettings]?: pulumi.Input<NonNullable<ApiSettings[K]>> };

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };
/** Connection updates take minutes in Google's console; 20 minutes is the bound before `up` gives up waiting. */
export const DEFAULT_POLLING_POLICY: PollingPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  timeoutMs: 20 * 60_000,
  settleTimeoutMs: 5 * 60_000,
};

/** The environment variable the Google provider for Pulumi/Terraform also reads for an OAuth access token. */
export const ACCESS_TOKEN_ENV = "GOOGLE_OAUTH_ACCESS_TOKEN";

/** An error answer from the API: its HTTP status and Google's message, never a request header or token. */
export interface ConnectorsApiError extends Error {
  status: number;
}

export type Connectors = connectors_v1.Connectors;
export type Operation = connectors_v1.Schema$Operation;

export interface Api {
  client: Connectors;
  retry: RetryPolicy;
  polling: PollingPolicy;
}

/** The typed client, authenticated at call time: an access token from the environment, else ADC. */
export function connectorsApi(settings: ApiSettings): Api {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see the file comment.
  const { google } = require("googleapis") as typeof import("googleapis");
  const token = process.env[ACCESS_TOKEN_ENV];
  let auth: connectors_v1.Options["auth"];
  if (token) {
    const client = new google.auth.OAuth2();
    // No expiry and no refresh token: the client sends the token as is and never calls Google's token endpoint.
    client.setCredentials({ access_token: token });
    auth = client;
  } else {
    auth = new google.auth.GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  }
  return {
    client: google.connectors({ version: "v1", auth, ...(settings.rootUrl ? { rootUrl: settings.rootUrl } : {}) }),
    retry: settings.retry ?? DEFAULT_RETRY_POLICY,
    polling: settings.polling ?? DEFAULT_POLLING_POLICY,
  };
}

/** Per-request options: the client's own retries are off, so `call` is the one place that retries. */
export const REQUEST_OPTIONS = { retry: false } as const;

interface GaxiosLike {
  response?: { status?: number; data?: unknown };
  status?: number;
  message?: string;
}

function failure(cause: unknown): { status?: number; message: string } {
  const error = (typeof cause === "object" && cause !== null ? cause : {}) as GaxiosLike;
  const status = error.response?.status ?? (typeof error.status === "number" ? error.status : undefined);
  const data = error.response?.data as { error?: { message?: unknown; status?: unknown } } | undefined;
  const googleMessage = typeof data?.error?.message === "string" ? data.error.message : undefined;
  const googleStatus = typeof data?.error?.status === "string" ? `${data.error.status}: ` : "";
  // Network failures carry only their own message (no URL with a token: the token travels in a header).
  const message = googleMessage ? `${googleStatus}${googleMessage}` : (error.message ?? String(cause));
  return { status, message };
}

function apiError(label: string, status: number | undefined, message: string, attempts: number): ConnectorsApiError {
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  const error = new Error(`Connectors API ${label} failed${after}: HTTP ${status ?? "(no answer)"} ${message}`);
  error.name = "ConnectorsApiError";
  return Object.assign(error, { status: status ?? 0 });
}

export function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

/**
 * One API call with bounded retries. `label` names the call in errors ("connections.patch projects/p/..."). With
 * `allowNotFound`, a 404 answers undefined, so reads and deletes treat "already gone" as an answer.
 */
export async function call<T>(
  api: Api,
  label: string,
  send: () => Promise<{ data: T }>,
  options: { allowNotFound?: boolean } = {},
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await send()).data;
    } catch (cause) {
      const { status, message } = failure(cause);
      if (status === 404 && options.allowNotFound) return undefined;
      if (isRetryable(status) && attempt < api.retry.maxAttempts) {
        await sleep(Math.min(api.retry.maxDelayMs, api.retry.baseDelayMs * 2 ** (attempt - 1)));
        continue;
      }
      throw apiError(label, status, message, attempt);
    }
  }
}

/** `call` for answers that must exist. */
export async function required<T>(api: Api, label: string, send: () => Promise<{ data: T }>): Promise<T> {
  return (await call(api, label, send)) as T;
}

/**
 * Polls a long-running operation until it is done; its `error` becomes a thrown error carrying Google's code and
 * message, its `response` is returned. Gives up, naming the operation, once `polling.timeoutMs` has been spent waiting.
 */
export async function waitForOperation(api: Api, label: string, started: Operation): Promise<Operation["response"]> {
  let operation = started;
  let delay = api.polling.initialDelayMs;
  let waited = 0;
  while (!operation.done) {
    if (waited >= api.polling.timeoutMs) {
      throw new Error(
        `Connectors API ${label}: operation ${operation.name} is not done after ${waited} ms of polling; it may still complete in Google (gcloud connectors operations describe ${operation.name})`,
      );
    }
    await sleep(delay);
    waited += Math.max(1, delay); // at least 1: zero delays (tests) still reach the bound
    delay = Math.min(api.polling.maxDelayMs, delay * 2);
    const name = String(operation.name);
    operation = await required(api, `operations.get ${name}`, () =>
      api.client.projects.locations.operations.get({ name }, REQUEST_OPTIONS),
    );
  }
  if (operation.error) {
    throw new Error(
      `Connectors API ${label}: operation ${operation.name} ended in error ${operation.error.code ?? ""}: ${operation.error.message ?? "no message"}`,
    );
  }
  return operation.response;
}

/**
 * Polls `read` while it reports a transitional state, within `polling.settleTimeoutMs`; returns the last answer.
 * Used for event subscriptions, which leave CREATING / UPDATING minutes after their operation is done.
 */
export async function settle<T>(api: Api, read: () => Promise<T>, transitional: (value: T) => boolean): Promise<T> {
  let value = await read();
  let delay = api.polling.initialDelayMs;
  let waited = 0;
  while (transitional(value) && waited < api.polling.settleTimeoutMs) {
    await sleep(delay);
    waited += Math.max(1, delay); // at least 1: zero delays (tests) still reach the bound
    delay = Math.min(api.polling.maxDelayMs, delay * 2);
    value = await read();
  }
  return value;
}

/** Key-order-insensitive equality of JSON values, for drift and diffs. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
