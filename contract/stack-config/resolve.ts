import type { z } from "zod";
import { describeValue } from "./fields";
import { connectorVersionName, managedBackendProblems } from "./managed";
import { privateServiceConnectSchema } from "./network";
import { DEFAULT_REGION, stackConfigSchema, type SecretKey } from "./namespace";
import { PROJECT_ID } from "./rules";
import { enrichmentSchema } from "./sections";

/**
 * The validated config's types and the one step after parsing: the rules on what the schema cannot see and the
 * defaults computed from other keys or from the stack (see parseStackConfig).
 */

/** The parsed namespace, before the post-parse step. */
export type StackConfigValues = z.output<typeof stackConfigSchema>;

export type ScalingConfig = StackConfigValues["scaling"];
export type DeadLetterConfig = StackConfigValues["deadLetter"];
export type RetryConfig = StackConfigValues["retry"];
export type EnrichmentConfig = StackConfigValues["enrichment"];
export type SignatureConfig = StackConfigValues["signature"];
export type PrivateServiceConnectConfig = StackConfigValues["privateServiceConnect"];
export type PscConsumer = PrivateServiceConnectConfig["consumerAcceptList"][number];
export type RegistrationMode = StackConfigValues["registration"]["mode"];
export type DestinationConfig = StackConfigValues["destination"];
export type ProxyConfig = StackConfigValues["proxy"];
export type EgressConfig = StackConfigValues["egress"];

/** One trigger with its integration and trigger id resolved. */
export type TriggerConfig = Omit<StackConfigValues["triggers"][number], "integration" | "triggerId"> & {
  integration: string;
  triggerId: string;
};

/** `imageBuild` when enabled: `pulumi up` builds runtime/Dockerfile and pushes it. */
export interface ImageBuildConfig {
  repository: string;
  tag?: string;
}

/** Where a secret's value comes from: stack secret config (S, a pulumi Input) or an existing Secret Manager secret. */
export type SecretSource<S> = { kind: "managed"; value: S } | { kind: "existing"; secret: string; version: string };

export type RegistrationConfig<S> = Omit<StackConfigValues["registration"], "credentialKind" | "appId"> & {
  appId?: string;
  /** The developer API key or OAuth token, in api mode only. */
  credential?: { kind: StackConfigValues["registration"]["credentialKind"]; value: S };
};

/** The validated stack config with every default applied; S is how the program holds a secret value. */
export type StackConfig<S> = Omit<
  StackConfigValues,
  | "region"
  | "environment"
  | "image"
  | "imageBuild"
  | "integration"
  | "triggers"
  | "registration"
  | "clientSecretRef"
  | "previousClientSecretRef"
  | "accessTokenRef"
  | "proxyPasswordRef"
> & {
  /** `gcp:project`: where everything but an external dead-letter topic lives. */
  project: string;
  region: string;
  environment: string;
  image?: string;
  imageBuild?: ImageBuildConfig;
  /** concurrentExecutions is always set after parsing; optional so a component's hand-built args may leave it out. */
  integration: { name: string; location: string; concurrentExecutions?: number };
  triggers: TriggerConfig[];
  registration: RegistrationConfig<S>;
  clientSecret: SecretSource<S>;
  previousClientSecret?: SecretSource<S>;
  accessToken?: SecretSource<S>;
  /** With `proxy.authScheme` BASIC or DIGEST. */
  proxyPassword?: SecretSource<S>;
};

export interface StackContext {
  /** Stack name: the default `environment`. */
  stack: string;
  /** `gcp:project`. */
  project?: string;
  /** `gcp:region`: the default `region`. */
  gcpRegion?: string;
  /**
   * The default image repository of a stack, `<connectionName>-<environment>-runtime` shortened by the components'
   * naming rule (a hash keeps it unique); passed in because contract/ imports nothing.
   */
  defaultRepository: (connectionName: string, environment: string) => string;
}

/** A problem at a path of the namespace (`["triggers", 0, "name"]`; `["gcp:project"]` for another namespace). */
export interface StackConfigProblem {
  path: (string | number)[];
  /** `<what is wrong with the value>; <the rule>`. */
  message: string;
}

