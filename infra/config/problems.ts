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

export class ConfigValidationError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.message}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}
