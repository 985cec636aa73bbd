/**
 * The Pulumi CLI's own checks of a project's `config:` block and of a stack's config, mirrored so the offline plan
 * refuses exactly what `pulumi preview` refuses, in the CLI's words. Sources (pulumi/pulumi):
 * - sdk/go/common/workspace/project.go `(*Project).Validate`: the project's declarations;
 * - sdk/go/common/workspace/config.go `mergeConfig`: missing keys, then defaults applied as *plaintext*;
 * - same file, `validateStackConfigValues` / `validateStackConfigValue`: every explicitly typed key, secret first,
 *   then type (`ValidateConfigValue` and `InferFullTypeName` in project.go).
 * The CLI stops at the first problem of each phase; this reports every problem, each worded as the CLI words it.
 */

/** A declaration in Pulumi.yaml `config:` (`ProjectConfigType`). */
export interface ProjectConfigType {
  type?: string;
  items?: ProjectConfigItemsType;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
  description?: string;
}

export interface ProjectConfigItemsType {
  type: string;
  items?: ProjectConfigItemsType;
}

/**
 * A stack config value as the CLI holds it (`config.Value`): scalars as text, mappings and sequences as JSON text,
 * `secure:` entries as ciphertext.
 */
export interface StackConfigValue {
  text: string;
  secure: boolean;
  object: boolean;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What the CLI makes of one entry of a stack file's `config:` mapping. */
export function stackValueFromYaml(value: unknown): StackConfigValue {
  if (isMapping(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
    return { text: value.secure, secure: true, object: false };
  }
  if (typeof value === "object" && value !== null) return { text: JSON.stringify(value), secure: false, object: true };
  return { text: value === null || value === undefined ? "" : String(value), secure: false, object: false };
}

/** `createConfigValue`: a primitive default becomes its text (`fmt.Sprintf("%v")`), anything else JSON. */
function valueFromDefault(value: unknown): StackConfigValue {
  if (typeof value === "object" && value !== null) return { text: JSON.stringify(value), secure: false, object: true };
  return { text: String(value), secure: false, object: false };
}

/** `InferFullTypeName`. */
export function fullTypeName(type: string, items: ProjectConfigItemsType | undefined): string {
  return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/** `ValidateConfigValue`: YAML/JSON numbers arrive as floats, so a whole float is an integer; text may stand in. */
export function matchesConfigType(type: string, items: ProjectConfigItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      if (typeof value === "number") return Number.isInteger(value);
      // strconv.Atoi: optional sign, decimal digits, 64-bit range.
      return typeof value === "string" && /^[+-]?\d+$/.test(value) && Math.abs(Number(value)) <= 2 ** 63;
    case "boolean":
      return value === "true" || value === "false" || typeof value === "boolean";
    default:
      if (!Array.isArray(value) || items === undefined) return false;
      return value.every((item) => matchesConfigType(items.type, items.items, item));
  }
}

function namespaced(projectName: string, key: string): string {
  return key.includes(":") ? key : `${projectName}:${key}`;
}

function isProjectKey(projectName: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${projectName}:`);
}

/** `(*Project).Validate`, config part: problems in Pulumi.yaml itself, which every command reports first. */
export function validateProjectConfig(projectName: string, config: Record<string, ProjectConfigType>): string[] {
  const problems: string[] = [];
  for (const [key, declaration] of Object.entries(config)) {
    if (declaration.default !== undefined && declaration.value !== undefined) {
      problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    }
    const typed = declaration.type !== undefined;
    if (isProjectKey(projectName, key)) {
      if (typed && declaration.type === "array" && declaration.items === undefined) {
        problems.push(
          `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
        );
      } else if (
        typed &&
        declaration.default !== undefined &&
        !matchesConfigType(declaration.type as string, declaration.items, declaration.default)
      ) {
        problems.push(
          `The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(declaration.type as string, declaration.items)}'`,
        );
      }
    } else if (typed) {
      problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
    } else if (declaration.default !== undefined) {
      problems.push(
        `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
      );
    } else if (declaration.value === undefined) {
      problems.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
  }
  return problems;
}

/** `formatMissingKeys`: one key quoted; several sorted, "'a', 'b' and 'c'". */
function formatMissingKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort();
  return `${sorted
    .slice(0, -1)
    .map((key) => `'${key}'`)
    .join(", ")} and '${sorted[sorted.length - 1]}'`;
}

export interface MergedStackConfig {
  /** Full key → value, the stack's own values with the project's defaults and values filled in. */
  values: Map<string, StackConfigValue>;
  /** The CLI's messages; empty when `pulumi preview` would accept the stack's config. */
  problems: string[];
}

/**
 * `mergeConfig` + `validateStackConfigValues`. `decrypt` stands in for the CLI's decrypter (offline, a stand-in for
 * the ciphertext): the type of a secure value is checked on what it returns.
 */
export function mergeStackConfig(options: {
  projectName: string;
  stackName: string;
  projectConfig: Record<string, ProjectConfigType>;
  stackConfig: Map<string, StackConfigValue>;
  decrypt: (key: string, value: StackConfigValue) => string;
}): MergedStackConfig {
  const { projectName, stackName, projectConfig } = options;
  const values = new Map(options.stackConfig);
  const keys = Object.keys(projectConfig).sort();

  const missing: string[] = [];
  for (const key of keys) {
    const declaration = projectConfig[key];
    const full = namespaced(projectName, key);
    if (values.has(full)) continue;
    const fallback = declaration.default ?? declaration.value;
    if (fallback === undefined) {
      if (full.startsWith(`${projectName}:`)) missing.push(key);
      continue;
    }
    values.set(full, valueFromDefault(fallback));
  }
  if (missing.length > 0) {
    const noun = missing.length > 1 ? "values" : "value";
    return {
      values,
      problems: [`Stack '${stackName}' is missing configuration ${noun} ${formatMissingKeys(missing)}`],
    };
  }

  const problems: string[] = [];
  for (const key of keys) {
    const declaration = projectConfig[key];
    if (declaration.type === undefined) continue;
    const full = namespaced(projectName, key);
    const value = values.get(full) ?? { text: "", secure: false, object: false };
    if (declaration.secret && !value.secure) {
      problems.push(`Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`);
      continue;
    }
    const text = value.secure ? options.decrypt(full, value) : value.text;
    let content: unknown = text;
    if (value.object) {
      try {
        content = JSON.parse(text);
      } catch {
        content = undefined;
      }
    }
    if (!matchesConfigType(declaration.type, declaration.items, content)) {
      problems.push(
        `Stack '${stackName}' with configuration key '${key}' must be of type '${fullTypeName(declaration.type, declaration.items)}'`,
      );
    }
  }
  return { values, problems };
}
