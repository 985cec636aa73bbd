import { z } from "zod";
import { RESERVED_LABEL_KEYS } from "../labels";
import {
  ALWAYS,
  describeValue,
  flag,
  integer,
  minNotAboveMax,
  oneOf,
  optionalFlag,
  section,
  stringList,
  text,
} from "./fields";
import {
  APP_ID,
  HUBSPOT_PROPERTY,
  IMAGE_TAG,
  INTEGRATION_NAME,
  LABEL_KEY,
  LABEL_VALUE,
  PROJECT_ID,
  REGION,
  REPOSITORY_ID,
  SECRET_REF,
  SECRET_VERSION,
  TOPIC_NAME,
  parseDurationSeconds,
} from "./rules";
import { TOPIC_PATH } from "./identity";

/**
 * The object-valued keys of the namespace. Each schema is exported with its defaults (`<section>Schema.parse({})`),
 * so a component can apply the same defaults to its own args.
 */

/** Application Integration's default concurrent-executions quota per project. */
export const DEFAULT_CONCURRENT_EXECUTIONS = 50;

export const labelsSchema = z
  .record(z.string(), z.unknown(), {
    error: (iss) => `got ${describeValue(iss.input)}; must be a map of label key to value`,
  })
  .check(
    z.superRefine((labels: Record<string, unknown>, ctx) => {
      for (const [key, raw] of Object.entries(labels)) {
        const value = typeof raw === "boolean" || typeof raw === "number" ? String(raw) : raw;
        if ((RESERVED_LABEL_KEYS as readonly string[]).includes(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `is set by this package; do not set ${RESERVED_LABEL_KEYS.join(", ")}`,
          });
        } else if (!LABEL_KEY.pattern?.test(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `key ${describeValue(key)} is invalid; ${LABEL_KEY.rule}`,
          });
        } else if (typeof value !== "string") {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `got ${describeValue(raw)}; must be a string; ${LABEL_VALUE.rule}`,
          });
        } else if (!LABEL_VALUE.pattern?.test(value)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `${describeValue(value)} does not match; ${LABEL_VALUE.rule}`,
          });
        }
      }
      const count = Object.keys(labels).length;
      if (count > 60) {
        ctx.addIssue({
          code: "custom",
          message: `has ${count} labels; at most 60 (GCP allows 64; the package adds app, env, component)`,
        });
      }
    }),
  )
  .transform((labels) => Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, String(value)])))
  .prefault({});

export const integrationSchema = section({
  name: text(INTEGRATION_NAME)
    .optional()
    .meta({ rule: "Application Integration name `[A-Za-z][A-Za-z0-9_-]{0,63}`; default integration of every trigger" }),
  location: text(REGION).optional().meta({ docDefault: "`region`", rule: "a region" }),
  concurrentExecutions: integer({ min: 1, max: 100_000, default: DEFAULT_CONCURRENT_EXECUTIONS }).meta({
    rule: "1..100000; the project's Application Integration concurrent-executions quota: the dispatchers together never run more (raise it only after Google raised the quota)",
  }),
}).prefault({});

export const scalingSchema = section({
  minInstances: integer({ min: 0, max: 1000, default: 2 }).meta({
    docDefault: "`2` (seed)",
    rule: "0..1000, <= maxInstances",
  }),
  maxInstances: integer({ min: 1, max: 1000, default: 50 }).meta({ docDefault: "`50` (seed)", rule: "1..1000" }),
  concurrency: integer({ min: 1, max: 1000, default: 80 }).meta({ rule: "1..1000 requests per instance" }),
})
  .check(minNotAboveMax("minInstances", "maxInstances"))
  .prefault({});

