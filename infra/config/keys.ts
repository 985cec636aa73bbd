/**
 * Every key of the `hubspot-trigger` config namespace. `Pulumi.yaml` declares exactly these (a test checks it), the
 * loader reads exactly these, and any other key in the namespace is reported as a likely typo.
 */

/** Keys read as plain strings (never JSON-parsed: a connection name "123" stays a string). */
export const STRING_KEYS = ["connectionName", "region", "environment", "image"] as const;

/** Keys holding numbers, booleans, lists or objects: JSON in the engine's config map. */
export const STRUCTURED_KEYS = [
  "labels",
  "integration",
  "triggers",
  "admins",
  "scaling",
  "deadLetter",
  "retry",
  "messageOrdering",
  "dedupWindowSeconds",
  "expectedPortals",
  "privateServiceConnect",
  "clientSecretRef",
  "previousClientSecretRef",
  "accessTokenRef",
  "enrichment",
  "signature",
  "deletionProtection",
  "enableApis",
  "registration",
  "imageBuild",
] as const;

/** Set only with `pulumi config set --secret`; read with getSecret, never validated beyond presence. */
export const SECRET_KEYS = [
  "clientSecret",
  "previousClientSecret",
  "accessToken",
  "hubspotDeveloperCredential",
] as const;

export type StringKey = (typeof STRING_KEYS)[number];
export type StructuredKey = (typeof STRUCTURED_KEYS)[number];
export type SecretKey = (typeof SECRET_KEYS)[number];

export const ALL_KEYS: readonly string[] = [...STRING_KEYS, ...STRUCTURED_KEYS, ...SECRET_KEYS];

/** Pulumi config of other namespaces the program reads. */
export const GCP_PROJECT_KEY = "gcp:project";
export const GCP_REGION_KEY = "gcp:region";
