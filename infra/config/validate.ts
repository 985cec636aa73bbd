import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config-types";
import { isPlainObject, readBoolean, readInteger, readObject, readString, readStringList } from "./fields";
import { INTEGRATION_CONCURRENT_EXECUTIONS } from "../../components/capacity";
import { readImageSource } from "./image";
import { ALL_KEYS, type SecretKey, type StringKey, type StructuredKey } from "./keys";
import { readPrivateServiceConnect } from "./network";
import { describeValue, Problems } from "./problems";
import { readRegistration } from "./registration";
import { INTEGRATION_NAME, LABEL_VALUE, MEMBER, PROJECT_ID, REGION } from "./rules";
import { readSecretSource } from "./secrets";
import { readDeadLetter, readEnrichment, readLabels, readRetry, readScaling } from "./sections";
import { readName, readTriggers } from "./triggers";

/** The `hubspot-trigger:*` config as read from the engine: plain keys parsed, secret keys as (secret) inputs. */
export interface RawStackConfig {
  values: Partial<Record<StringKey | StructuredKey, unknown>>;
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

export const DEFAULT_REGION = "europe-west1";
export const DEFAULT_CONNECTION_NAME = "hubspot";

/** Stack names may hold characters a label value may not ("Prod.EU"): the default env label is a sanitised form. */
export function environmentFromStack(stack: string): string {
  const value = stack
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .slice(0, 63);
  return value === "" ? "default" : value;
}

/** Pulumi.yaml defaults optional keys to "" or {} (a declared key without default is required by the CLI): both mean unset. */
function withoutEmptyValues(values: RawStackConfig["values"]): RawStackConfig["values"] {
  const isEmpty = (value: unknown): boolean =>
    value === undefined || value === null || value === "" || (isPlainObject(value) && Object.keys(value).length === 0);
  return Object.fromEntries(Object.entries(values).filter(([, value]) => !isEmpty(value)));
}

/**
 * Checks the whole `hubspot-trigger` namespace and returns the validated StackConfig with every default applied, or
 * throws one ConfigValidationError listing every problem. Pure: no engine access (see loadStackConfig).
 */
export function validateStackConfig(raw: RawStackConfig, context: ConfigContext): StackConfig {
  const problems = new Problems();
  const v = withoutEmptyValues(raw.values);
  for (const key of raw.clearTextSecrets ?? []) {
    problems.add(
      [key],
      "stored in clear text",
      `a secret: remove it from the stack file and run \`pulumi config set --secret hubspot-trigger:${key}\``,
    );
  }
  for (const key of raw.unknownKeys ?? []) {
    problems.add([key], "unknown key", `keys of this namespace are ${ALL_KEYS.join(", ")}`);
  }

  if (context.project === undefined || context.project === "") {
    problems.add(
      ["gcp:project"],
      "missing",
      "set the stack's Google Cloud project: `pulumi config set gcp:project <id>` (or GOOGLE_PROJECT in the environment)",
    );
  } else if (!PROJECT_ID.pattern?.test(context.project)) {
    problems.add(["gcp:project"], `${describeValue(context.project)} is not a project id`, PROJECT_ID.rule);
  }
  const region = readString(problems, ["region"], v.region, REGION) ?? context.gcpRegion ?? DEFAULT_REGION;
  const connectionName =
    v.connectionName === undefined ? DEFAULT_CONNECTION_NAME : readName(problems, ["connectionName"], v.connectionName);
  const environment = readString(problems, ["environment"], v.environment ?? environmentFromStack(context.stack), {
    ...LABEL_VALUE,
    pattern: /^[a-z0-9_-]{1,63}$/,
    rule: `the env label value (defaults to the stack name): ${LABEL_VALUE.rule}, not empty`,
  });
  const imageSource = readImageSource(problems, v.image, v.imageBuild, {
    connectionName: connectionName ?? DEFAULT_CONNECTION_NAME,
    environment: environment ?? environmentFromStack(context.stack),
  });

  const integrationRaw = readObject(problems, ["integration"], v.integration, [
    "name",
    "location",
    "concurrentExecutions",
  ]);
  const integrationName = readString(problems, ["integration", "name"], integrationRaw.name, INTEGRATION_NAME);
  const integrationLocation =
    readString(problems, ["integration", "location"], integrationRaw.location, REGION) ?? region;
  const triggers = readTriggers(problems, v.triggers, integrationName);

  const admins = readStringList(problems, ["admins"], v.admins, MEMBER);
  const enrichment = readEnrichment(problems, v.enrichment);
  const signatureRaw = readObject(problems, ["signature"], v.signature, ["allowLegacy", "maxSkewSeconds"]);

  const clientSecret = readSecretSource(problems, "clientSecret", raw.secrets.clientSecret, v.clientSecretRef, {
    needed: true,
    why: "the HubSpot app's client secret verifies every webhook signature",
  });
  const previousClientSecret = readSecretSource(
    problems,
    "previousClientSecret",
    raw.secrets.previousClientSecret,
    v.previousClientSecretRef,
    { needed: false, why: "" },
  );
  const accessToken = readSecretSource(problems, "accessToken", raw.secrets.accessToken, v.accessTokenRef, {
    needed: enrichment.enabled,
    why: "enrichment reads objects back from HubSpot with the private app's access token",
  });

  const config: Omit<StackConfig, "clientSecret"> & { clientSecret?: StackConfig["clientSecret"] } = {
    project: context.project ?? "",
    region,
    connectionName: connectionName ?? DEFAULT_CONNECTION_NAME,
    environment: environment ?? environmentFromStack(context.stack),
    labels: readLabels(problems, v.labels),
    ...imageSource,
    integration: {
      name: integrationName ?? "",
      location: integrationLocation,
      concurrentExecutions: readInteger(
        problems,
        ["integration", "concurrentExecutions"],
        integrationRaw.concurrentExecutions,
        { min: 1, max: 100_000, default: INTEGRATION_CONCURRENT_EXECUTIONS },
      ),
    },
    triggers,
    admins,
    scaling: readScaling(problems, v.scaling),
    deadLetter: readDeadLetter(problems, v.deadLetter),
    retry: readRetry(problems, v.retry),
    messageOrdering: readBoolean(problems, ["messageOrdering"], v.messageOrdering, false),
    dedupWindowSeconds: readInteger(problems, ["dedupWindowSeconds"], v.dedupWindowSeconds, {
      min: 0,
      max: 86400,
      default: 600,
    }),
    expectedPortals: readInteger(problems, ["expectedPortals"], v.expectedPortals, {
      min: 1,
      max: 1_000_000,
      default: 1,
    }),
    privateServiceConnect: readPrivateServiceConnect(
      problems,
      v.privateServiceConnect,
      environment ?? environmentFromStack(context.stack),
    ),
    clientSecret,
    ...(previousClientSecret ? { previousClientSecret } : {}),
    ...(accessToken ? { accessToken } : {}),
    enrichment,
    signature: {
      allowLegacy: readBoolean(problems, ["signature", "allowLegacy"], signatureRaw.allowLegacy, false),
      maxSkewSeconds: readInteger(problems, ["signature", "maxSkewSeconds"], signatureRaw.maxSkewSeconds, {
        min: 1,
        max: 300,
        default: 300,
      }),
    },
    deletionProtection: readBoolean(problems, ["deletionProtection"], v.deletionProtection, false),
    enableApis: readBoolean(problems, ["enableApis"], v.enableApis, true),
    registration: readRegistration(problems, v.registration, raw.secrets.hubspotDeveloperCredential),
  };
  problems.throwIfAny();
  return config as StackConfig;
}