export const deadLetterSchema = section({
  projectId: text(PROJECT_ID)
    .optional()
    .meta({ docDefault: "the stack's project", rule: "project id (the dead letter may live in another project)" }),
  topic: text(TOPIC_NAME)
    .optional()
    .meta({ docDefault: "generated", rule: "Pub/Sub topic name, 3-255 characters, starts with a letter, not `goog`" }),
  existingTopic: text(TOPIC_PATH).optional().meta({
    docDefault: "- (the stack creates the topic)",
    rule: "an existing topic `projects/P/topics/T` used instead of a created one: never created nor deleted by the stack, which binds publishers and attaches its own retention subscription; not with `projectId`/`topic`",
  }),
  maxDeliveryAttempts: integer({ min: 5, max: 100, default: 10 }).meta({ rule: "5..100 (Pub/Sub's bounds)" }),
  retentionDays: integer({ min: 7, max: 31, default: 7 }).meta({ rule: "7..31" }),
})
  .check(
    z.superRefine((deadLetter: Record<string, unknown>, ctx) => {
      if (deadLetter.existingTopic === undefined) return;
      for (const key of ["projectId", "topic"] as const) {
        if (deadLetter[key] === undefined) continue;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is set together with deadLetter.existingTopic; an existing topic's path already names its project and topic: set either existingTopic or projectId/topic (a topic the stack creates)`,
        });
      }
    }, ALWAYS),
  )
  .prefault({});

const DURATION_RULE = 'a duration from 0s to 600s such as "10s" or "5m"';

/** A Pub/Sub backoff, parsed to seconds (the section turns it back into "<n>s"). */
function backoff(fallbackSeconds: number) {
  return z
    .unknown()
    .transform((value, ctx) => {
      const seconds = typeof value === "string" ? parseDurationSeconds(value) : undefined;
      if (seconds === undefined) {
        ctx.addIssue({ code: "custom", message: `${describeValue(value)} is not a duration; ${DURATION_RULE}` });
        return z.NEVER;
      }
      if (seconds > 600) {
        ctx.addIssue({ code: "custom", message: `${describeValue(value)} is ${seconds} seconds; ${DURATION_RULE}` });
        return z.NEVER;
      }
      return seconds;
    })
    .default(fallbackSeconds);
}

export const retrySchema = section({
  minimumBackoff: backoff(10).meta({
    docType: "duration",
    docDefault: "`10s`",
    rule: "`Ns` or `Nm`, 0..600 s, <= maximumBackoff",
  }),
  maximumBackoff: backoff(600).meta({ docType: "duration", docDefault: "`600s`", rule: "as above" }),
})
  .check(
    z.superRefine((retry: { minimumBackoff: unknown; maximumBackoff: unknown }, ctx) => {
      const { minimumBackoff: min, maximumBackoff: max } = retry;
      if (typeof min === "number" && typeof max === "number" && min > max) {
        ctx.addIssue({
          code: "custom",
          path: ["minimumBackoff"],
          message: `${min}s is above maximumBackoff ${max}s; minimumBackoff <= maximumBackoff`,
        });
      }
    }, ALWAYS),
  )
  .transform((retry) => ({ minimumBackoff: `${retry.minimumBackoff}s`, maximumBackoff: `${retry.maximumBackoff}s` }))
  .prefault({});

/** An existing Secret Manager secret, instead of the secret config key of the same name without `Ref`. */
export const secretRefSchema = section({
  secret: text(SECRET_REF),
  version: text(SECRET_VERSION).default("latest"),
});

const HUBSPOT_NAMES = "HubSpot internal names `[a-z][a-z0-9_]{0,99}`; no duplicates";

export const enrichmentSchema = section({
  enabled: optionalFlag("on when a property list is set").meta({
    docDefault: "on when a list is set",
    rule: "true with no list is an error",
  }),
  contactProperties: stringList(HUBSPOT_PROPERTY).meta({ docType: "list or comma string", rule: HUBSPOT_NAMES }),
  companyProperties: stringList(HUBSPOT_PROPERTY).meta({ docType: "list or comma string", rule: HUBSPOT_NAMES }),
  dealProperties: stringList(HUBSPOT_PROPERTY).meta({ docType: "list or comma string", rule: HUBSPOT_NAMES }),
})
  .check(
    z.superRefine((enrichment: Record<string, unknown>, ctx) => {
      const lists = [enrichment.contactProperties, enrichment.companyProperties, enrichment.dealProperties];
      const anyList = lists.some((list) => Array.isArray(list) && list.length > 0);
      if (enrichment.enabled === true && !anyList) {
        ctx.addIssue({
          code: "custom",
          path: ["enabled"],
          message:
            "is true but no property list is set; list contactProperties, companyProperties or dealProperties to read back from HubSpot",
        });
      }
    }, ALWAYS),
  )
  .transform(({ enabled, ...lists }) => {
    const anyList = Object.values(lists).some((list) => list.length > 0);
    return { enabled: (enabled ?? anyList) && anyList, ...lists };
  })
  .prefault({});

