/**
 * The building blocks of the runtime environment's schemas (runtime-env.ts): one zod schema per variable, taking the
 * string the environment holds (or undefined) and giving the typed value, with what the docs and the error messages
 * say about it (the rule, the default, the description) registered in `ENV_VAR_DOCS`.
 *
 * Every message reads "<what is wrong with the value>; the rule is <rule>" and `parseEnv` prefixes the variable, so
 * a rejected revision names the variable, the value's problem and the rule. A secret's value never appears in one.
 */
import { z } from "zod";

/** What the docs and the error messages say about one variable. */
export interface EnvVarDoc {
  description: string;
  rule: string;
  /** How the variable's absence reads in the docs: its default, "required", or what unset means. */
  whenUnset: string;
  required: boolean;
  secret: boolean;
}

/** The doc of every variable schema built here, read by the docs generator (scripts/generate/runtime-env.ts). */
export const ENV_VAR_DOCS = z.registry<EnvVarDoc>();

/** One variable: the environment's string (undefined or "" when unset) in, the typed value out. */
export type EnvVar<T> = z.ZodType<T, string | undefined>;

/** A value's grammar: its rule, and a check returning the value or what is wrong with it (without the rule). */
export interface ValueType<T> {
  rule: string;
  /** The value; or what is wrong with it (the rule is appended); or complete messages, each naming its rule. */
  check(raw: string, quoted: string): { value: T } | { problem: string } | { problems: string[] };
  /** The value as the environment writes it, for a default shown in the docs. */
  show(value: T): string;
}

export interface VarOptions {
  description: string;
  /** Never echo the value in a message. */
  secret?: boolean;
}

/** Thrown by `parseEnv` with every problem of an environment at once. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n  - ${problems.join("\n  - ")}`);
    this.name = "EnvError";
  }
}

/** The value in a message: quoted, cut at 80 characters. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length > 80 ? raw.slice(0, 80) + "..." : raw);
}

function variable<T>(
  type: ValueType<T>,
  options: VarOptions,
  unset: { value: T; whenUnset: string } | { required: true },
): EnvVar<T> {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined || raw === "") {
        if ("value" in unset) return unset.value;
        ctx.addIssue({ code: "custom", message: "is missing; the rule is: required" });
        return z.NEVER;
      }
      const result = type.check(raw, options.secret ? "the value" : quote(raw));
      if ("value" in result) return result.value;
      const messages = "problem" in result ? [`${result.problem}; the rule is ${type.rule}`] : result.problems;
      for (const message of messages) ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    });
  schema.register(ENV_VAR_DOCS, {
    description: options.description,
    rule: type.rule,
    whenUnset: "value" in unset ? unset.whenUnset : "required",
    required: !("value" in unset),
    secret: options.secret ?? false,
  });
  return schema;
}

/** A variable that must be set. */
export function required<T>(type: ValueType<T>, options: VarOptions): EnvVar<T> {
  return variable(type, options, { required: true });
}

/** A variable that takes `value` when unset. */
export function withDefault<T>(type: ValueType<T>, value: T, options: VarOptions): EnvVar<T> {
  const shown = type.show(value);
  return variable(type, options, { value, whenUnset: shown === "" ? "empty" : `\`${shown}\`` });
}

/** A variable that may stay unset (undefined); `whenUnset` says what that means. */
export function optional<T>(type: ValueType<T>, options: VarOptions & { whenUnset: string }): EnvVar<T | undefined> {
  const withUndefined: ValueType<T | undefined> = {
    rule: type.rule,
    check: (raw, quoted) => type.check(raw, quoted),
    show: (value) => (value === undefined ? "" : type.show(value)),
  };
  return variable(withUndefined, options, { value: undefined, whenUnset: options.whenUnset });
}

/** Any text, or text matching `pattern` (described by `rule`). */
export function text(pattern?: RegExp, rule?: string): ValueType<string> {
  return {
    rule: rule ?? (pattern ? String(pattern) : "any text"),
    check: (raw, quoted) => (!pattern || pattern.test(raw) ? { value: raw } : { problem: `${quoted} does not match` }),
    show: (value) => value,
  };
}

/** A decimal integer in min..max. */
export function integer(min: number, max: number): ValueType<number> {
  return {
    rule: `an integer in ${min}..${max}`,
    check: (raw, quoted) => {
      if (!/^-?\d+$/.test(raw.trim())) return { problem: `${quoted} is not an integer` };
      const value = Number(raw.trim());
      return value < min || value > max ? { problem: `${value} is out of range` } : { value };
    },
    show: String,
  };
}

/** "true" or "false" (any case), as the components write a boolean with String(value). */
export function boolean(): ValueType<boolean> {
  return {
    rule: "true|false",
    check: (raw, quoted) => {
      const value = raw.trim().toLowerCase();
      if (value === "true") return { value: true };
      if (value === "false") return { value: false };
      return { problem: `${quoted} is not a boolean` };
    },
    show: String,
  };
}

