import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { ALL_KEYS, SECRET_KEYS, STRING_KEYS, STRUCTURED_KEYS } from "../contract/stack-config";
import type { StackConfig } from "./config-types";
import { NAMESPACE } from "./config/problems";
import { validateStackConfig, type RawStackConfig } from "./config/validate";

export { ConfigValidationError, NAMESPACE, type ConfigProblem } from "./config/problems";
export { validateStackConfig, type ConfigContext, type RawStackConfig } from "./config/validate";
export { ALL_KEYS, SECRET_KEYS, STRING_KEYS, STRUCTURED_KEYS } from "../contract/stack-config";

/** Pulumi config of other namespaces the program reads. */
const GCP_PROJECT_KEY = "gcp:project";
const GCP_REGION_KEY = "gcp:region";

/**
 * Whether the engine marked a config key secret (a `secure:` value). The SDK exports this function from
 * `runtime/config` but marks it internal, so its type is declared here; the test of clear-text secrets pins it.
 */
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret: (key: string) => boolean };

/** The engine hands structured config over as JSON text; a value that is not JSON stays a string for validation to report. */
function parseStructured(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The plain keys of an engine-style config map ("namespace:key" -> text) as the validator reads them: string keys as
 * text, structured keys parsed. Offline tools that hold a stack file's map use it; the program reads the engine.
 */
export function rawValuesFromConfigMap(config: Record<string, string>): RawStackConfig["values"] {
  const values: RawStackConfig["values"] = {};
  for (const key of STRING_KEYS) values[key] = config[`${NAMESPACE}:${key}`];
  for (const key of STRUCTURED_KEYS) values[key] = parseStructured(config[`${NAMESPACE}:${key}`]);
  return values;
}

// The Google provider falls back to these when gcp:project / gcp:region are unset; the program must agree with it.
const GCP_PROJECT_ENV = ["GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"];
const GCP_REGION_ENV = ["GOOGLE_REGION", "GCLOUD_REGION", "CLOUDSDK_COMPUTE_REGION"];

function firstEnv(names: string[]): string | undefined {
  return names.map((name) => process.env[name]).find((value) => value !== undefined && value !== "");
}

/** Reads the `hubspot-trigger:*`, `gcp:project` and `gcp:region` config of the running stack and validates it. */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(NAMESPACE);
  const raw: RawStackConfig = {
    values: rawValuesFromConfigMap(pulumi.runtime.allConfig()),
    secrets: {},
    unknownKeys: [],
  };
  for (const key of SECRET_KEYS) {
    // Presence first, without reading the value through Config.get (which would log a warning about a secret).
    if (!pulumi.runtime.getConfig(`${NAMESPACE}:${key}`)) continue;
    // The secret keys are undeclared in Pulumi.yaml (a typed secret key with a default breaks every stack that
    // leaves it unset), so the CLI does not refuse them in clear text: the program does.
    if (!isConfigSecret(`${NAMESPACE}:${key}`)) {
      (raw.clearTextSecrets ??= []).push(key);
      continue;
    }
    const value = config.getSecret(key);
    if (value !== undefined) raw.secrets[key] = value;
  }
  raw.unknownKeys = Object.keys(pulumi.runtime.allConfig())
    .filter((key) => key.startsWith(`${NAMESPACE}:`))
    .map((key) => key.slice(NAMESPACE.length + 1))
    .filter((key) => !ALL_KEYS.includes(key));
  return validateStackConfig(raw, {
    stack: pulumi.getStack(),
    project: pulumi.runtime.getConfig(GCP_PROJECT_KEY) || firstEnv(GCP_PROJECT_ENV),
    gcpRegion: pulumi.runtime.getConfig(GCP_REGION_KEY) || firstEnv(GCP_REGION_ENV),
  });
}
