/**
 * The Integration Connectors v1 request and response schemas the stand-in validates with: Google's discovery document
 * (testing/google-discovery/connectors-v1.json, revision 20240701, see SOURCE.md there) converted to JSON Schema for
 * ajv, extended with exactly what the typed client of the npm package `googleapis` 188.0.0 adds
 * (node_modules/googleapis/build/src/apis/connectors/v1.d.ts).
 *
 * Where the two differ the newer wins: the typed client is what the providers compile against and what Google serves
 * today, so a field it declares must not be refused here. The additions below are limited to the schemas reachable
 * from the bodies the stand-in validates (Connection, EventSubscription, Operation, ListEventSubscriptionsResponse);
 * test/managed/connectors-schemas.spec.ts re-derives them from the .d.ts and fails when they drift. The typed client
 * carries no enums (every enum is `string | null`), so discovery's enums stand: notably
 * EventSubscriptionDestination.type keeps only TYPE_UNSPECIFIED and ENDPOINT, and a Pub/Sub destination is selected
 * by its `pubsub` field alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import {
  toJsonSchema,
  type DiscoveryParameter,
  type DiscoveryResources,
  type DiscoverySchema,
  type JsonSchema,
} from "./discovery-schema";

export {
  ajvMessage,
  methodsOf,
  type DiscoveryMethod,
  type DiscoveryParameter,
  type DiscoverySchema,
} from "./discovery-schema";

export const DISCOVERY_FILE = path.resolve(__dirname, "google-discovery/connectors-v1.json");
export const DISCOVERY_REVISION = "20240701";

export interface DiscoveryDocument extends DiscoveryResources {
  revision: string;
  servicePath: string;
  parameters: Record<string, DiscoveryParameter>;
  schemas: Record<string, DiscoverySchema>;
}

const str: DiscoverySchema = { type: "string" };
const bool: DiscoverySchema = { type: "boolean" };
const strings: DiscoverySchema = { type: "array", items: str };
const ref = (name: string): DiscoverySchema => ({ $ref: name });
const list = (name: string): DiscoverySchema => ({ type: "array", items: ref(name) });

/**
 * What googleapis 188's typed client declares and revision 20240701 lacks, in discovery form. TypeScript's
 * `string | null` is a string, `number | null` a number, `Schema$X` a `$ref`, `{ [key: string]: string }` a map.
 */
export const TYPED_CLIENT_ADDITIONS: {
  properties: Record<string, Record<string, DiscoverySchema>>;
  schemas: Record<string, DiscoverySchema>;
} = {
  properties: {
    AuthConfig: { oauth2AuthCodeFlowGoogleManaged: ref("Oauth2AuthCodeFlowGoogleManaged") },
    Connection: {
      adminFilters: list("AdminFilters"),
      asyncOperationsEnabled: bool,
      authOverrideEnabled: bool,
      euaOauthAuthConfig: ref("AuthConfig"),
      fallbackOnAdminCredentials: bool,
      host: str,
      tlsServiceDirectory: str,
      trafficShapingConfigs: list("TrafficShapingConfig"),
    },
    ConnectorVersionInfraConfig: {
      deploymentModelMigrationState: str,
      maxInstanceRequestConcurrency: { type: "number" },
      tlsMigrationState: str,
    },
    EventSubscription: { filter: str },
    EventSubscriptionDestination: { pubsub: ref("PubSub") },
    EventingConfig: {
      allowedEventTypes: strings,
      enrichmentConfig: ref("EnrichmentConfig"),
      globalEventFilter: str,
      privateConnectivityAllowlistedProjects: strings,
      sslConfig: ref("SslConfig"),
    },
    EventingRuntimeData: { webhookSubscriptions: ref("WebhookSubscriptions") },
    WebhookData: { eventSubscriptions: strings, eventTypes: strings },
  },
  schemas: {
    AdminFilters: {
      type: "object",
      properties: {
        filterKey: str,
        filterType: str,
        intValue: str,
        stringListValues: ref("StringListValues"),
        stringValue: str,
      },
    },
    EnrichmentConfig: { type: "object", properties: { appendAcl: bool } },
    Oauth2AuthCodeFlowGoogleManaged: {
      type: "object",
      properties: { authCode: str, redirectUri: str, scopes: strings },
    },
    PubSub: {
      type: "object",
      properties: {
        attributes: { type: "object", additionalProperties: str },
        configVariables: list("ConfigVariable"),
        projectId: str,
        topicId: str,
      },
    },
    StringListValues: { type: "object", properties: { listValues: strings } },
    TrafficShapingConfig: { type: "object", properties: { duration: str, quotaLimit: str } },
    WebhookSubscriptions: { type: "object", properties: { webhookData: list("WebhookData") } },
  },
};

export function loadDiscovery(): DiscoveryDocument {
  const document = JSON.parse(fs.readFileSync(DISCOVERY_FILE, "utf8")) as DiscoveryDocument;
  if (document.revision !== DISCOVERY_REVISION) {
    throw new Error(
      `${DISCOVERY_FILE}: revision ${document.revision}, the stand-in is written for ${DISCOVERY_REVISION}`,
    );
  }
  return document;
}

/** The discovery schemas with the typed client's additions applied (a copy: the document is left as Google wrote it). */
export function extendedSchemas(document: DiscoveryDocument): Record<string, DiscoverySchema> {
  const schemas: Record<string, DiscoverySchema> = structuredClone(document.schemas);
  for (const [name, schema] of Object.entries(TYPED_CLIENT_ADDITIONS.schemas)) {
    if (schemas[name]) throw new Error(`typed-client schema ${name} already exists in the discovery document`);
    schemas[name] = schema;
  }
  for (const [name, properties] of Object.entries(TYPED_CLIENT_ADDITIONS.properties)) {
    const target = schemas[name];
    if (!target?.properties) throw new Error(`typed-client addition to unknown discovery schema ${name}`);
    for (const [property, schema] of Object.entries(properties)) {
      if (target.properties[property]) throw new Error(`${name}.${property} already exists in the discovery document`);
      target.properties[property] = schema;
    }
  }
  return schemas;
}

/** One compiler for every `$ref` schema, so each method's request and response validators share definitions. */
export function schemaCompiler(schemas: Record<string, DiscoverySchema>): (ref: string) => ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(schemas)) definitions[name] = toJsonSchema(schema);
  ajv.addSchema({ $id: "connectors-v1", definitions });
  const cache = new Map<string, ValidateFunction>();
  return (name) => {
    let validate = cache.get(name);
    if (!validate) {
      validate = ajv.compile({ $ref: `connectors-v1#/definitions/${name}` });
      cache.set(name, validate);
    }
    return validate;
  };
}