export const signatureSchema = section({
  allowLegacy: flag(false).meta({ rule: "accept v1/v2 signatures besides v3" }),
  maxSkewSeconds: integer({ min: 1, max: 300, default: 300 }).meta({ rule: "1..300 (HubSpot's 5 minutes)" }),
}).prefault({});

export const REGISTRATION_MODES = ["api", "project", "manual"] as const;
export const WEBHOOKS_API_VERSIONS = ["v3", "2026-03"] as const;
export const CREDENTIAL_KINDS = ["developerApiKey", "oauthToken"] as const;

export const registrationSchema = section({
  mode: oneOf(REGISTRATION_MODES, "is not a registration mode", "one of api, project, manual (default manual)")
    .default("manual")
    .meta({ rule: "`api` needs `appId` and `hubspotDeveloperCredential`" }),
  appId: text(APP_ID).optional().meta({ rule: "numeric public app id; required when `mode` is `api`" }),
  maxConcurrentRequests: integer({ min: 5, max: 10_000, default: 10 }).meta({
    rule: "5..10000 (HubSpot's minimum is 5)",
  }),
  retainOnDelete: flag(false).meta({
    rule: 'keep HubSpot subscriptions when the stack removes them (seed "Conserver")',
  }),
  apiVersion: oneOf(WEBHOOKS_API_VERSIONS, "is not supported", 'one of "v3", "2026-03" (default v3)')
    .default("v3")
    .meta({ rule: "webhooks API path version" }),
  credentialKind: oneOf(
    CREDENTIAL_KINDS,
    "is not a credential kind",
    "one of developerApiKey, oauthToken (default developerApiKey)",
  )
    .default("developerApiKey")
    .meta({ rule: "kind of `hubspotDeveloperCredential`" }),
})
  .check(
    z.superRefine((registration: Record<string, unknown>, ctx) => {
      if (registration.mode === "api" && registration.appId === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["appId"],
          message: `missing; required when mode is api; ${APP_ID.rule}`,
        });
      }
    }, ALWAYS),
  )
  .prefault({});

export const imageBuildSchema = section({
  enabled: flag(false).meta({
    rule: "build `runtime/Dockerfile` during `pulumi up` and push it; exactly one of `image` and `imageBuild.enabled`",
  }),
  repository: text(REPOSITORY_ID).optional().meta({
    docDefault: "`<connectionName>-<environment>-runtime`",
    rule: "Artifact Registry repository id the stack creates in `region`; only with `enabled`",
  }),
  tag: text(IMAGE_TAG).optional().meta({
    docDefault: "`latest`",
    rule: "Docker tag pushed with each build (Cloud Run runs the pushed digest); only with `enabled`",
  }),
})
  .check(
    z.superRefine((build: Record<string, unknown>, ctx) => {
      if (build.enabled === true) return;
      for (const key of ["repository", "tag"] as const) {
        if (build[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "is set but imageBuild.enabled is not true; set it only with enabled: true",
          });
        }
      }
    }, ALWAYS),
  )
  .prefault({});

export const SCALING_DEFAULTS = scalingSchema.parse({});
export const DEAD_LETTER_DEFAULTS = deadLetterSchema.parse({});
export const RETRY_DEFAULTS = retrySchema.parse({});
export const ENRICHMENT_DEFAULTS = enrichmentSchema.parse({});
export const SIGNATURE_DEFAULTS = signatureSchema.parse({});
export const REGISTRATION_DEFAULTS = registrationSchema.parse({});
