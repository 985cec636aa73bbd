import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { EventType } from "../contract/events";
import {
  ALERTS_DEFAULTS,
  DEAD_LETTER_DEFAULTS,
  DEFAULT_CONNECTION_NAME,
  DESTINATION_DEFAULTS,
  hubspotBaseUrl,
  PROXY_DEFAULTS,
  PRIVATE_SERVICE_CONNECT_DEFAULTS,
  REGISTRATION_DEFAULTS,
  RETRY_DEFAULTS,
  SCALING_DEFAULTS,
  SIGNATURE_DEFAULTS,
  STACK_CONFIG_FIELDS,
  TOPIC_PATH,
  serviceAccountEmail,
  serviceAccountsSchema,
} from "../contract/stack-config";
import type { ProxyAuthScheme, ProxySslType } from "../contract/hubspot-transport";
import type {
  AlertsArgs,
  DeadLetterArgs,
  EnrichmentConfig,
  HubSpotTriggerArgs,
  ImageBuildArgs,
  PscConsumer,
  RegistrationArgs,
  ScalingConfig,
  SecretArgs,
  ServiceAccountsArgs,
  SignatureConfig,
} from "./args";
import { INTEGRATION_CONCURRENT_EXECUTIONS } from "./capacity";
import type { ApiVersion } from "./hubspot/types";
import type { SecretSource } from "./secrets";
import { resolveManaged, type ResolvedManaged } from "./managed/resolve";

/** The default the stack config's schema gives a scalar key (the schema is where the config documents it). */
function schemaDefault(key: string): unknown {
  const field = STACK_CONFIG_FIELDS[key];
  if (field === undefined) throw new Error(`the stack config schema has no key ${key}`);
  return z.parse(field, undefined);
}

function flagDefault(key: string): boolean {
  const value = schemaDefault(key);
  if (typeof value !== "boolean") throw new Error(`the stack config schema's ${key} defaults to no boolean`);
  return value;
}

function countDefault(key: string): number {
  const value = schemaDefault(key);
  if (typeof value !== "number") throw new Error(`the stack config schema's ${key} defaults to no number`);
  return value;
}

/**
 * Every default of `HubSpotTrigger`: the component applies them in `resolveArgs`, so a program passes only what
 * differs. Taken from the stack config's schema (contract/stack-config), so a value in `Pulumi.<stack>.yaml` left
 * out and an argument left out mean the same; only what the config does not carry is written here.
 */
export const DEFAULTS = {
  connectionName: DEFAULT_CONNECTION_NAME,
  /** Seed's connection-node defaults. */
  scaling: SCALING_DEFAULTS,
  deadLetter: DEAD_LETTER_DEFAULTS,
  retry: RETRY_DEFAULTS,
  messageOrdering: flagDefault("messageOrdering"),
  expectedPortals: countDefault("expectedPortals"),
  dedupWindowSeconds: countDefault("dedupWindowSeconds"),
  /** Outside 10.128.0.0/9, so they do not collide with the subnets of an auto-mode VPC; no consumer accepted. */
  privateServiceConnect: PRIVATE_SERVICE_CONNECT_DEFAULTS,
  signature: SIGNATURE_DEFAULTS,
  deletionProtection: flagDefault("deletionProtection"),
  enableApis: flagDefault("enableApis"),
  integrationConcurrentExecutions: INTEGRATION_CONCURRENT_EXECUTIONS,
  destination: DESTINATION_DEFAULTS,
  proxy: PROXY_DEFAULTS,
  executionTimeoutSeconds: 120,
  existingSecretVersion: "latest",
  alerts: ALERTS_DEFAULTS,
  registration: {
    maxConcurrentRequests: REGISTRATION_DEFAULTS.maxConcurrentRequests,
    retainOnDelete: REGISTRATION_DEFAULTS.retainOnDelete,
    apiVersion: REGISTRATION_DEFAULTS.apiVersion as ApiVersion,
  },
} as const;

/** A trigger with its integration and trigger id decided. */
export interface ResolvedTrigger {
  readonly name: string;
  readonly eventTypes: readonly EventType[];
  readonly propertyNames: readonly string[];
  readonly integration: string;
  readonly triggerId: string;
  readonly description?: string;
  readonly onRemove: "keep" | "delete";
}

export interface ResolvedProxy {
  readonly enabled: boolean;
  readonly host?: string;
  readonly port: number;
  readonly authScheme: ProxyAuthScheme;
  readonly username?: string;
  readonly sslType: ProxySslType;
}

export type ResolvedSecret = SecretSource;

