import { z } from "zod";
import { RESERVED_LABEL_KEYS } from "../labels";
import { ALWAYS, describeValue, flag, integer, oneOf, optionalFlag, section, stringList, text } from "./fields";
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
  name: text(INTEGRATION_NAME).optional(),
  location: text(REGION).optional(),
  concurrentExecutions: integer({ min: 1, max: 100_000, default: DEFAULT_CONCURRENT_EXECUTIONS }),
}).prefault({});

export const scalingSchema = section({
  minInstances: integer({ min: 0, max: 1000, default: 2 }),
  maxInstances: integer({ min: 1, max: 1000, default: 50 }),
  concurrency: integer({ min: 1, max: 1000, default: 80 }),
})
  .check(
    z.superRefine((scaling: { minInstances: unknown; maxInstances: unknown }, ctx) => {
      const { minInstances: min, maxInstances: max } = scaling;
      if (typeof min === "number" && typeof max === "number" && min > max) {
        ctx.addIssue({
          code: "custom",
          path: ["minInstances"],
          message: `${min} is above maxInstances ${max}; minInstances <= maxInstances`,
        });
      }
    }, ALWAYS),
  )
  .prefault({});

export const deadLetterSchema = section({
  projectId: text(PROJECT_ID).optional(),
  topic: text(TOPIC_NAME).optional(),
  maxDeliveryAttempts: integer({ min: 5, max: 100, default: 10 }),
  retentionDays: integer({ min: 7, max: 31, default: 7 }),
}).prefault({});

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

export const retrySchema = section({ minimumBackoff: backoff(10), maximumBackoff: backoff(600) })
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

export const enrichmentSchema = section({
  enabled: optionalFlag("on when a property list is set"),
  contactProperties: stringList(HUBSPOT_PROPERTY),
  companyProperties: stringList(HUBSPOT_PROPERTY),
  dealProperties: stringList(HUBSPOT_PROPERTY),
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
  allowLegacy: flag(false),
  maxSkewSeconds: integer({ min: 1, max: 300, default: 300 }),
}).prefault({});

export const REGISTRATION_MODES = ["api", "project", "manual"] as const;
export const WEBHOOKS_API_VERSIONS = ["v3", "2026-03"] as const;
export const CREDENTIAL_KINDS = ["developerApiKey", "oauthToken"] as const;

export const registrationSchema = section({
  mode: oneOf(REGISTRATION_MODES, "is not a registration mode", "one of api, project, manual (default manual)").default(
    "manual",
  ),
  appId: text(APP_ID).optional(),
  maxConcurrentRequests: integer({ min: 5, max: 10_000, default: 10 }),
  retainOnDelete: flag(false),
  apiVersion: oneOf(WEBHOOKS_API_VERSIONS, "is not supported", 'one of "v3", "2026-03" (default v3)').default("v3"),
  credentialKind: oneOf(
    CREDENTIAL_KINDS,
    "is not a credential kind",
    "one of developerApiKey, oauthToken (default developerApiKey)",
  ).default("developerApiKey"),
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
  enabled: flag(false),
  repository: text(REPOSITORY_ID).optional(),
  tag: text(IMAGE_TAG).optional(),
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
