/**
 * The dispatcher's configuration, read from the environment once at start through the contract's schema
 * (contract/runtime-env.ts; every variable, default and rule in docs/runtime-environment.md), plus the rules between
 * variables. Every problem is reported at once, each naming the variable, what is wrong with the value and the rule,
 * so a bad revision fails at start and never half-works.
 */
import type { ObjectType } from "../shared/connector-event-payload";
import { DISPATCHER_ENV_SCHEMA, EnvError, parseEnv } from "../../contract/runtime-env";
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
  if (problems.length > 0) throw new EnvError(problems);
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
    enrichment:
      wantsEnrichment && values.HUBSPOT_ACCESS_TOKEN
        ? {
            accessToken: values.HUBSPOT_ACCESS_TOKEN,
            apiBaseUrl: values.HUBSPOT_API_BASE_URL.replace(/\/+$/, ""),
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