/** Stack names may hold characters a label value may not ("Prod.EU"): the default env label is a sanitised form. */
export function environmentFromStack(stack: string): string {
  const value = stack
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .slice(0, 63);
  return value === "" ? "default" : value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** null means unset, as an absent key; at the top level so do "" and {} (Pulumi.yaml's defaults of optional keys). */
function withoutUnsetValues(values: Record<string, unknown>, topLevel: boolean): Record<string, unknown> {
  const unset = (value: unknown): boolean =>
    value === undefined ||
    value === null ||
    (topLevel && (value === "" || (isPlainObject(value) && Object.keys(value).length === 0)));
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => !unset(value))
      .map(([key, value]) => [key, stripNulls(value)]),
  );
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  return isPlainObject(value) ? withoutUnsetValues(value, false) : value;
}

function problemsOf(error: z.ZodError): StackConfigProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key], message: issue.message }));
    }
    return [{ path, message: issue.message }];
  });
}

const SECRET_WHY: Partial<Record<SecretKey, string>> = {
  clientSecret: "the HubSpot app's client secret verifies every webhook signature",
  accessToken: "enrichment reads objects back from HubSpot with the private app's access token",
  proxyPassword: "the proxy authenticates HubSpot calls with proxy.username and this password",
};

/**
 * The post-parse step: the rules on what the schema cannot see (secret presence, the stack, gcp:project) and the
 * defaults computed from other keys or the context, applied here and nowhere else:
 * region <- gcp:region <- europe-west1; environment <- the stack name; integration.location <- region;
 * triggers[].integration <- integration.name; triggers[].triggerId <- api_trigger/<integration>;
 * imageBuild.repository <- <connectionName>-<environment>-runtime. `values` are the raw plain values, parsed here.
 */
export function parseStackConfig<S>(
  values: Record<string, unknown>,
  secrets: Partial<Record<SecretKey, S>>,
  context: StackContext,
): { config: StackConfig<S>; problems: [] } | { config?: undefined; problems: StackConfigProblem[] } {
  const input = withoutUnsetValues(values, true);
  const parsed = stackConfigSchema.safeParse(input);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  problems.push(...contextProblems(input, secrets, context));
  if (!parsed.success || problems.length > 0) return { problems };
  return { config: applyComputedDefaults(parsed.data, secrets, context), problems: [] };
}

function contextProblems<S>(
  input: Record<string, unknown>,
  secrets: Partial<Record<SecretKey, S>>,
  context: StackContext,
): StackConfigProblem[] {
  const problems: StackConfigProblem[] = [];
  if (context.project === undefined || context.project === "") {
    problems.push({
      path: ["gcp:project"],
      message:
        "missing; set the stack's Google Cloud project: `pulumi config set gcp:project <id>` (or GOOGLE_PROJECT in the environment)",
    });
  } else if (!PROJECT_ID.pattern?.test(context.project)) {
    problems.push({
      path: ["gcp:project"],
      message: `${describeValue(context.project)} is not a project id; ${PROJECT_ID.rule}`,
    });
  }
  const enrichment = enrichmentSchema.safeParse(input.enrichment);
  // Judged on the raw section, so a proxy with another problem (no host) still reports a missing password.
  const proxy = isPlainObject(input.proxy) ? input.proxy : {};
  const proxyAuthenticates = proxy.enabled === true && (proxy.authScheme === "BASIC" || proxy.authScheme === "DIGEST");
  const managed = input.backend === "managed";
  problems.push(...managedBackendProblems(input));
  if (managed && secrets.previousClientSecret !== undefined) {
    problems.push({
      path: ["previousClientSecret"],
      message:
        "is set with backend managed; the connection verifies with one client secret: rotate by replacing clientSecret",
    });
  }
  const needed: Partial<Record<SecretKey, boolean>> = {
    clientSecret: true,
    accessToken: managed || (enrichment.success && enrichment.data.enabled),
    proxyPassword: proxyAuthenticates,
  };
  const why = (key: SecretKey): string | undefined =>
    key === "accessToken" && managed
      ? "the managed backend's connection authenticates to HubSpot with the private app's access token"
      : SECRET_WHY[key];
  for (const key of ["clientSecret", "previousClientSecret", "accessToken", "proxyPassword"] as const) {
    const refKey = `${key}Ref`;
    if (secrets[key] !== undefined && input[refKey] !== undefined) {
      problems.push({
        path: [refKey],
        message: `is set together with the secret ${key}; set either \`pulumi config set --secret hubspot-trigger:${key} ...\` or ${refKey}, not both`,
      });
    } else if (secrets[key] === undefined && input[refKey] === undefined && needed[key]) {
      problems.push({
        path: [key],
        message: `missing; ${why(key)}: run \`pulumi config set --secret hubspot-trigger:${key} <value>\` or set ${refKey}: {secret, version}`,
      });
    }
  }
  const registration = input.registration as { mode?: unknown } | undefined;
  if (!proxyAuthenticates && (secrets.proxyPassword !== undefined || input.proxyPasswordRef)) {
    problems.push({
      path: [secrets.proxyPassword !== undefined ? "proxyPassword" : "proxyPasswordRef"],
      message:
        "is set but the proxy does not authenticate (proxy.enabled with authScheme BASIC or DIGEST); remove it or set proxy.authScheme",
    });
  }
  if (registration?.mode === "api" && secrets.hubspotDeveloperCredential === undefined) {
    problems.push({
      path: ["hubspotDeveloperCredential"],
      message:
        "missing; registration mode api needs the app's developer API key or OAuth token: run `pulumi config set --secret hubspot-trigger:hubspotDeveloperCredential <value>`",
    });
  }
  const psc = privateServiceConnectSchema.safeParse(input.privateServiceConnect);
  const environment = typeof input.environment === "string" ? input.environment : environmentFromStack(context.stack);
  if (psc.success && psc.data.enabled && psc.data.consumerAcceptList.length === 0 && /^prod/.test(environment)) {
    problems.push({
      path: ["privateServiceConnect", "consumerAcceptList"],
      message: `is empty in environment ${describeValue(environment)}; a production stack with Private Service Connect must list the consumer projects allowed to connect (ACCEPT_MANUAL)`,
    });
  }
  return problems;
}

