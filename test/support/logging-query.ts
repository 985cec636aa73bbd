/**
 * Just enough of Cloud Logging to check our log-based metrics against the lines the runtime writes:
 * - `toLogEntry`: a structured stdout line as Cloud Run's agent stores it. `severity`, `httpRequest`, `time` and the
 *   `logging.googleapis.com/*` fields move to the LogEntry; everything else, `message` included, stays in
 *   `jsonPayload` (https://cloud.google.com/logging/docs/structured-logging#special-payload-fields).
 * - `matches`: the subset of the Logging query language the filters use: comparisons `path = "v"`, `!=`, `=~` (RE2
 *   regular expression, searched anywhere in the value), bare words as values, `AND`, `OR` (in this language `OR` binds tighter than `AND`,
 *   https://cloud.google.com/logging/docs/view/logging-query-language#boolean-expressions) and parentheses. Anything
 *   else throws, so a filter using more than this is noticed rather than misjudged.
 * - `extract`: a label extractor `EXTRACT(path)`.
 */

export interface LogEntry {
  resource: { type: string; labels: Record<string, string> };
  severity?: string;
  httpRequest?: unknown;
  timestamp?: string;
  trace?: string;
  jsonPayload: Record<string, unknown>;
}

const MOVED_TO_ENTRY: Record<string, keyof LogEntry> = {
  severity: "severity",
  httpRequest: "httpRequest",
  time: "timestamp",
  "logging.googleapis.com/trace": "trace",
};

export function toLogEntry(line: Record<string, unknown>, resource: LogEntry["resource"]): LogEntry {
  const entry: LogEntry = { resource, jsonPayload: {} };
  for (const [key, value] of Object.entries(line)) {
    const target = MOVED_TO_ENTRY[key];
    if (target !== undefined) (entry as unknown as Record<string, unknown>)[target] = value;
    else if (!key.startsWith("logging.googleapis.com/")) entry.jsonPayload[key] = value;
  }
  return entry;
}

function valueAt(entry: LogEntry, path: string): unknown {
  return path.split(".").reduce<unknown>((node, part) => {
    if (node === null || typeof node !== "object") return undefined;
    return (node as Record<string, unknown>)[part];
  }, entry);
}

type Token = { kind: "word" | "string" | "op" | "paren"; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|(!=|=~|=)|([A-Za-z0-9_./-]+))/y;
  let at = 0;
  while (at < filter.length) {
    if (/^\s*$/.test(filter.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(filter);
    if (!match) throw new Error(`cannot read the filter at ${JSON.stringify(filter.slice(at, at + 20))}`);
    at = pattern.lastIndex;
    if (match[1] || match[2]) tokens.push({ kind: "paren", text: match[1] ?? match[2] });
    else if (match[3]) tokens.push({ kind: "string", text: JSON.parse(match[3]) as string });
    else if (match[4]) tokens.push({ kind: "op", text: match[4] });
    else tokens.push({ kind: "word", text: match[5] });
  }
  return tokens;
}

export function matches(filter: string, entry: LogEntry): boolean {
  const tokens = tokenize(filter);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const take = (): Token => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`filter ends too early: ${filter}`);
    return token;
  };

  function and(): boolean {
    let result = or();
    while (peek()?.kind === "word" && peek()?.text === "AND") {
      take();
      result = or() && result;
    }
    return result;
  }
  function or(): boolean {
    let result = term();
    while (peek()?.kind === "word" && peek()?.text === "OR") {
      take();
      result = term() || result;
    }
    return result;
  }
  function term(): boolean {
    const token = take();
    if (token.kind === "paren" && token.text === "(") {
      const result = and();
      const close = take();
      if (close.text !== ")") throw new Error(`expected ) in ${filter}`);
      return result;
    }
    if (token.kind !== "word") throw new Error(`expected a field path, got ${token.text} in ${filter}`);
    const op = take();
    if (op.kind !== "op") throw new Error(`expected a comparison after ${token.text} in ${filter}`);
    const value = take();
    if (value.kind !== "string" && value.kind !== "word") throw new Error(`expected a value in ${filter}`);
    const actual = valueAt(entry, token.text);
    const text = actual === undefined || actual === null ? undefined : String(actual);
    if (op.text === "=") return text === value.text;
    if (op.text === "!=") return text !== value.text;
    return text !== undefined && new RegExp(value.text).test(text);
  }

  const result = and();
  if (at !== tokens.length) throw new Error(`unread tokens after position ${at} in ${filter}`);
  return result;
}

/** A label extractor `EXTRACT(<path>)`: the field's value as a string, or undefined when absent. */
export function extract(extractor: string, entry: LogEntry): string | undefined {
  const path = /^EXTRACT\(([A-Za-z0-9_.]+)\)$/.exec(extractor)?.[1];
  if (path === undefined) throw new Error(`unsupported extractor ${extractor}`);
  const value = valueAt(entry, path);
  return value === undefined || value === null ? undefined : String(value);
}
