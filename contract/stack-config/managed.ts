import { z } from "zod";
import { SEED_EVENT_TYPES } from "../events";
import { ALWAYS, describeValue, flag, integer, minNotAboveMax, oneOf, section, stringList, text } from "./fields";
import { accountEmail, SERVICE_ACCOUNT_EMAIL } from "./identity";
import { PROJECT_ID, type StringRule } from "./rules";

/**
 * `backend` and the `managed` section: Google's HubSpot connector (an Integration Connectors connection with event
 * subscription) hosts the listener instead of the stack's Cloud Run listener (docs/backends.md, docs/managed-backend.md).
 */

export const BACKENDS = ["self-hosted", "managed"] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * `projects/P/locations/global/providers/gcp/connectors/hubspot/versions/N`, the form Connectors v1 takes in
 * `Connection.connectorVersion` (discovery revision 20240701). Google documents no fixed version: the versions on
 * offer are listed by `gcloud connectors versions list --connector=hubspot --provider=gcp --location=global`.
 */
export const CONNECTOR_VERSION: StringRule = {
  pattern:
    /^(?:[1-9][0-9]{0,5}|projects\/[a-z0-9-]{6,30}\/locations\/global\/providers\/gcp\/connectors\/hubspot\/versions\/[1-9][0-9]{0,5})$/,
  rule: "a HubSpot connector version: its number (`1`) or projects/PROJECT/locations/global/providers/gcp/connectors/hubspot/versions/N; list them with `gcloud connectors versions list --connector=hubspot --provider=gcp --location=global`",
};

/** The connector version's resource name: a bare number is a version of Google's HubSpot connector. */
export function connectorVersionName(value: string, project: string): string {
  return /^[0-9]+$/.test(value)
    ? `projects/${project}/locations/global/providers/gcp/connectors/hubspot/versions/${value}`
    : value;
}

/** Connectors v1 AuthConfig.authType values (discovery revision 20240701), unspecified excluded. */
export const CONNECTOR_AUTH_TYPES = [
  "USER_PASSWORD",
  "OAUTH2_JWT_BEARER",
  "OAUTH2_CLIENT_CREDENTIALS",
  "SSH_PUBLIC_KEY",
  "OAUTH2_AUTH_CODE_FLOW",
  "GOOGLE_AUTHENTICATION",
  "AUTH_TYPE_UNSPECIFIED",
] as const;

const CONFIG_KEY: StringRule = {
  pattern: /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/,
  rule: "a connector config variable key: a letter, then letters, digits, `_`, `.` or `-`, at most 128",
};

const AUTH_TYPE_RULE = `one of ${CONNECTOR_AUTH_TYPES.join(", ")}`;
const UNVERIFIED =
  "unverified default: the connector version's templates name the right value (docs/managed-backend.md#connector-keys)";

/**
 * The connector-specific keys the connection is written with. Google documents the console's fields ("Jeton d'accès à
 * l'application privée", "Code secret du client", "Destinations") but not their API keys for HubSpot; the connector
 * version resource lists them (`authConfigTemplates`, `eventingConfigTemplate.listenerAuthConfigTemplates`,
 * `destinationConfigTemplates`; Connectors v1 ConnectorVersion). So each is configurable, and the defaults are this
 * package's reading, to check once against that resource. The proxy keys are Google's documented ones for its
 * connectors (docs/managed-backend.md#connector-keys).
 */
export const connectorKeysSchema = section({
  authType: oneOf(CONNECTOR_AUTH_TYPES, "is not a Connectors auth type", AUTH_TYPE_RULE)
    .default("AUTH_TYPE_UNSPECIFIED")
    .meta({ rule: `Connection.authConfig.authType of the private-app token; ${UNVERIFIED}` }),
  authKey: text(CONFIG_KEY)
    .default("private-app-access-token")
    .meta({ rule: `Connection.authConfig.authKey; ${UNVERIFIED}` }),
  tokenVariable: text(CONFIG_KEY)
    .default("access_token")
    .meta({ rule: `authConfig.additionalVariables key holding the token's secret version; ${UNVERIFIED}` }),
  listenerAuthType: oneOf(CONNECTOR_AUTH_TYPES, "is not a Connectors auth type", AUTH_TYPE_RULE)
    .default("AUTH_TYPE_UNSPECIFIED")
    .meta({ rule: `eventingConfig.listenerAuthConfig.authType of the client secret; ${UNVERIFIED}` }),
  listenerAuthKey: text(CONFIG_KEY)
    .default("client-secret")
    .meta({ rule: `eventingConfig.listenerAuthConfig.authKey; ${UNVERIFIED}` }),
  clientSecretVariable: text(CONFIG_KEY)
    .default("client_secret")
    .meta({ rule: `listenerAuthConfig.additionalVariables key holding the client secret's version; ${UNVERIFIED}` }),
  destination: text(CONFIG_KEY)
    .default("base_url")
    .meta({ rule: `destinationConfigs key of HubSpot's API host or service attachment; ${UNVERIFIED}` }),
}).prefault({});