function secretSource<S>(value: S | undefined, ref: { secret: string; version: string } | undefined) {
  if (value !== undefined) return { kind: "managed" as const, value };
  return ref ? { kind: "existing" as const, secret: ref.secret, version: ref.version } : undefined;
}

function applyComputedDefaults<S>(
  values: StackConfigValues,
  secrets: Partial<Record<SecretKey, S>>,
  context: StackContext,
): StackConfig<S> {
  const {
    region: regionValue,
    environment: environmentValue,
    image,
    imageBuild,
    integration,
    triggers,
    registration,
    clientSecretRef,
    previousClientSecretRef,
    accessTokenRef,
    proxyPasswordRef,
    ...rest
  } = values;
  const region = regionValue ?? context.gcpRegion ?? DEFAULT_REGION;
  const environment = environmentValue ?? environmentFromStack(context.stack);
  const integrationName = integration.name ?? "";
  const { credentialKind, appId, ...registrationRest } = registration;
  const clientSecret = secretSource(secrets.clientSecret, clientSecretRef);
  const previousClientSecret = secretSource(secrets.previousClientSecret, previousClientSecretRef);
  const accessToken = secretSource(secrets.accessToken, accessTokenRef);
  const proxyPassword = rest.proxy.enabled ? secretSource(secrets.proxyPassword, proxyPasswordRef) : undefined;
  const credential = secrets.hubspotDeveloperCredential;
  if (clientSecret === undefined) throw new Error("unreachable: clientSecret presence is checked before defaults");
  return {
    project: context.project ?? "",
    region,
    environment,
    ...(imageBuild.enabled
      ? {
          imageBuild: {
            repository: imageBuild.repository ?? context.defaultRepository(rest.connectionName, environment),
            ...(imageBuild.tag !== undefined ? { tag: imageBuild.tag } : {}),
          },
        }
      : { image }),
    ...rest,
    managed: {
      ...rest.managed,
      ...(rest.managed.connectorVersion !== undefined
        ? { connectorVersion: connectorVersionName(rest.managed.connectorVersion, context.project ?? "") }
        : {}),
    },
    integration: {
      name: integrationName,
      location: integration.location ?? region,
      concurrentExecutions: integration.concurrentExecutions,
    },
    triggers: triggers.map((trigger) => {
      const target = trigger.integration ?? integrationName;
      return { ...trigger, integration: target, triggerId: trigger.triggerId ?? `api_trigger/${target}` };
    }),
    registration: {
      ...registrationRest,
      ...(appId !== undefined ? { appId } : {}),
      ...(registration.mode === "api" && credential !== undefined
        ? { credential: { kind: credentialKind, value: credential } }
        : {}),
    },
    clientSecret,
    ...(previousClientSecret ? { previousClientSecret } : {}),
    ...(accessToken ? { accessToken } : {}),
    ...(proxyPassword ? { proxyPassword } : {}),
  };
}