/** `HubSpotTriggerArgs` with every default applied: what the component builds from. */
export interface ResolvedArgs {
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly connectionName: string;
  readonly environment: string;
  readonly labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly image?: pulumi.Input<string>;
  readonly imageBuild?: ImageBuildArgs;
  readonly integration: {
    readonly name?: string;
    readonly location: pulumi.Input<string>;
    readonly concurrentExecutions: number;
  };
  readonly triggers: readonly ResolvedTrigger[];
  readonly admins: readonly string[];
  readonly scaling: ScalingConfig;
  readonly deadLetter: Required<Pick<DeadLetterArgs, "maxDeliveryAttempts" | "retentionDays">> &
    Pick<DeadLetterArgs, "projectId" | "topic" | "existingTopic">;
  /** Only the roles given an existing account; the others are created. */
  readonly serviceAccounts: ServiceAccountsArgs;
  readonly retry: { readonly minimumBackoff: pulumi.Input<string>; readonly maximumBackoff: pulumi.Input<string> };
  readonly messageOrdering: boolean;
  readonly expectedPortals: number;
  readonly dedupWindowSeconds: number;
  readonly privateServiceConnect: {
    readonly enabled: boolean;
    readonly network: pulumi.Input<string>;
    readonly natSubnetCidr: pulumi.Input<string>;
    readonly proxySubnetCidr: pulumi.Input<string>;
    readonly ilbSubnetCidr: pulumi.Input<string>;
    readonly consumerAcceptList: readonly PscConsumer[];
  };
  readonly clientSecret: ResolvedSecret;
  readonly previousClientSecret?: ResolvedSecret;
  readonly accessToken?: ResolvedSecret;
  readonly enrichment: EnrichmentConfig;
  /** `host` is the base URL, `https://` included, without a trailing slash. */
  readonly destination: { readonly host: string; readonly serviceAttachment?: pulumi.Input<string> };
  readonly proxy: ResolvedProxy;
  readonly proxyPassword?: ResolvedSecret;
  /** Undefined: no Direct VPC egress. */
  readonly egress?: {
    readonly network?: pulumi.Input<string>;
    readonly subnetwork?: pulumi.Input<string>;
    readonly allTraffic: boolean;
  };
  readonly signature: SignatureConfig;
  readonly deletionProtection: boolean;
  readonly enableApis: boolean;
  readonly registration?: Required<Omit<RegistrationArgs, "appId" | "credential">> &
    Pick<RegistrationArgs, "appId" | "credential">;
  readonly executionTimeoutSeconds: number;
  readonly alerts: Required<Omit<AlertsArgs, "notificationChannels">> & {
    readonly notificationChannels: readonly string[];
  };
  readonly maxConcurrentExecutions?: number;
  readonly secretReplicaLocations?: readonly string[];
  readonly backend: "self-hosted" | "managed";
  /** Set exactly when `backend` is "managed". */
  readonly managed?: ResolvedManaged;
}