export const privateConnectivitySchema = section({
  enabled: flag(false).meta({
    rule: 'seed "Activer la connectivité privée": the connection\'s listener is reached through Private Service Connect; required in environments starting with `prod` (policy)',
  }),
  allowlistedProjects: stringList(PROJECT_ID).meta({
    docType: "list",
    rule: "projects allowed to connect to the listener privately; only with `enabled`",
  }),
})
  .check(
    z.superRefine((connectivity: Record<string, unknown>, ctx) => {
      const listed = Array.isArray(connectivity.allowlistedProjects) && connectivity.allowlistedProjects.length > 0;
      if (connectivity.enabled !== true && listed) {
        ctx.addIssue({
          code: "custom",
          path: ["allowlistedProjects"],
          message: "is set but privateConnectivity.enabled is not true; list projects only with enabled: true",
        });
      }
    }, ALWAYS),
  )
  .prefault({});

export const managedSchema = section({
  connectorVersion: text(CONNECTOR_VERSION)
    .optional()
    .meta({ docDefault: "- (required with `backend: managed`)", rule: CONNECTOR_VERSION.rule }),
  // Google's limit: 100 nodes per connection (https://cloud.google.com/integration-connectors/docs/quotas).
  minNodes: integer({ min: 1, max: 100, default: 2 }).meta({
    docDefault: "`2` (seed)",
    rule: 'seed "Nombre minimal de nœuds": 1..100, <= maxNodes; these nodes run (and are billed) around the clock',
  }),
  maxNodes: integer({ min: 1, max: 100, default: 50 }).meta({
    docDefault: "`50` (seed)",
    rule: 'seed "Nombre maximal de nœuds": 1..100 (Google\'s limit per connection)',
  }),
  serviceAccount: accountEmail().meta({
    docType: "email",
    docDefault: "created (the listener account)",
    rule: `seed "Compte de service": an existing account the connection runs as: ${SERVICE_ACCOUNT_EMAIL.rule}; not a Google default account or service agent`,
  }),
  privateConnectivity: privateConnectivitySchema.meta({ docType: "`{enabled, allowlistedProjects}`" }),
  connectorKeys: connectorKeysSchema.meta({ docType: "object" }),
})
  .check(minNotAboveMax("minNodes", "maxNodes"))
  .prefault({});

export const MANAGED_DEFAULTS = managedSchema.parse({});

/** The seed's six types: Google's HubSpot trigger lists no other (docs/backends.md). */
export const MANAGED_EVENT_TYPES = SEED_EVENT_TYPES;

/** What the managed backend cannot take, each with why; judged on the raw namespace (every problem at once). */
export function managedBackendProblems(
  config: Record<string, unknown>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const managedSet = config.managed !== undefined;
  if (config.backend !== "managed") {
    if (managedSet) {
      problems.push({
        path: ["managed"],
        message: "is set but backend is not managed; set hubspot-trigger:backend to managed, or remove managed",
      });
    }
    return problems;
  }
  const managed = (typeof config.managed === "object" && config.managed !== null ? config.managed : {}) as Record<
    string,
    unknown
  >;
  if (managed.connectorVersion === undefined) {
    problems.push({
      path: ["managed", "connectorVersion"],
      message: `missing; required with backend managed; ${CONNECTOR_VERSION.rule}`,
    });
  }
  const refuse = (path: (string | number)[], why: string) => problems.push({ path, message: why });
  const psc = config.privateServiceConnect as { enabled?: unknown } | undefined;
  if (psc?.enabled === true || psc?.enabled === "true") {
    refuse(
      ["privateServiceConnect", "enabled"],
      "is true with backend managed; there is no Cloud Run listener to publish: use managed.privateConnectivity",
    );
  }
  const accounts = config.serviceAccounts as { listener?: unknown } | undefined;
  if (accounts?.listener !== undefined) {
    refuse(
      ["serviceAccounts", "listener"],
      `is set (${describeValue(accounts.listener)}) with backend managed; the connection's account is managed.serviceAccount`,
    );
  }
  if (config.previousClientSecretRef !== undefined) {
    refuse(
      ["previousClientSecretRef"],
      "is set with backend managed; the connection verifies with one client secret: rotate by replacing clientSecret",
    );
  }
  if (Array.isArray(config.triggers)) {
    config.triggers.forEach((trigger: unknown, index) => {
      const types = (trigger as { eventTypes?: unknown }).eventTypes;
      if (!Array.isArray(types)) return;
      types.forEach((type: unknown, typeIndex) => {
        if (typeof type === "string" && !(MANAGED_EVENT_TYPES as readonly string[]).includes(type)) {
          refuse(
            ["triggers", index, "eventTypes", typeIndex],
            `${describeValue(type)} is not offered by Google's HubSpot connector; with backend managed, one of ${MANAGED_EVENT_TYPES.join(", ")} (company events need backend self-hosted)`,
          );
        }
      });
    });
  }
  const signature = config.signature as { allowLegacy?: unknown } | undefined;
  if (signature?.allowLegacy === true || signature?.allowLegacy === "true") {
    refuse(
      ["signature", "allowLegacy"],
      "is true with backend managed; the connection, not the stack, verifies signatures",
    );
  }
  return problems;
}
