import { describeValue, type ConfigPath, type Problems } from "./problems";

/**
 * Typed reads of untrusted config values. Each returns a usable value (the default when absent or invalid) and records
 * a problem instead of throwing, so validation goes on and reports everything at once. Numbers and booleans are also
 * accepted as strings because `pulumi config set --path a.b 3` stores "3".
 */

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An optional object key; absent -> {}. Unknown sub-keys are reported (a typo must not silently fall back to a default). */
export function readObject(
  problems: Problems,
  path: ConfigPath,
  value: unknown,
  allowedKeys: readonly string[],
): PlainObject {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    problems.add(path, `got ${describeValue(value)}`, `must be an object with keys ${allowedKeys.join(", ")}`);
    return {};
  }
  for (const key of Object.keys(value)) {
    if (!allowedKeys.includes(key)) {
      problems.add([...path, key], "unknown key", `allowed keys are ${allowedKeys.join(", ")}`);
    }
  }
  return value;
}

export function readArray(problems: Problems, path: ConfigPath, value: unknown, rule: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.add(path, `got ${describeValue(value)}`, `must be a list; ${rule}`);
    return [];
  }
  return value;
}

export interface StringRule {
  pattern?: RegExp;
  /** Human text of the rule, used in every problem about this field. */
  rule: string;
  maxLength?: number;
}

/** Optional string: absent -> undefined; present but invalid -> a problem and undefined. */
export function readString(problems: Problems, path: ConfigPath, value: unknown, spec: StringRule): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    problems.add(path, `got ${describeValue(value)}`, `must be a string; ${spec.rule}`);
    return undefined;
  }
  const text = String(value);
  if (spec.maxLength !== undefined && text.length > spec.maxLength) {
    problems.add(path, `${describeValue(text)} is ${text.length} characters long`, spec.rule);
    return undefined;
  }
  if (spec.pattern && !spec.pattern.test(text)) {
    problems.add(path, `${describeValue(text)} does not match`, spec.rule);
    return undefined;
  }
  return text;
}

export function requireString(
  problems: Problems,
  path: ConfigPath,
  value: unknown,
  spec: StringRule,
): string | undefined {
  if (value === undefined || value === null || value === "") {
    problems.add(path, "missing", `required; ${spec.rule}`);
    return undefined;
  }
  return readString(problems, path, value, spec);
}

export function readInteger(
  problems: Problems,
  path: ConfigPath,
  value: unknown,
  bounds: { min: number; max: number; default: number },
): number {
  if (value === undefined || value === null) return bounds.default;
  const parsed = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  const rule = `must be an integer from ${bounds.min} to ${bounds.max} (default ${bounds.default})`;
  if (typeof parsed !== "number" || !Number.isInteger(parsed)) {
    problems.add(path, `got ${describeValue(value)}, not an integer`, rule);
    return bounds.default;
  }
  if (parsed < bounds.min || parsed > bounds.max) {
    problems.add(path, `${parsed} is out of range`, rule);
    return bounds.default;
  }
  return parsed;
}

export function readBoolean(problems: Problems, path: ConfigPath, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  problems.add(path, `got ${describeValue(value)}`, `must be true or false (default ${fallback})`);
  return fallback;
}

/** A list of strings, each checked; duplicates reported. Also accepts a comma-separated string (the seed's form). */
export function readStringList(problems: Problems, path: ConfigPath, value: unknown, spec: StringRule): string[] {
  const items =
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "")
      : readArray(problems, path, value, spec.rule);
  const result: string[] = [];
  items.forEach((item, index) => {
    const text = readString(problems, [...path, index], item, spec);
    if (text === undefined) return;
    if (result.includes(text))
      problems.add([...path, index], `${describeValue(text)} is listed twice`, "entries must be unique");
    else result.push(text);
  });
  return result;
}
