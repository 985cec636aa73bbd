/**
 * The dispatcher's configuration, read from the environment once at start (see the README, "Environment variables (role dispatcher)").
 * Every problem is reported at once through the shared `readEnv`/`EnvError`, each naming the variable, what is wrong
 * with the value and the rule, so a bad revision fails at start and never half-works.
 */
import type { ObjectType } from "../shared/connector-event-payload";
import { csv, int, json, optional, readEnv, str, url, EnvError } from "../shared/env";
import { parseTopicPath } from "../shared/pubsub";

/** One trigger served by this dispatcher: its push subscription and the integration it executes. */
export interface TriggerRoute {
  name: string;
  /** Short subscription name (the last segment of `projects/P/subscriptions/S`). */
  subscription: string;
  eventTypes: string[];
  /** Properties its propertyChange types watch; absent or empty = every property. */
  propertyNames?: string[];
  integration: string;
  triggerId: string;
}

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
}

export const OBJECT_TYPES: readonly ObjectType[] = ["contact", "company", "deal"];
// The legacy subscription types HubSpot delivers for CRM objects (generic object.* ones are mapped to these upstream).
export const EVENT_TYPE =
  /^(contact|company|deal)\.(creation|deletion|propertyChange|merge|restore|associationChange|privacyDeletion)$/;
// Pub/Sub subscription ids: https://cloud.google.com/pubsub/docs/create-subscription#resource_names
const SUBSCRIPTION_ID = /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
// Application Integration names and trigger ids: the same rules as the stack config (infra/config/rules.ts), so a
// stack that validates never deploys a dispatcher that refuses to start.
const INTEGRATION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const TRIGGER_ID = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,254}$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const LOCATION = /^[a-z]+(-[a-z0-9]+)+$/;
// HubSpot internal property names: lowercase letters, digits, underscores (custom ones may contain dashes/dots).
const PROPERTY_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Application Integration's default limit is 50 concurrent executions per project (design.md). */
export const DEFAULT_MAX_CONCURRENT_EXECUTIONS = 50;
/** Below a 60 s push ack deadline with room for enrichment and the dead-letter publish. */
export const DEFAULT_EXECUTION_TIMEOUT_MS = 45_000;
/** Pub/Sub's longest ack deadline is 600 s; an execution must end before the push request is abandoned. */
export const MAX_EXECUTION_TIMEOUT_MS = 590_000;

/** Internal. Exported for testing: validates DISPATCHER_TRIGGERS, throwing an Error naming the element and rule. */
export function parseTriggers(value: unknown): TriggerRoute[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(
      "is not a non-empty JSON array; the rule is [{name, subscription, eventTypes, integration, triggerId}, ...]",
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const routes = value.map((item: unknown, index): TriggerRoute => {
    const at = `[${index}]`;
    const entry = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const text = (key: string, pattern: RegExp, rule: string): string => {
      const v = entry[key];
      if (typeof v !== "string" || !pattern.test(v))
        problems.push(`${at}.${key} ${JSON.stringify(v)} is invalid; the rule is ${rule}`);
      return typeof v === "string" ? v : "";
    };
    const route: TriggerRoute = {
      name: text("name", /^[a-z][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, letter first"),
      subscription: text("subscription", SUBSCRIPTION_ID, "a short Pub/Sub subscription id (not the full path)"),
      eventTypes: [],
      integration: text("integration", INTEGRATION_NAME, "an Application Integration name"),
      triggerId: text(
        "triggerId",
        TRIGGER_ID,
        "a trigger id such as api_trigger/TRIGGER_NAME (letters, digits, _ . / -)",
      ),
    };
    const properties = entry.propertyNames;
    if (properties !== undefined) {
      if (!Array.isArray(properties) || properties.some((p) => typeof p !== "string" || p.length === 0)) {
        problems.push(`${at}.propertyNames is not an array of property names; the rule is a list like ["dealstage"]`);
      } else if (properties.length > 0) {
        route.propertyNames = properties as string[];
      }
    }
    const types = entry.eventTypes;
    if (!Array.isArray(types) || types.length === 0) {
      problems.push(`${at}.eventTypes is not a non-empty array; the rule is a list like ["deal.creation"]`);
    } else {
      for (const type of types) {
        if (typeof type === "string" && EVENT_TYPE.test(type)) route.eventTypes.push(type);
        else problems.push(`${at}.eventTypes has ${JSON.stringify(type)}; the rule is ${EVENT_TYPE}`);
      }
    }
    if (route.subscription && seen.has(route.subscription)) {
      problems.push(
        `${at}.subscription ${JSON.stringify(route.subscription)} is used twice; the rule is one trigger per subscription`,
      );
    }
    seen.add(route.subscription);
    return route;
  });
  if (problems.length > 0) throw new Error(problems.join("; "));
  return routes;
}

const propertyList = () => csv({ default: [], item: PROPERTY_NAME });

const SPEC = {
  PORT: int({ default: 8080, min: 1, max: 65535 }),
  HOST: optional(str()),
  GOOGLE_CLOUD_PROJECT: str({ pattern: PROJECT_ID, rule: "a GCP project id" }),
  DEAD_LETTER_TOPIC: str({ pattern: /^projects\/[^/]+\/topics\/[^/]+$/, rule: "projects/PROJECT/topics/TOPIC" }),
  PUBSUB_EMULATOR_HOST: optional(str({ pattern: /^[^\s/:]+:\d{1,5}$/, rule: "host:port" })),
  DISPATCHER_TRIGGERS: json(parseTriggers),
  INTEGRATION_PROJECT: optional(str({ pattern: PROJECT_ID, rule: "a GCP project id" })),
  INTEGRATION_LOCATION: str({ pattern: LOCATION, rule: "a GCP region such as europe-west1" }),
  INTEGRATIONS_ENDPOINT: url({ default: "https://integrations.googleapis.com" }),
  MAX_CONCURRENT_EXECUTIONS: int({ default: DEFAULT_MAX_CONCURRENT_EXECUTIONS, min: 1, max: 10_000 }),
  EXECUTION_TIMEOUT_MS: int({ default: DEFAULT_EXECUTION_TIMEOUT_MS, min: 100, max: MAX_EXECUTION_TIMEOUT_MS }),
  HUBSPOT_ACCESS_TOKEN: optional(str({ secret: true, pattern: /^\S+$/, rule: "a private-app token without spaces" })),
  HUBSPOT_API_BASE_URL: url({ default: "https://api.hubapi.com" }),
  ENRICHMENT_CONTACT_PROPERTIES: propertyList(),
  ENRICHMENT_COMPANY_PROPERTIES: propertyList(),
  ENRICHMENT_DEAL_PROPERTIES: propertyList(),
};

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

export function readDispatcherConfig(env: NodeJS.ProcessEnv): DispatcherConfig {
  const values = readEnv(SPEC, env);
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
    host: values.HOST ?? (env.K_SERVICE ? "0.0.0.0" : "127.0.0.1"),
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
  };
}
