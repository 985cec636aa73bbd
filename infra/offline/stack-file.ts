/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program, without the CLI.
 *
 * Stable API (used by `scripts/plan.ts`, the hsmeta renderer and the policy pack's tests):
 *   loadStackFile(stack, { configFile?, projectDir? }) -> StackFile
 *     stack       stack name ("dev", "prod"); `Pulumi.<stack>.yaml` next to Pulumi.yaml is read
 *     configFile  read this stack file instead (any path; the stack name is still `stack`)
 *     projectDir  folder holding Pulumi.yaml (default: the repository root)
 *   StackFile.config      engine-style map "namespace:key" -> string (objects and lists as JSON text), with the
 *                         `default:`s of Pulumi.yaml's config block applied under the stack's own values
 *   StackFile.secretKeys  full keys whose values are secret (`secure:` entries and stand-ins)
 *   StackFile.placeholders secret keys that got an offline stand-in value (`secure:` ciphertext cannot be decrypted
 *                         without the CLI, and stack files never hold secrets in clear)
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { isPlainObject, type PlainObject } from "../config/fields";
import { SECRET_KEYS, STRING_KEYS, STRUCTURED_KEYS } from "../config/keys";
import { ConfigValidationError, NAMESPACE } from "../config/problems";
import { validateStackConfig, type RawStackConfig } from "../config/validate";

export interface StackFile {
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
  placeholders: string[];
}

/** A stack file that cannot be used as is: the message says which file and why (never a secret value). */
export class StackFileError extends Error {
  override name = "StackFileError";
}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Recognisable and obviously fake, so a leak is easy to grep for and never mistaken for a credential. */
export function placeholderSecret(key: string): string {
  return `offline-placeholder-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
}

function readYamlObject(file: string): PlainObject {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StackFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return {};
  if (!isPlainObject(document)) throw new StackFileError(`${file}: expected a YAML mapping at the top level`);
  return document;
}

function fullKey(key: string): string {
  return key.includes(":") ? key : `${NAMESPACE}:${key}`;
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `default:` of this project's keys and `value:` of other namespaces, as `pulumi` applies them under stack values. */
function projectDefaults(projectFile: PlainObject): Record<string, string> {
  const defaults: Record<string, string> = {};
  const block = projectFile.config;
  if (!isPlainObject(block)) return defaults;
  for (const [key, declaration] of Object.entries(block)) {
    if (isPlainObject(declaration)) {
      const value = declaration.default ?? declaration.value;
      if (value !== undefined) defaults[fullKey(key)] = encode(value);
    } else if (declaration !== null && declaration !== undefined) {
      defaults[fullKey(key)] = encode(declaration);
    }
  }
  return defaults;
}

/**
 * Secrets the program will ask for: the validator itself decides (validated with no secret at all, each secret it
 * reports missing is one the stack needs), so the offline plan and `pulumi up` can never disagree.
 */
function neededSecrets(config: Record<string, string>): string[] {
  const values: RawStackConfig["values"] = {};
  for (const key of STRING_KEYS) values[key] = config[`${NAMESPACE}:${key}`];
  for (const key of STRUCTURED_KEYS) {
    const text = config[`${NAMESPACE}:${key}`];
    if (text === undefined) continue;
    try {
      values[key] = JSON.parse(text);
    } catch {
      values[key] = text;
    }
  }
  try {
    validateStackConfig({ values, secrets: {} }, { stack: "offline", project: config["gcp:project"] });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    const secretKeys = SECRET_KEYS.map((key) => `${NAMESPACE}:${key}`);
    return error.problems
      .filter((problem) => secretKeys.includes(problem.key) && problem.message.startsWith(`${problem.key}: missing;`))
      .map((problem) => problem.key);
  }
}

export function loadStackFile(stack: string, options: { configFile?: string; projectDir?: string } = {}): StackFile {
  const projectDir = options.projectDir ?? REPO_ROOT;
  const project = readYamlObject(path.join(projectDir, "Pulumi.yaml"));
  const file = path.resolve(options.configFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`));
  const stackFile = readYamlObject(file);
  const stackConfig = stackFile.config ?? {};
  if (!isPlainObject(stackConfig)) throw new StackFileError(`${file}: "config" must be a mapping`);

  const config = projectDefaults(project);
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const [key, value] of Object.entries(stackConfig)) {
    const full = fullKey(key);
    if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
      config[full] = placeholderSecret(full);
      secretKeys.push(full);
      placeholders.push(full);
    } else if (value !== null && value !== undefined) {
      if (SECRET_KEYS.some((key) => full === `${NAMESPACE}:${key}`) && value !== "") {
        // The CLI refuses this too ("must be encrypted as it's secret"); the value itself is never echoed.
        throw new StackFileError(
          `${file}: ${full} is stored in clear text; remove it and run \`pulumi config set --secret ${full}\``,
        );
      }
      config[full] = encode(value);
    }
  }
  for (const key of neededSecrets(config)) {
    if (config[key] !== undefined && config[key] !== "") continue;
    config[key] = placeholderSecret(key);
    secretKeys.push(key);
    placeholders.push(key);
  }
  return { stack, path: file, config, secretKeys, placeholders };
}
