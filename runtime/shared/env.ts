/**
 * Reading and validating environment variables, all at once: `readEnv(spec, process.env)` returns a typed object
 * or throws one `EnvError` listing every problem ("PORT: "80a" is not an integer; the rule is an integer in
 * 1..65535"), so a misconfigured Cloud Run revision fails at start with the whole list, not one error per deploy.
 *
 * API (stable, shared by the listener and the dispatcher):
 * - field builders: `str`, `int`, `bool`, `oneOf`, `url`, `csv`, `json`; each takes `{ default?, secret? }` (plus
 *   its own bounds). A field without default is required unless wrapped: `optional(str())` gives `string | undefined`.
 * - `readEnv(spec, source)`: `{ [name]: value }` typed from the spec.
 * - `EnvError.problems`: the list of messages. Values of `secret: true` fields never appear in a message.
 */

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n  - ${problems.join("\n  - ")}`);
    this.name = "EnvError";
  }
}

/** Thrown by a field parser: the value's problem and the rule, without the variable name (readEnv adds it). */
class RuleViolation extends Error {}

export interface FieldOptions<T> {
  default?: T;
  /** Never echo the value in an error. */
  secret?: boolean;
}

export interface EnvField<T> {
  readonly options: FieldOptions<T>;
  readonly optional: boolean;
  parse(raw: string): T;
}

type Spec = Record<string, EnvField<unknown>>;
/** The typed result of `readEnv(spec, ...)`. */
export type EnvOf<S extends Spec> = { [K in keyof S]: S[K] extends EnvField<infer T> ? T : never };

function field<T>(options: FieldOptions<T>, parse: (raw: string) => T): EnvField<T> {
  return { options, optional: false, parse };
}

/** The same field, allowed to be unset (then `undefined`). */
export function optional<T>(envField: EnvField<T>): EnvField<T | undefined> {
  return { options: envField.options as FieldOptions<T | undefined>, optional: true, parse: envField.parse };
}

function quote(raw: string): string {
  return JSON.stringify(raw.length > 80 ? raw.slice(0, 80) + "..." : raw);
}

export function str(options: FieldOptions<string> & { pattern?: RegExp; rule?: string } = {}): EnvField<string> {
  return field(options, (raw) => {
    if (options.pattern && !options.pattern.test(raw)) {
      throw new RuleViolation(
        `${options.secret ? "the value" : quote(raw)} does not match; the rule is ${options.rule ?? options.pattern}`,
      );
    }
    return raw;
  });
}

export function int(options: FieldOptions<number> & { min?: number; max?: number } = {}): EnvField<number> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return field(options, (raw) => {
    const rule = `the rule is an integer in ${min}..${max}`;
    if (!/^-?\d+$/.test(raw.trim())) throw new RuleViolation(`${quote(raw)} is not an integer; ${rule}`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new RuleViolation(`${value} is out of range; ${rule}`);
    return value;
  });
}

export function bool(options: FieldOptions<boolean> = {}): EnvField<boolean> {
  return field(options, (raw) => {
    const value = raw.trim().toLowerCase();
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    throw new RuleViolation(`${quote(raw)} is not a boolean; the rule is true|false`);
  });
}

export function oneOf<const V extends string>(values: readonly V[], options: FieldOptions<V> = {}): EnvField<V> {
  return field(options, (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as V;
    throw new RuleViolation(`${quote(raw)} is not allowed; the rule is one of ${values.join("|")}`);
  });
}

export function url(options: FieldOptions<string> & { protocols?: string[] } = {}): EnvField<string> {
  const protocols = options.protocols ?? ["https:", "http:"];
  return field(options, (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new RuleViolation(`${quote(raw)} is not a URL; the rule is an absolute ${protocols.join("|")} URL`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new RuleViolation(`${quote(raw)} has protocol ${parsed.protocol}; the rule is ${protocols.join("|")}`);
    }
    return raw;
  });
}

/** Comma-separated list; blanks trimmed away; "" is the empty list. */
export function csv(options: FieldOptions<string[]> & { item?: RegExp } = {}): EnvField<string[]> {
  return field(options, (raw) => {
    const items = raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "");
    const bad = options.item ? items.filter((item) => !options.item!.test(item)) : [];
    if (bad.length > 0) throw new RuleViolation(`items ${bad.map(quote).join(", ")} do not match ${options.item}`);
    return items;
  });
}

/** JSON text checked by `validate`, which returns the typed value or throws an Error saying what is wrong. */
export function json<T>(validate: (value: unknown) => T, options: FieldOptions<T> = {}): EnvField<T> {
  return field(options, (raw) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new RuleViolation(`is not valid JSON (${(error as Error).message})`);
    }
    try {
      return validate(value);
    } catch (error) {
      throw new RuleViolation((error as Error).message);
    }
  });
}

export function readEnv<S extends Spec>(spec: S, source: NodeJS.ProcessEnv): EnvOf<S> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, envField] of Object.entries(spec)) {
    const raw = source[name];
    if (raw === undefined || raw === "") {
      if (envField.options.default !== undefined) result[name] = envField.options.default;
      else if (envField.optional) result[name] = undefined;
      else problems.push(`${name}: is missing; the rule is: required`);
      continue;
    }
    try {
      result[name] = envField.parse(raw);
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      problems.push(`${name}: ${error.message}`);
    }
  }
  if (problems.length > 0) throw new EnvError(problems);
  return result as EnvOf<S>;
}
