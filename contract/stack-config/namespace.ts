import { z } from "zod";
import { EVENT_TYPES } from "../events";
import {
  ALWAYS,
  describeValue,
  flag,
  integer,
  oneOf,
  resourceName,
  stringList,
  text,
  valueType,
  type FieldDoc,
} from "./fields";
import { serviceAccountsSchema } from "./identity";
import { BACKENDS, managedSchema } from "./managed";
import { alertsSchema } from "./alerts";
import { privateServiceConnectSchema } from "./network";
import { destinationSchema, egressSchema, proxySchema } from "./outbound";
import { IMAGE, INTEGRATION_NAME, LABEL_VALUE, MEMBER, REGION } from "./rules";
import {
  deadLetterSchema,
  enrichmentSchema,
  imageBuildSchema,
  integrationSchema,
  labelsSchema,
  registrationSchema,
  retrySchema,
  scalingSchema,
  secretRefSchema,
  signatureSchema,
} from "./sections";
import { triggersSchema } from "./triggers";

/** The namespace's keys and the rules between them; contract/stack-config.ts says how the pieces fit. */

export const DEFAULT_REGION = "europe-west1";
export const DEFAULT_CONNECTION_NAME = "hubspot";

/** Set only with `pulumi config set --secret`; left out of the schema and of Pulumi.yaml (see parseStackConfig). */
export const SECRET_KEYS = [
  "clientSecret",
  "previousClientSecret",
  "accessToken",
  "hubspotDeveloperCredential",
  "proxyPassword",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Docs of the secret keys and of the other namespaces' keys the program reads, for the generated table. */
export const OTHER_KEY_DOCS: Record<string, Required<Pick<FieldDoc, "docType" | "docDefault" | "rule">>> = {
  "gcp:project": {
    docType: "string",
    docDefault:
      "`GOOGLE_PROJECT` (or `GOOGLE_CLOUD_PROJECT`, `GCLOUD_PROJECT`, `CLOUDSDK_CORE_PROJECT`), as the Google provider",
    rule: "required; project id, 6-30 of `[a-z0-9-]`, starts with a letter",
  },
  "gcp:region": {
    docType: "string",
    docDefault: "`GOOGLE_REGION` (or `GCLOUD_REGION`, `CLOUDSDK_COMPUTE_REGION`)",
    rule: "fallback for `region`",
  },
  clientSecret: { docType: "secret", docDefault: "-", rule: "required unless `clientSecretRef`" },
  previousClientSecret: { docType: "secret", docDefault: "-", rule: "accepted during a rotation" },
  accessToken: { docType: "secret", docDefault: "-", rule: "required when enrichment is on" },
  hubspotDeveloperCredential: {
    docType: "secret",
    docDefault: "-",
    rule: "required when `registration.mode` is `api`",
  },
  proxyPassword: {
    docType: "secret",
    docDefault: "-",
    rule: 'seed "Mot de passe du proxy": required when `proxy.authScheme` is BASIC or DIGEST, unless `proxyPasswordRef`',
  },
};

const EXACTLY_ONE_IMAGE =
  "exactly one of hubspot-trigger:image (an image you built and pushed) and hubspot-trigger:imageBuild.enabled " +
  "(the stack builds runtime/Dockerfile and pushes it) must be set";

const ENVIRONMENT = {
  ...LABEL_VALUE,
  pattern: /^[a-z0-9_-]{1,63}$/,
  rule: `the env label value (defaults to the stack name): ${LABEL_VALUE.rule}, not empty`,
};

const shape = {
  connectionName: resourceName().default(DEFAULT_CONNECTION_NAME).meta({
    description:
      'Prefix of every resource name (seed "Nom de connexion"); lowercase letters, digits, hyphens, starts with a letter, ends with a letter or digit, at most 49 characters, not starting with goog.',
    rule: "seed naming rule: `[a-z][a-z0-9-]*[a-z0-9]`, at most 49 characters, not starting with `goog`; prefix of every resource name",
  }),
  region: text(REGION).optional().meta({
    description:
      'Region of Cloud Run, subnets and the default Application Integration location (seed "Region"). Default gcp:region, else europe-west1.',
    docDefault: "`gcp:region`, else `europe-west1`",
    rule: "a region such as `europe-west1`",
  }),
  environment: text(ENVIRONMENT).optional().meta({
    description: "Value of the env label on every resource. Default the stack name.",
    docDefault: "the stack name, lower-cased, other characters as `-`",
    rule: "the `env` label value: 1-63 of `[a-z0-9_-]`",
  }),
  image: text(IMAGE).optional().meta({
    description:
      "Container image of runtime/ (both roles) you built and pushed, with an explicit tag or digest, e.g. europe-west1-docker.pkg.dev/PROJECT/REPO/listener:1.2.0. Exactly one of image and imageBuild.enabled.",
    docDefault: "- (required unless `imageBuild.enabled`)",
    rule: "image reference with an explicit tag or digest (no implicit `:latest`); exactly one of `image` and `imageBuild.enabled`",
  }),
  imageBuild: imageBuildSchema.meta({
    description:
      "Object {enabled (false), repository (<connectionName>-<environment>-runtime), tag (latest)}: build runtime/Dockerfile during pulumi up and push it to an Artifact Registry repository the stack creates in region; Cloud Run runs the pushed digest. Exactly one of image and imageBuild.enabled.",
  }),
  labels: labelsSchema.meta({
    description:
      "Object: extra labels (key -> value) on every resource that takes labels; app, env and component are set by the package.",
    rule: "GCP label keys/values (63 lowercase characters); `app`, `env`, `component` are reserved; at most 60",
  }),
  integration: integrationSchema.meta({
    description:
      "Object {name, location, concurrentExecutions}: the default Application Integration the triggers execute, its location (default region) and the project's concurrent-executions quota (default 50; raise after Google raised it).",
  }),
  triggers: triggersSchema.meta({
    docDefault: "- (required)",
    rule: "at least one; names unique; no two triggers with the same events, properties, integration and trigger id",
    description:
      "List of objects {name, eventTypes, propertyNames, integration, triggerId, description}: one per trigger (seed 'Type d'evenement'); event types deal|contact .creation|.propertyChange|.deletion (the seed's six), plus company.* as an opt-in.",
  }),
  admins: stringList(MEMBER).meta({
    description: "Members granted roles/connectors.admin on the project (user:, group:, serviceAccount:, domain:).",
    rule: "`user:`, `group:`, `serviceAccount:` + email, or `domain:` + domain; granted `roles/connectors.admin`; no duplicates",
  }),
  scaling: scalingSchema.meta({
    description:
      "Object {minInstances (2), maxInstances (50), concurrency (80)}: Cloud Run scaling of the listener and dispatcher (seed connection nodes).",
  }),
  deadLetter: deadLetterSchema.meta({
    description:
      "Object {projectId, topic, existingTopic, maxDeliveryAttempts (5..100, default 10), retentionDays (7..31, default 7)}: where undeliverable events go (seed dead-letter project + topic); existingTopic (projects/P/topics/T) uses a topic the stack neither creates nor deletes.",
  }),
  serviceAccounts: serviceAccountsSchema.meta({
    description:
      'Object {listener, trigger, push}: existing service accounts (emails) used instead of the ones the stack creates (seed "compte de service"); the stack binds the same narrow roles to them. Not a Google default account; one account per role.',
  }),
  retry: retrySchema.meta({
    description: "Object {minimumBackoff (10s), maximumBackoff (600s)}: Pub/Sub push retry backoff, 0s..600s.",
  }),
  messageOrdering: flag(false).meta({
    description: "Publish with an ordering key per HubSpot object so each object's events reach subscribers in order.",
    rule: "ordering key per HubSpot object",
  }),
  dedupWindowSeconds: integer({ min: 0, max: 86_400, default: 600 }).meta({
    description:
      "Seconds a listener instance remembers an event's dedupKey to drop HubSpot retries of a delivered event (0 disables).",
    rule: "0..86400 (0 disables replay suppression)",
  }),
  expectedPortals: integer({ min: 1, max: 1_000_000, default: 1 }).meta({
    description:
      "HubSpot portals that install the app (1 for a private app); the program warns when scaling cannot take their peak deliveries.",
    rule: "1..1000000; portals installing the app, for the capacity warning ([capacity model](performance.md#capacity-model-scaling-out-on-cloud-run-and-pubsub))",
  }),
  privateServiceConnect: privateServiceConnectSchema.meta({
    description:
      "Object {enabled, network, natSubnetCidr, proxySubnetCidr, ilbSubnetCidr, consumerAcceptList: [{project, connectionLimit}]}: publish the listener through a PSC service attachment (seed private connectivity).",
  }),
  clientSecretRef: secretRefSchema.optional().meta({
    description:
      "Object {secret, version}: an existing Secret Manager secret (projects/P/secrets/S or S) and version (latest or N) holding the client secret, instead of clientSecret.",
    docType: "`{secret, version}`",
    rule: "`projects/P/secrets/S` or `S`; version `latest` (default) or a positive integer; not with `clientSecret`",
  }),
  previousClientSecretRef: secretRefSchema.optional().meta({
    description: "Object {secret, version}: existing Secret Manager secret holding the previous client secret.",
    docType: "`{secret, version}`",
    rule: "as `clientSecretRef`; not with `previousClientSecret`",
  }),
  accessTokenRef: secretRefSchema.optional().meta({
    description: "Object {secret, version}: existing Secret Manager secret holding the private app access token.",
    docType: "`{secret, version}`",
    rule: "as `clientSecretRef`; not with `accessToken`",
  }),
  enrichment: enrichmentSchema.meta({
    description:
      "Object {enabled, contactProperties, companyProperties, dealProperties}: properties the dispatcher reads back from HubSpot before executing (seed contact/company/deal properties).",
  }),
  signature: signatureSchema.meta({
    description: "Object {allowLegacy (false), maxSkewSeconds (300, 1..300)}: webhook signature checks.",
  }),
  enableApis: flag(true).meta({
    description:
      "Enable every Google API the stack uses (never disabled on destroy). Set false where a platform team owns API enablement; `npm run preflight` then requires them on.",
    rule: "enable every Google API the stack uses ([deploy](../README.md#deploy-with-pulumi-up)); never disabled on destroy; `false` where a platform team owns enablement",
  }),
  deletionProtection: flag(false).meta({
    description:
      "Cloud Run deletion protection on both services, and with backend managed the connection's deletionPolicy PREVENT (recommended for production).",
    rule: "Cloud Run deletion protection, and the managed connection's `deletionPolicy: PREVENT` (set `true` in prod)",
  }),
  destination: destinationSchema.meta({
    description:
      "Object {host (https://api.hubapi.com), serviceAttachment}: HubSpot's API as every outbound call reaches it (seed Destinations): a host, or privately through a Private Service Connect endpoint to a service attachment (needs egress); TLS is verified against host either way.",
  }),
  proxy: proxySchema.meta({
    description:
      "Object {enabled (false), host, port (3128), authScheme (NONE|BASIC|DIGEST), username, sslType (AUTO|ALWAYS|NEVER|TUNNEL)}: a proxy every HubSpot call goes through (seed proxy fields); the password is the secret proxyPassword or proxyPasswordRef.",
  }),
  proxyPasswordRef: secretRefSchema.optional().meta({
    description:
      "Object {secret, version}: existing Secret Manager secret holding the proxy password, instead of proxyPassword.",
    docType: "`{secret, version}`",
    rule: "as `clientSecretRef`; not with `proxyPassword`",
  }),
  egress: egressSchema.meta({
    description:
      "Object {network, subnetwork, allTraffic (false)}: Direct VPC egress for the dispatcher, for organisations that route through their own NAT or firewall, and the network of a destination.serviceAttachment's endpoint.",
  }),
  registration: registrationSchema.meta({
    description:
      "Object {mode (api|project|manual, default manual), appId, maxConcurrentRequests (>=5, default 10), retainOnDelete (false), apiVersion (v3|2026-03), credentialKind (developerApiKey|oauthToken)}: how the webhook URL reaches HubSpot.",
  }),
  backend: oneOf(BACKENDS, "is not a backend", "one of self-hosted, managed (default self-hosted)")
    .default("self-hosted")
    .meta({
      description:
        "Who receives HubSpot's webhooks: self-hosted (the stack's Cloud Run listener, default) or managed (Google's HubSpot connector, an Integration Connectors connection; docs/backends.md).",
      rule: "`self-hosted` or `managed` ([backends](backends.md)); `managed` needs `managed.connectorVersion` and the access token",
    }),
  managed: managedSchema.meta({
    description:
      "Object {connectorVersion, minNodes (2), maxNodes (50), serviceAccount, privateConnectivity {enabled, allowlistedProjects}, connectorKeys {...}}: the Integration Connectors connection of backend managed (seed connection fields).",
  }),
  alerts: alertsSchema.meta({
    description:
      "Object {enabled (true), notificationChannels, deadLetterBacklog (0), messageAgeSeconds (900), listener5xxPercent (5), signatureRejectionPercent (10), executionFailurePercent (10), windowSeconds (300)}: Cloud Monitoring alert policies and a dashboard (docs/alerts.md).",
  }),
};

/** Every key of the namespace: the schema's and the secret keys. Any other key is reported as a likely typo. */
export const ALL_KEYS: readonly string[] = [...Object.keys(shape), ...SECRET_KEYS];

/** The namespace's plain keys, with every rule that involves only them. */
export const stackConfigSchema = z
  .strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown key; keys of this namespace are ${ALL_KEYS.join(", ")}`
        : `got ${describeValue(iss.input)}; must be the hubspot-trigger config namespace`,
  })
  .check(
    z.superRefine((config: Record<string, unknown>, ctx) => {
      const build = config.imageBuild as { enabled?: unknown } | undefined;
      const hasImage = typeof config.image === "string" && config.image !== "";
      const building = build?.enabled === true;
      if (hasImage && building) {
        ctx.addIssue({
          code: "custom",
          path: ["image"],
          message: `is set (${describeValue(config.image)}) and imageBuild.enabled is true; ${EXACTLY_ONE_IMAGE}`,
        });
      } else if (!hasImage && !building) {
        ctx.addIssue({
          code: "custom",
          path: ["image"],
          message: `missing and imageBuild.enabled is not true; ${EXACTLY_ONE_IMAGE}`,
        });
      }
      triggerDefinitionProblems(config, ctx);
      const destination = config.destination as { serviceAttachment?: unknown } | undefined;
      const egress = config.egress as { enabled?: unknown } | undefined;
      if (destination?.serviceAttachment !== undefined && egress?.enabled !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["destination", "serviceAttachment"],
          message:
            "is set but egress is not; the dispatcher reaches the Private Service Connect endpoint through Direct VPC egress: set egress.network and/or egress.subnetwork (the endpoint's address is taken from that subnetwork)",
        });
      }
    }, ALWAYS),
  );

/**
 * Each trigger needs an integration (its own or integration.name), and two triggers with the same events,
 * properties, integration and trigger id would execute the same integration twice per event.
 */
function triggerDefinitionProblems(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!Array.isArray(config.triggers)) return;
  const integration = config.integration as { name?: unknown } | undefined;
  const defaultIntegration = typeof integration?.name === "string" ? integration.name : undefined;
  const signatures = new Map<string, string>();
  const names = new Set<string>();
  config.triggers.forEach((item: unknown, index) => {
    if (typeof item !== "object" || item === null) return;
    const trigger = item as Record<string, unknown>;
    if (trigger.integration === undefined && defaultIntegration === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["triggers", index, "integration"],
        message: `missing and integration.name is not set; set one; ${INTEGRATION_NAME.rule}`,
      });
      return;
    }
    if (typeof trigger.name !== "string" || names.has(trigger.name)) return;
    names.add(trigger.name);
    const eventTypes = (Array.isArray(trigger.eventTypes) ? trigger.eventTypes : []).filter((t: unknown) =>
      (EVENT_TYPES as readonly unknown[]).includes(t),
    );
    if (eventTypes.length === 0) return;
    const target = trigger.integration ?? defaultIntegration;
    const triggerId = trigger.triggerId ?? `api_trigger/${String(target)}`;
    const propertyNames = Array.isArray(trigger.propertyNames) ? trigger.propertyNames : [];
    const signature = JSON.stringify([[...eventTypes].sort(), [...propertyNames].sort(), target, triggerId]);
    const twin = signatures.get(signature);
    if (twin !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["triggers", index],
        message: `duplicates trigger ${describeValue(twin)} (same event types, properties, integration and trigger id); each trigger must differ, or the integration would run twice per event`,
      });
      return;
    }
    signatures.set(signature, trigger.name);
  });
}

/** Keys the engine hands over as plain text: never JSON-parsed, so a connection name "123" stays a string. */
export const STRING_KEYS = Object.keys(shape).filter((key) => valueType(shape[key as keyof typeof shape]) === "string");

/** Keys holding numbers, booleans, lists or objects: JSON in the engine's config map. */
export const STRUCTURED_KEYS = Object.keys(shape).filter((key) => !STRING_KEYS.includes(key));

/** The top-level field schemas, for the generators. */
export const STACK_CONFIG_FIELDS: Readonly<Record<string, z.core.$ZodType>> = shape;
