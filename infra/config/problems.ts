/**
 * Collects every config problem before failing, so a user fixes a stack file in one pass instead of one error per run.
 * Keys are full Pulumi config keys with a path (`hubspot-trigger:triggers[1].eventTypes[0]`, `gcp:project`).
 */
export interface ConfigProblem {
  /** The full config key and path, e.g. `hubspot-trigger:scaling.minInstances`. */
  key: string;
  /** `<key>: <what is wrong with the value>; <the rule>`. */
  message: string;
}

export type ConfigPath = readonly (string | number)[];

export const NAMESPACE = "hubspot-trigger";

/** `["triggers", 0, "name"]` -> `hubspot-trigger:triggers[0].name`; a path starting with "gcp:..." keeps its namespace. */
export function configKey(path: ConfigPath): string {
  let key = "";
  for (const part of path) {
    if (typeof part === "number") key += `[${part}]`;
    else key += key === "" ? part : `.${part}`;
  }
  return key.includes(":") ? key : `${NAMESPACE}:${key}`;
}

/** Short, printable form of a bad value: plain config only (secret keys never reach a describe call). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.message}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}

export class Problems {
  readonly list: ConfigProblem[] = [];

  /** `problem` says what is wrong with this value, `rule` what a valid value looks like. */
  add(path: ConfigPath, problem: string, rule: string): void {
    const key = configKey(path);
    this.list.push({ key, message: `${key}: ${problem}; ${rule}` });
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigValidationError(this.list);
  }
}