/** The fields a caller set; an explicit `undefined` leaves the default in place. */
function given<T extends object>(section: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(section ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function isInput(value: SecretArgs): value is pulumi.Input<string> {
  return typeof value === "string" || pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** A secret given as a value is stored by the component; an `{ secret, version }` reference is only bound. */
export function resolveSecret(value: SecretArgs): ResolvedSecret {
  if (isInput(value)) return { kind: "managed", value };
  return { kind: "existing", secret: value.secret, version: value.version ?? DEFAULTS.existingSecretVersion };
}

/**
 * The bring-your-own args the stack config checks, checked again for programs that use the library directly (the
 * same schema, so the same messages); values known only at deploy time are left to the policy pack.
 */
function bringYourOwnProblems(args: HubSpotTriggerArgs): string[] {
  const problems: string[] = [];
  const accounts = Object.fromEntries(
    Object.entries(args.serviceAccounts ?? {}).filter(([, value]) => typeof value === "string"),
  );
  const parsed = serviceAccountsSchema.safeParse(accounts);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`serviceAccounts.${issue.path.join(".")}: ${issue.message}`);
  }
  const deadLetter = args.deadLetter ?? {};
  if (deadLetter.existingTopic !== undefined) {
    const topic = deadLetter.existingTopic;
    if (typeof topic === "string" && !TOPIC_PATH.pattern?.test(topic)) {
      problems.push(`deadLetter.existingTopic: ${JSON.stringify(topic)} does not match; ${TOPIC_PATH.rule}`);
    }
    for (const key of ["projectId", "topic"] as const) {
      if (deadLetter[key] !== undefined) {
        problems.push(
          `deadLetter.${key}: is set together with deadLetter.existingTopic; set either existingTopic or projectId/topic`,
        );
      }
    }
  }
  return problems;
}

/** Internal. Exported for testing: the args with every default applied, and the checks defaults depend on. */
export function resolveArgs(args: HubSpotTriggerArgs): ResolvedArgs {
  const problems = bringYourOwnProblems(args);
  if (problems.length > 0) throw new Error(`invalid HubSpotTrigger args:\n  - ${problems.join("\n  - ")}`);
  const integrationName = args.integration?.name;
  const triggers = args.triggers.map((trigger): ResolvedTrigger => {
    const integration = trigger.integration ?? integrationName;
    if (integration === undefined) {
      throw new Error(`trigger "${trigger.name}" names no integration and integration.name is not set: set one`);
    }
    return {
      ...trigger,
      onRemove: trigger.onRemove ?? (args.registration?.retainOnDelete ? "keep" : "delete"),
      propertyNames: trigger.propertyNames ?? [],
      integration,
      triggerId: trigger.triggerId ?? `api_trigger/${integration}`,
    };
  });
  const enrichment = {
    contactProperties: [...(args.enrichment?.contactProperties ?? [])],
    companyProperties: [...(args.enrichment?.companyProperties ?? [])],
    dealProperties: [...(args.enrichment?.dealProperties ?? [])],
  };
  const anyProperty = Object.values(enrichment).some((list) => list.length > 0);
  const proxy: ResolvedProxy = { ...DEFAULTS.proxy, ...given(args.proxy) };
  const egress =
    args.egress && (args.egress.network !== undefined || args.egress.subnetwork !== undefined)
      ? { ...args.egress, allTraffic: args.egress.allTraffic ?? false }
      : undefined;
  const outboundProblems = outboundArgProblems(args, proxy, egress !== undefined);
  if (outboundProblems.length > 0) throw new Error(`HubSpotTrigger: ${outboundProblems.join("; ")}`);
  return {
    ...args,
    connectionName: args.connectionName ?? DEFAULTS.connectionName,
    environment: args.environment ?? pulumi.getStack(),
    labels: args.labels ?? {},
    integration: {
      name: integrationName,
      location: args.integration?.location ?? args.region,
      concurrentExecutions: args.integration?.concurrentExecutions ?? DEFAULTS.integrationConcurrentExecutions,
    },
    triggers,
    admins: args.admins ?? [],
    scaling: { ...DEFAULTS.scaling, ...given(args.scaling) },
    deadLetter: { ...DEFAULTS.deadLetter, ...given(args.deadLetter) },
    // IAM's member and resource forms name the same account: the component works with the bare email.
    serviceAccounts: Object.fromEntries(
      Object.entries(given(args.serviceAccounts)).map(([role, value]) => [
        role,
        typeof value === "string" ? serviceAccountEmail(value.trim()) : value,
      ]),
    ),
    retry: { ...DEFAULTS.retry, ...given(args.retry) },
    messageOrdering: args.messageOrdering ?? DEFAULTS.messageOrdering,
    expectedPortals: args.expectedPortals ?? DEFAULTS.expectedPortals,
    dedupWindowSeconds: args.dedupWindowSeconds ?? DEFAULTS.dedupWindowSeconds,
    privateServiceConnect: {
      ...DEFAULTS.privateServiceConnect,
      ...given(args.privateServiceConnect),
    },
    clientSecret: resolveSecret(args.clientSecret),
    previousClientSecret:
      args.previousClientSecret === undefined ? undefined : resolveSecret(args.previousClientSecret),
    accessToken: args.accessToken === undefined ? undefined : resolveSecret(args.accessToken),
    enrichment: { enabled: args.enrichment?.enabled ?? anyProperty, ...enrichment },
    destination: {
      ...args.destination,
      host: hubspotBaseUrl(args.destination?.host ?? DEFAULTS.destination.host),
    },
    proxy,
    proxyPassword:
      proxy.enabled && proxy.authScheme !== "NONE" && args.proxyPassword !== undefined
        ? resolveSecret(args.proxyPassword)
        : undefined,
    egress,
    signature: { ...DEFAULTS.signature, ...given(args.signature) },
    deletionProtection: args.deletionProtection ?? DEFAULTS.deletionProtection,
    enableApis: args.enableApis ?? DEFAULTS.enableApis,
    registration: args.registration && {
      ...DEFAULTS.registration,
      ...given(args.registration),
      mode: args.registration.mode,
    },
    executionTimeoutSeconds: args.executionTimeoutSeconds ?? DEFAULTS.executionTimeoutSeconds,
    alerts: { ...DEFAULTS.alerts, ...given(args.alerts) },
    backend: args.backend ?? "self-hosted",
    managed: resolveManaged(args),
  };
}

/** The outbound rules a program calling the component directly could break (the stack config checks them first). */
function outboundArgProblems(args: HubSpotTriggerArgs, proxy: ResolvedProxy, hasEgress: boolean): string[] {
  const problems: string[] = [];
  if (args.destination?.serviceAttachment !== undefined && !hasEgress) {
    problems.push(
      "destination.serviceAttachment needs egress.network or egress.subnetwork: the dispatcher reaches the endpoint through Direct VPC egress",
    );
  }
  if (!proxy.enabled) return problems;
  if (proxy.host === undefined) problems.push("proxy.host is missing; required when proxy.enabled is true");
  if (proxy.authScheme !== "NONE") {
    if (proxy.username === undefined)
      problems.push(`proxy.username is missing; required with authScheme ${proxy.authScheme}`);
    if (args.proxyPassword === undefined)
      problems.push(`proxyPassword is missing; required with authScheme ${proxy.authScheme}`);
  }
  return problems;
}
