/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program, without the CLI.
 *
 * Stable API (used by `scripts/plan.ts`, the hsmeta renderer and the policy pack's tests):
 *   loadStackFile(stack, { configFile?, projectDir? }) -> StackFile
 *     stack       stack name ("dev", "prod"); `Pulumi.<stack>.yaml` next to Pulumi.yaml is read
 *     configFile  read this stack file instead (any path; the stack name is still `stack`)
 *     projectDir  folder holding Pulumi.yaml (default: the repository root)
 *   StackFile.config      engine-style map "namespace:key" -> string (objects and lists as JSON text), merged and
 *                         checked as the Pulumi CLI does before the program runs (./cli-config.ts): missing required
 *                         keys, defaults applied as plaintext, typed keys' secrecy and types; plus a secret key held in
 *                         clear text, which the CLI cannot see (those keys are undeclared). Any problem: StackFileError
 *   StackFile.secretKeys  full keys whose values are secret (`secure:` entries and stand-ins)
 *   StackFile.placeholders secret keys that got an offline stand-in value (`secure:` ciphertext cannot be decrypted
 *                         without the CLI, and stack files never hold secrets in clear)
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { isPlainObject, SECRET_KEYS } from "../../../contract/stack-config";
import { rawValuesFromConfigMap } from "../../../infra/config";
import { ConfigValidationError, NAMESPACE } from "../../../infra/config/problems";
import {
  mergeStackConfig,
  stackValueFromYaml,
  validateProjectConfig,
  type ProjectConfigType,
  type StackConfigValue,
} from "./cli-config";
import { validateStackConfig } from "../../../infra/config/validate";

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

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Recognisable and obviously fake, so a leak is easy to grep for and never mistaken for a credential. */
export function placeholderSecret(key: string): string {
  return `offline-placeholder-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
}

function readYamlObject(file: string): Record<string, unknown> {
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

function projectConfigBlock(project: Record<string, unknown>, file: string): Record<string, ProjectConfigType> {
  const block = project.config ?? {};
  if (!isPlainObject(block)) throw new StackFileError(`${file}: "config" must be a mapping`);
  // A bare value is shorthand for `{ value: ... }` (the CLI's project loader rewrites it the same way).
  return Object.fromEntries(
    Object.entries(block).map(([key, declaration]) => [
      key,
      isPlainObject(declaration) ? (declaration as ProjectConfigType) : { value: declaration },
    ]),
  );
}

/** Our own rule on top of the CLI's: the optional secrets are undeclared in Pulumi.yaml, so the CLI cannot see them. */
function clearTextSecrets(stackConfig: Map<string, StackConfigValue>): string[] {
  return SECRET_KEYS.map((key) => `${NAMESPACE}:${key}`)
    .filter((key) => {
      const value = stackConfig.get(key);
      return value !== undefined && !value.secure && value.text !== "";
    })
    .map((key) => `${key} is stored in clear text; remove it and run \`pulumi config set --secret ${key}\``);
}

/**
 * Secrets the program will ask for: the validator itself decides (validated with no secret at all, each secret it
 * reports missing is one the stack needs), so the offline plan and `pulumi up` can never disagree.
 */
function neededSecrets(config: Record<string, string>): string[] {
  try {
    validateStackConfig(
      { values: rawValuesFromConfigMap(config), secrets: {} },
      { stack: "offline", project: config["gcp:project"] },
    );
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
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  const project = readYamlObject(projectFile);
  const projectName = typeof project.name === "string" ? project.name : NAMESPACE;
  const declarations = projectConfigBlock(project, projectFile);
  const projectProblems = validateProjectConfig(projectName, declarations);
  if (projectProblems.length > 0) {
    throw new StackFileError(
      `${projectFile}: the Pulumi CLI refuses this project:\n  - ${projectProblems.join("\n  - ")}`,
    );
  }

  const file = path.resolve(options.configFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`));
  const stackFile = readYamlObject(file);
  const stackConfig = stackFile.config ?? {};
  if (!isPlainObject(stackConfig)) throw new StackFileError(`${file}: "config" must be a mapping`);
  const ownValues = new Map(
    Object.entries(stackConfig).map(([key, value]) => [fullKey(key), stackValueFromYaml(value)] as const),
  );
  const merged = mergeStackConfig({
    projectName,
    stackName: stack,
    projectConfig: declarations,
    stackConfig: ownValues,
    decrypt: (key) => placeholderSecret(key),
  });
  const problems = [...merged.problems, ...clearTextSecrets(ownValues)];
  if (problems.length > 0) {
    // Values are never echoed: a problem names the key and the rule only.
    throw new StackFileError(
      `${file}: the Pulumi CLI would refuse this stack's config:\n  - ${problems.join("\n  - ")}`,
    );
  }

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const [key, value] of merged.values) {
    if (value.secure) {
      config[key] = placeholderSecret(key);
      secretKeys.push(key);
      placeholders.push(key);
    } else {
      config[key] = value.text;
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
