import * as pulumi from "@pulumi/pulumi";
import { environmentPart, shorten } from "../../components/naming";
import { ALL_KEYS, parseStackConfig, type SecretKey } from "../../contract/stack-config";
import type { StackConfig } from "../config-types";
import { ConfigValidationError, configKey, type ConfigProblem } from "./problems";

export { DEFAULT_CONNECTION_NAME, DEFAULT_REGION, environmentFromStack } from "../../contract/stack-config";

/** The `hubspot-trigger:*` config as read from the engine: plain keys parsed, secret keys as (secret) inputs. */
export interface RawStackConfig {
  /** Plain keys: strings as given, structured keys JSON-decoded. */
  values: Partial<Record<string, unknown>>;
  /** Only the secret keys that are set. Plain strings (tests) are wrapped with pulumi.secret. */
  secrets: Partial<Record<SecretKey, pulumi.Input<string>>>;
  /** Other keys found in the namespace: reported as likely typos. */
  unknownKeys?: string[];
  /** Secret keys the stack holds in clear text (not set with `--secret`): refused, never echoed. */
  clearTextSecrets?: SecretKey[];
}

export interface ConfigContext {
  /** Stack name: the default `environment`. */
  stack: string;
  /** `gcp:project`. */
  project?: string;
  /** `gcp:region`: the default `region`. */
  gcpRegion?: string;
}

/**
 * The default repository: one per stack (the environment is part of it), so a dev and a prod stack sharing a project
 * never try to create the same repository.
 */
export function defaultRepository(connectionName: string, environment: string): string {
  return shorten(`${connectionName}-${environmentPart(environment)}-runtime`, 63);
}

/**
 * Checks the whole `hubspot-trigger` namespace with the contract's schema and returns the StackConfig with every
 * default applied, or throws one ConfigValidationError listing every problem. Pure: no engine access (see loadStackConfig).
 */
export function validateStackConfig(raw: RawStackConfig, context: ConfigContext): StackConfig {
  const problems: ConfigProblem[] = [];
  const add = (path: readonly (string | number)[], message: string): void => {
    const key = configKey(path);
    problems.push({ key, message: `${key}: ${message}` });
  };
  for (const key of raw.clearTextSecrets ?? []) {
    add(
      [key],
      `stored in clear text; a secret: remove it from the stack file and run \`pulumi config set --secret hubspot-trigger:${key}\``,
    );
  }
  const values: Record<string, unknown> = { ...raw.values };
  // Their values do not matter: the namespace's strict schema reports every key it does not declare.
  for (const key of raw.unknownKeys ?? []) if (!ALL_KEYS.includes(key)) values[key] ??= true;
  const secrets: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const [key, value] of Object.entries(raw.secrets) as [SecretKey, pulumi.Input<string> | undefined][]) {
    if (value !== undefined) secrets[key] = pulumi.secret(value);
  }
  const result = parseStackConfig(values, secrets, { ...context, defaultRepository });
  for (const problem of result.problems) add(problem.path, problem.message);
  if (problems.length > 0 || result.config === undefined) throw new ConfigValidationError(problems);
  return result.config;
}