export function oneOf<const V extends string>(
  values: readonly V[],
  options: { ignoreCase?: boolean } = {},
): ValueType<V> {
  const normalize = (raw: string) => (options.ignoreCase ? raw.toUpperCase() : raw);
  return {
    rule: `one of ${values.join("|")}`,
    check: (raw, quoted) => {
      const value = values.find((candidate) => normalize(candidate) === normalize(raw));
      return value === undefined ? { problem: `${quoted} is not allowed` } : { value };
    },
    show: (value) => value,
  };
}

/** An absolute URL with one of `protocols`. */
export function url(protocols: readonly string[] = ["https:", "http:"]): ValueType<string> {
  const rule = `an absolute ${protocols.join("|")} URL`;
  return {
    rule,
    check: (raw, quoted) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        return { problem: `${quoted} is not a URL` };
      }
      return protocols.includes(parsed.protocol)
        ? { value: raw }
        : { problem: `${quoted} has protocol ${parsed.protocol}` };
    },
    show: (value) => value,
  };
}

/** The pattern of a stack config rule (contract/stack-config/rules.ts) the environment shares. */
export function patternOf(rule: { pattern?: RegExp; rule: string }): RegExp {
  if (!rule.pattern) throw new Error(`the rule "${rule.rule}" has no pattern`);
  return rule.pattern;
}

/** A comma-separated list, blanks trimmed away ("" is the empty list), each item matching `item`. */
export function csv(item: RegExp, itemRule: string): ValueType<string[]> {
  return {
    rule: `a comma-separated list, each ${itemRule}`,
    check: (raw) => {
      const items = raw
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "");
      const bad = items.filter((entry) => !item.test(entry));
      return bad.length > 0 ? { problem: `items ${bad.map(quote).join(", ")} do not match` } : { value: items };
    },
    show: (value) => value.join(","),
  };
}

/** JSON text whose value `parse` accepts; `parse` returns the typed value or every problem, each naming its rule. */
export function json<T>(rule: string, parse: (value: unknown) => { value: T } | { problems: string[] }): ValueType<T> {
  return {
    rule,
    check: (raw) => {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return { problem: `is not valid JSON (${(error as Error).message})` };
      }
      return parse(value);
    },
    show: (value) => JSON.stringify(value),
  };
}

// Pub/Sub's resource names (https://cloud.google.com/pubsub/docs/create-topic#resource_names) and project ids,
// optionally domain-scoped (example.com:my-project).
const TOPIC_NAME = /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const TOPIC_PROJECT = /^(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const FULL_TOPIC_PATH = /^projects\/([^/]+)\/topics\/([^/]+)$/;
export const TOPIC_RULE =
  "projects/PROJECT/topics/TOPIC or a bare topic name (letter first, 3-255 of [A-Za-z0-9-_.~+%])";

export interface TopicPath {
  project: string;
  topic: string;
  /** `projects/P/topics/T` */
  path: string;
}

/** `projects/P/topics/T`, or a bare topic name in `defaultProject`; throws naming the rule otherwise. */
export function parseTopicPath(value: string, defaultProject: string | undefined): TopicPath {
  const rule = `the rule is ${TOPIC_RULE}`;
  const full = FULL_TOPIC_PATH.exec(value);
  const project = full ? full[1] : defaultProject;
  const topic = full ? full[2] : value;
  if (!TOPIC_NAME.test(topic)) throw new Error(`topic ${JSON.stringify(value)} is not a valid topic; ${rule}`);
  if (!project) throw new Error(`topic ${JSON.stringify(value)} is a bare name but no project is known; ${rule}`);
  if (!TOPIC_PROJECT.test(project)) throw new Error(`topic ${JSON.stringify(value)} names an invalid project; ${rule}`);
  return { project, topic, path: `projects/${project}/topics/${topic}` };
}

/**
 * A topic as `parseTopicPath` takes it (whether a bare name has a project is the role's cross-variable rule), or with
 * `fullPath` only `projects/P/topics/T`.
 */
export function topic(options: { fullPath?: boolean } = {}): ValueType<string> {
  return {
    rule: options.fullPath ? "projects/PROJECT/topics/TOPIC" : TOPIC_RULE,
    check: (raw, quoted) => {
      const full = FULL_TOPIC_PATH.exec(raw);
      const valid = full
        ? TOPIC_NAME.test(full[2]) && TOPIC_PROJECT.test(full[1])
        : !options.fullPath && TOPIC_NAME.test(raw);
      return valid ? { value: raw } : { problem: `${quoted} is not a valid topic` };
    },
    show: (value) => value,
  };
}

/** A role's environment parsed by its schema: the typed values, or an EnvError with every problem. */
export function parseEnv<S extends z.ZodObject>(schema: S, source: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`));
}

/** An IPv4 or IPv6 address (zod's own grammar for both). */
export function ipAddress(): ValueType<string> {
  const ip = z.union([z.ipv4(), z.ipv6()]);
  return {
    rule: "an IPv4 or IPv6 address",
    check: (raw, quoted) =>
      ip.safeParse(raw).success ? { value: raw } : { problem: `${quoted} is not an IP address` },
    show: (value) => value,
  };
}
