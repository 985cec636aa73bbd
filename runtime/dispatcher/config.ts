/**
 * The dispatcher's configuration, read from the environment once at start through the contract's schema
 * (contract/runtime-env.ts; every variable, default and rule in docs/runtime-environment.md), plus the rules between
 * variables. Every problem is reported at once, each naming the variable, what is wrong with the value and the rule,
 * so a bad revision fails at start and never half-works.
 */
import type { ObjectType } from "../shared/connector-event-payload";
import type { HubSpotTransportSettings, ProxySettings } from "../../contract/hubspot-transport";
import { DISPATCHER_ENV_SCHEMA, EnvError, parseEnv, type DispatcherEnv } from "../../contract/runtime-env";
import type { TriggerTableEntry } from "../../contract/runtime-env-triggers";
import { parseTopicPath } from "../shared/pubsub";
import type { StatusStoreConfig } from "../shared/status";

export {
  DEFAULT_EXECUTION_TIMEOUT_MS,
  DEFAULT_MAX_CONCURRENT_EXECUTIONS,
  MAX_EXECUTION_TIMEOUT_MS,
} from "../../contract/runtime-env";

/** One trigger served by this dispatcher: an entry of DISPATCHER_TRIGGERS. */
export type TriggerRoute = TriggerTableEntry;

export interface EnrichmentConfig {
  accessToken: string;
  apiBaseUrl: string;
  /** Where and how HubSpot is reached (the base URL, the PSC address, the proxy); default: directly to apiBaseUrl. */
  transport?: HubSpotTransportSettings;
  properties: Record<ObjectType, string[]>;
}

export interface DispatcherConfig {
  port: number;
  host: string;
  projectId: string;
  /** Full `projects/P/topics/T`: the dead letter may live in another project. */
  deadLetterTopic: string;
  pubsubEmulatorHost?: string;
  triggers: TriggerRoute[];
  integrationProject: string;
  integrationLocation: string;
  integrationsEndpoint: string;
  maxConcurrentExecutions: number;
  executionTimeoutMs: number;
  /** The subscriptions' dead-letter maxDeliveryAttempts, when the stack says it: the last attempt is known. */
  maxDeliveryAttempts?: number;
  /** Absent when no property list is configured: no HubSpot call at all. */
  enrichment?: EnrichmentConfig;
  /** Where dispatch outcomes are recorded; absent when STATUS_DATABASE is unset. */
  status?: StatusStoreConfig;
}

export const OBJECT_TYPES: readonly ObjectType[] = ["contact", "company", "deal"];

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

export function readDispatcherConfig(env: NodeJS.ProcessEnv): DispatcherConfig {
  const values = parseEnv(DISPATCHER_ENV_SCHEMA, env);
  const problems: string[] = [];
  // Bearer tokens must not travel in clear text; plain http is only for local stand-ins.
  for (const name of ["INTEGRATIONS_ENDPOINT", "HUBSPOT_API_BASE_URL"] as const) {
    if (values[name].startsWith("http:") && !isLoopback(values[name])) {
      problems.push(
        `${name}: ${JSON.stringify(values[name])} is plain http; the rule is https (http only on loopback)`,
      );
    }
  }
  try {
    parseTopicPath(values.DEAD_LETTER_TOPIC, values.GOOGLE_CLOUD_PROJECT);
  } catch (error) {
    problems.push(`DEAD_LETTER_TOPIC: ${(error as Error).message}`);
  }
  const properties: Record<ObjectType, string[]> = {
    contact: values.ENRICHMENT_CONTACT_PROPERTIES,
    company: values.ENRICHMENT_COMPANY_PROPERTIES,
    deal: values.ENRICHMENT_DEAL_PROPERTIES,
  };
  const wantsEnrichment = OBJECT_TYPES.some((type) => properties[type].length > 0);
  if (wantsEnrichment && !values.HUBSPOT_ACCESS_TOKEN) {
    problems.push(
      "HUBSPOT_ACCESS_TOKEN: is missing; the rule is: required when an ENRICHMENT_*_PROPERTIES list is set",
    );
  }
  const proxy = readProxy(values, env, problems);
  if (problems.length > 0) throw new EnvError(problems);
  const apiBaseUrl = values.HUBSPOT_API_BASE_URL.replace(/\/+$/, "");
  return {
    port: values.PORT,
    // Cloud Run (K_SERVICE set) routes to the container's external interface; locally stay on loopback.
    host: values.HOST ?? (values.K_SERVICE ? "0.0.0.0" : "127.0.0.1"),
    projectId: values.GOOGLE_CLOUD_PROJECT,
    deadLetterTopic: values.DEAD_LETTER_TOPIC,
    pubsubEmulatorHost: values.PUBSUB_EMULATOR_HOST,
    triggers: values.DISPATCHER_TRIGGERS,
    integrationProject: values.INTEGRATION_PROJECT ?? values.GOOGLE_CLOUD_PROJECT,
    integrationLocation: values.INTEGRATION_LOCATION,
    integrationsEndpoint: values.INTEGRATIONS_ENDPOINT.replace(/\/+$/, ""),
    maxConcurrentExecutions: values.MAX_CONCURRENT_EXECUTIONS,
    executionTimeoutMs: values.EXECUTION_TIMEOUT_MS,
    maxDeliveryAttempts: values.MAX_DELIVERY_ATTEMPTS,
    enrichment:
      wantsEnrichment && values.HUBSPOT_ACCESS_TOKEN
        ? {
            accessToken: values.HUBSPOT_ACCESS_TOKEN,
            apiBaseUrl,
            transport: {
              baseUrl: apiBaseUrl,
              ...(values.HUBSPOT_API_ADDRESS ? { address: values.HUBSPOT_API_ADDRESS } : {}),
              ...(proxy ? { proxy } : {}),
            },
            properties,
          }
        : undefined,
    status: values.STATUS_DATABASE
      ? {
          databaseId: values.STATUS_DATABASE,
          projectId: values.GOOGLE_CLOUD_PROJECT,
          flushIntervalMs: values.STATUS_FLUSH_SECONDS * 1000,
          emulatorHost: values.FIRESTORE_EMULATOR_HOST,
        }
      : undefined,
  };
}

