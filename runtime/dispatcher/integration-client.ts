/**
 * Executes an Application Integration through its REST API
 * (https://cloud.google.com/application-integration/docs/reference/rest/v1/projects.locations.integrations/execute)
 * and classifies the answer for Pub/Sub: done, retry later (transient) or never going to work (permanent).
 *
 * Plain `fetch` (Node's undici, keep-alive pooled) with headers from google-auth-library rather than the client's
 * own `request()`: we need the raw status of every answer and an abort at our deadline, not gaxios' retries.
 */
import type { ConnectorEventPayload } from "../shared/connector-event-payload";

/** What google-auth-library's `GoogleAuth` and `AuthClient` offer; tests pass a fixed-token stand-in. */
export interface RequestHeadersSource {
  getRequestHeaders(url?: string): Promise<Headers | Record<string, string>>;
}

export type ExecutionOutcome =
  | { kind: "success"; httpStatus: number; executionId?: string }
  | { kind: "transient"; reason: string; detail: string; httpStatus?: number }
  | { kind: "permanent"; reason: string; detail: string; httpStatus: number };

export interface IntegrationTarget {
  integration: string;
  triggerId: string;
}

export interface IntegrationClientOptions {
  /** e.g. https://integrations.googleapis.com, without trailing slash. */
  endpoint: string;
  project: string;
  location: string;
  auth: RequestHeadersSource;
  timeoutMs: number;
}

/** Google's statuses worth retrying: auth refresh (401), timeouts, ABORTED (409), quota (429) and server errors. */
const TRANSIENT_STATUSES = new Set([401, 408, 409, 425, 429]);
const DETAIL_LIMIT = 500;

/** Internal. Exported for testing: where an HTTP status leads. */
export function classifyStatus(status: number): "success" | "transient" | "permanent" {
  if (status >= 200 && status < 300) return "success";
  if (status >= 500 || TRANSIENT_STATUSES.has(status)) return "transient";
  return "permanent";
}

/** Machine code for the dead-letter `reason` attribute. */
function permanentReason(status: number): string {
  if (status === 400) return "integration-rejected";
  if (status === 403) return "integration-forbidden";
  if (status === 404) return "integration-not-found";
  return "integration-failed";
}

/** Google's error body is `{error: {code, message, status}}`; keep its words, bounded, for the logs and dead letter. */
function errorDetail(status: number, text: string): string {
  let detail = `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { status?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error.message === "string") {
      detail += ` ${typeof parsed.error.status === "string" ? parsed.error.status + ": " : ""}${parsed.error.message}`;
    }
  } catch {
    if (text.trim() !== "") detail += ` ${text.trim()}`;
  }
  return detail.length > DETAIL_LIMIT ? detail.slice(0, DETAIL_LIMIT - 3) + "..." : detail;
}

export class IntegrationClient {
  constructor(private readonly options: IntegrationClientOptions) {}

  executeUrl(integration: string): string {
    const { endpoint, project, location } = this.options;
    return `${endpoint}/v1/projects/${project}/locations/${location}/integrations/${encodeURIComponent(integration)}:execute`;
  }

  async execute(target: IntegrationTarget, payload: ConnectorEventPayload): Promise<ExecutionOutcome> {
    const url = this.executeUrl(target.integration);
    // ValueType.jsonValue is a string holding JSON, not a JSON object.
    const body = JSON.stringify({
      triggerId: target.triggerId,
      inputParameters: { ConnectorEventPayload: { jsonValue: JSON.stringify(payload) } },
    });
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let headers: Headers;
    try {
      headers = new Headers(await this.options.auth.getRequestHeaders(url));
    } catch (error) {
      // Metadata server hiccups and token endpoint outages pass; never echo the error's request (it may carry secrets).
      return {
        kind: "transient",
        reason: "credentials-unavailable",
        detail: `could not get an access token: ${(error as Error).name}`,
      };
    }
    headers.set("content-type", "application/json");
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method: "POST", headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) {
        return {
          kind: "transient",
          reason: "execution-timeout",
          detail: `no answer within ${this.options.timeoutMs} ms`,
        };
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      return { kind: "transient", reason: "network-error", detail: `request failed: ${cause}` };
    }
    const kind = classifyStatus(response.status);
    if (kind === "success") {
      let executionId: string | undefined;
      try {
        const parsed = JSON.parse(text) as { executionId?: unknown };
        if (typeof parsed.executionId === "string") executionId = parsed.executionId;
      } catch {
        // A 2xx is a success whatever its body; the id is only for the log.
      }
      return { kind, httpStatus: response.status, executionId };
    }
    const detail = errorDetail(response.status, text);
    if (kind === "transient") return { kind, reason: "integration-unavailable", detail, httpStatus: response.status };
    return { kind, reason: permanentReason(response.status), detail, httpStatus: response.status };
  }
}
