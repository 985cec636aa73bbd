/**
 * Structured JSON logs in Cloud Logging's format: one JSON object per line on stdout, with `severity`, `message`,
 * optional `httpRequest`, and `logging.googleapis.com/trace` when the request carried X-Cloud-Trace-Context and the
 * project is known. Cloud Run's agent parses these lines; locally they stay readable with `jq`.
 *
 * API (stable, shared by the listener and the dispatcher):
 * - `new Logger({ write?, level?, projectId?, fields? })`; `logger.debug|info|warn|error(message, fields?)`.
 * - `logger.child(fields)`: a logger adding `fields` to every line; `logger.forRequest(traceHeader)`: adds the trace.
 * - `captureLogs(level?)`: `{ logger, entries }` for tests; `entries` are the parsed lines.
 * - `traceFields(projectId, header)`: the trace fields for a header value, or {}.
 * Secrets: any field whose key names a secret (secret, token, password, authorization, signature, apiKey) is
 * replaced by "[redacted]" whatever its depth, so a careless caller still cannot leak one.
 */

export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

const SEVERITY_RANK: Record<Severity, number> = { DEBUG: 100, INFO: 200, WARNING: 400, ERROR: 500 };

/** Cloud Logging's HttpRequest (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#HttpRequest). */
export interface HttpRequestLog {
  requestMethod: string;
  requestUrl: string;
  status?: number;
  requestSize?: string;
  responseSize?: string;
  userAgent?: string;
  remoteIp?: string;
  /** Duration as Cloud Logging wants it: "0.012s". */
  latency?: string;
}

export type LogFields = Record<string, unknown> & { httpRequest?: HttpRequestLog };

export interface LoggerOptions {
  /** Where a finished line goes (without the trailing newline added here). Default: process.stdout. */
  write?: (line: string) => void;
  /** Lowest severity written. Default: LOG_LEVEL env var, else INFO. */
  level?: Severity;
  /** Needed to build `logging.googleapis.com/trace`; default GOOGLE_CLOUD_PROJECT. */
  projectId?: string;
  /** Fields on every line (e.g. role, service). */
  fields?: Record<string, unknown>;
}

const SECRET_KEY = /secret|token|password|authorization|signature|api[-_]?key/i;
const REDACTED = "[redacted]";

/** JSON.stringify replacer: redacts secret-named keys and renders errors and bigints. */
function redact(this: unknown, key: string, value: unknown): unknown {
  if (key !== "" && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== "") return REDACTED;
  if (value instanceof Error)
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function traceFields(projectId: string | undefined, header: string | undefined): Record<string, string> {
  if (!projectId || !header) return {};
  // X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1 (the span and options are optional).
  const slash = header.indexOf("/");
  const traceId = slash === -1 ? header.split(";")[0] : header.slice(0, slash);
  if (!/^[0-9a-f]{1,32}$/i.test(traceId)) return {};
  const fields: Record<string, string> = { "logging.googleapis.com/trace": `projects/${projectId}/traces/${traceId}` };
  const span = slash === -1 ? undefined : header.slice(slash + 1).split(";")[0];
  if (span && /^\d+$/.test(span)) fields["logging.googleapis.com/spanId"] = span;
  return fields;
}

function levelFromEnv(): Severity {
  const value = (process.env.LOG_LEVEL ?? "").toUpperCase();
  if (value === "WARN") return "WARNING";
  return value in SEVERITY_RANK ? (value as Severity) : "INFO";
}

export class Logger {
  private readonly write: (line: string) => void;
  private readonly minRank: number;
  private readonly level: Severity;
  private readonly projectId: string | undefined;
  private readonly fields: Record<string, unknown>;

  constructor(options: LoggerOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(line + "\n"));
    this.level = options.level ?? levelFromEnv();
    this.minRank = SEVERITY_RANK[this.level];
    this.projectId = options.projectId ?? process.env.GOOGLE_CLOUD_PROJECT;
    this.fields = options.fields ?? {};
  }

  child(fields: Record<string, unknown>): Logger {
    return new Logger({
      write: this.write,
      level: this.level,
      projectId: this.projectId,
      fields: { ...this.fields, ...fields },
    });
  }

  /** A logger whose lines join the request's trace in Cloud Logging (header: X-Cloud-Trace-Context). */
  forRequest(traceHeader: string | undefined): Logger {
    const trace = traceFields(this.projectId, traceHeader);
    return Object.keys(trace).length === 0 ? this : this.child(trace);
  }

  isEnabled(severity: Severity): boolean {
    return SEVERITY_RANK[severity] >= this.minRank;
  }

  debug(message: string, fields?: LogFields): void {
    this.log("DEBUG", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log("INFO", message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log("WARNING", message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log("ERROR", message, fields);
  }

  log(severity: Severity, message: string, fields?: LogFields): void {
    if (SEVERITY_RANK[severity] < this.minRank) return;
    const entry = { severity, message, ...this.fields, ...fields, time: new Date().toISOString() };
    this.write(JSON.stringify(entry, redact));
  }
}

export interface LogEntry {
  severity: Severity;
  message: string;
  [field: string]: unknown;
}

/** A logger that keeps its lines in memory (parsed), for tests. */
export function captureLogs(level: Severity = "DEBUG", projectId?: string): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = new Logger({ level, projectId, write: (line) => entries.push(JSON.parse(line) as LogEntry) });
  return { logger, entries };
}

/** Cloud Logging's latency format from a start time taken with process.hrtime.bigint(). */
export function latencySince(startNs: bigint): string {
  return `${(Number(process.hrtime.bigint() - startNs) / 1e9).toFixed(6)}s`;
}