/**
 * The proxy settings and the rules between their variables, each broken rule added to `problems`. A password's value
 * never appears in a problem.
 */
function readProxy(values: DispatcherEnv, env: NodeJS.ProcessEnv, problems: string[]): ProxySettings | undefined {
  const set = (name: string) => env[name] !== undefined && env[name] !== "";
  const host = values.HUBSPOT_PROXY_HOST;
  const scheme = values.HUBSPOT_PROXY_AUTH_SCHEME;
  if (!host) {
    const stray = [
      "HUBSPOT_PROXY_PORT",
      "HUBSPOT_PROXY_AUTH_SCHEME",
      "HUBSPOT_PROXY_USERNAME",
      "HUBSPOT_PROXY_PASSWORD",
      "HUBSPOT_PROXY_SSL_TYPE",
    ].filter(set);
    for (const name of stray) {
      problems.push(`${name}: is set without HUBSPOT_PROXY_HOST; the rule is: proxy settings need the proxy's host`);
    }
    return undefined;
  }
  if (values.HUBSPOT_PROXY_PORT === undefined) {
    problems.push("HUBSPOT_PROXY_PORT: is missing; the rule is: required with HUBSPOT_PROXY_HOST");
  }
  if (scheme === "NONE") {
    for (const name of ["HUBSPOT_PROXY_USERNAME", "HUBSPOT_PROXY_PASSWORD"].filter(set)) {
      problems.push(
        `${name}: is set but HUBSPOT_PROXY_AUTH_SCHEME is NONE; the rule is: credentials only with BASIC or DIGEST (a credential never used is a mistake)`,
      );
    }
  } else {
    for (const name of ["HUBSPOT_PROXY_USERNAME", "HUBSPOT_PROXY_PASSWORD"] as const) {
      if (!values[name])
        problems.push(`${name}: is missing; the rule is: required with HUBSPOT_PROXY_AUTH_SCHEME ${scheme}`);
    }
  }
  const forwarded = values.HUBSPOT_API_BASE_URL.startsWith("http:") && values.HUBSPOT_PROXY_SSL_TYPE !== "TUNNEL";
  if (scheme === "DIGEST" && forwarded) {
    problems.push(
      `HUBSPOT_PROXY_AUTH_SCHEME: DIGEST with a plain-http HUBSPOT_API_BASE_URL and HUBSPOT_PROXY_SSL_TYPE ${values.HUBSPOT_PROXY_SSL_TYPE} is not supported; the rule is: DIGEST authenticates tunnels only (an https base URL, or HUBSPOT_PROXY_SSL_TYPE TUNNEL)`,
    );
  }
  if (values.HUBSPOT_PROXY_PORT === undefined) return undefined;
  return {
    host,
    port: values.HUBSPOT_PROXY_PORT,
    authScheme: scheme,
    ...(scheme !== "NONE" ? { username: values.HUBSPOT_PROXY_USERNAME, password: values.HUBSPOT_PROXY_PASSWORD } : {}),
    sslType: values.HUBSPOT_PROXY_SSL_TYPE,
  };
}
