import { RESOURCE_NAME_RULE } from "../names";

/** The value rules of the stack config's string fields: the schema's messages and docs/configuration.md quote them. */

export interface StringRule {
  pattern?: RegExp;
  /** Human text of the rule, used in every problem about this field. */
  rule: string;
  maxLength?: number;
}

/** Seed ("Nom de connexion") rules, also used for trigger names. The `goog` check is separate (see isNameValid). */
export const RESOURCE_NAME: StringRule = {
  pattern: /^(?!goog)[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?$/,
  rule: RESOURCE_NAME_RULE,
};

export const REGION: StringRule = {
  pattern: /^[a-z]+-[a-z]+[0-9]{1,2}$/,
  rule: "a Google Cloud region such as europe-west1 or us-central1",
};

export const PROJECT_ID: StringRule = {
  pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  rule: "a Google Cloud project id: 6-30 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen",
};

export const PROJECT_ID_OR_NUMBER: StringRule = {
  pattern: /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[1-9][0-9]{5,19})$/,
  rule: "a Google Cloud project id (6-30 lowercase letters, digits, hyphens) or project number",
};

// Label rules of Resource Manager (ASCII subset): the package adds its own app/env/component labels.
export const LABEL_KEY: StringRule = {
  pattern: /^[a-z][a-z0-9_-]{0,62}$/,
  rule: "a label key: 1-63 lowercase letters, digits, underscores or hyphens, starting with a letter",
};
export const LABEL_VALUE: StringRule = {
  pattern: /^[a-z0-9_-]{0,63}$/,
  rule: "a label value: at most 63 lowercase letters, digits, underscores or hyphens",
};

export const IMAGE: StringRule = {
  // registry[:port]/path[:tag][@sha256:digest], with an explicit tag or digest: an implicit :latest is not reproducible.
  pattern:
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$/,
  rule: "a container image reference with an explicit tag or digest, e.g. europe-west1-docker.pkg.dev/PROJECT/REPO/listener:1.2.0",
};

export const INTEGRATION_NAME: StringRule = {
  pattern: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
  rule: "an Application Integration name: 1-64 letters, digits, underscores or hyphens, starting with a letter",
};

export const TRIGGER_ID: StringRule = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,254}$/,
  rule: "an integration trigger id such as api_trigger/my-integration_API_1 (letters, digits, _ . / -)",
};

export const DESCRIPTION: StringRule = { maxLength: 256, rule: "free text of at most 256 characters" };

/** HubSpot internal property names (what webhooks and the CRM API use), not the labels shown in the UI. */
export const HUBSPOT_PROPERTY: StringRule = {
  pattern: /^[a-z][a-z0-9_]{0,99}$/,
  rule: "a HubSpot internal property name: lowercase letters, digits and underscores, starting with a letter, at most 100 characters (e.g. dealstage)",
};

export const TOPIC_NAME: StringRule = {
  pattern: /^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/,
  rule: 'a Pub/Sub topic name: 3-255 characters from letters, digits and - _ . ~ + %, starting with a letter, not starting with "goog"',
};

export const NETWORK: StringRule = {
  pattern:
    /^(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|(?:https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/global\/networks\/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)$/,
  rule: "a VPC network name (RFC 1035, at most 63 characters) or its projects/P/global/networks/N self link",
};

export const MEMBER: StringRule = {
  pattern: /^(?:(?:user|group|serviceAccount):[^@\s:]+@[^@\s]+\.[^@\s]+|domain:[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/,
  rule: "an IAM member starting with user:, group:, serviceAccount: (followed by an email) or domain: (followed by a domain)",
};

export const APP_ID: StringRule = {
  pattern: /^[1-9][0-9]{0,18}$/,
  rule: "the numeric id of the HubSpot public app (Developer account > Apps > app id)",
};

export const SECRET_REF: StringRule = {
  pattern: /^(?:projects\/(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[1-9][0-9]{5,19})\/secrets\/)?[A-Za-z0-9_-]{1,255}$/,
  rule: "a Secret Manager secret as projects/PROJECT/secrets/NAME or a bare NAME in the stack's project",
};

export const SECRET_VERSION: StringRule = {
  pattern: /^(?:latest|[1-9][0-9]{0,9})$/,
  rule: 'a secret version: "latest" or a positive integer',
};

/** Artifact Registry repository ids (https://cloud.google.com/artifact-registry/docs/repositories/create-repos). */
export const REPOSITORY_ID: StringRule = {
  pattern: /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
  rule: "an Artifact Registry repository id: 1-63 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen",
};

/** Docker tags (https://docs.docker.com/reference/cli/docker/image/tag/). */
export const IMAGE_TAG: StringRule = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
  rule: "a Docker tag: 1-128 letters, digits, underscores, periods or hyphens, not starting with a period or hyphen",
};

/** Protobuf-style durations Pub/Sub takes ("10s", "1.5s") and the friendlier "5m"; normalised to seconds. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d{1,9})?)(s|m)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === "m" ? 60 : 1);
}

export interface Ipv4Cidr {
  text: string;
  start: number;
  size: number;
  prefix: number;
}

/**
 * Parses a.b.c.d/n and insists the host bits are zero (GCP rejects "10.0.0.1/24"). Written by hand: it is 15 lines and
 * no package in package.json parses CIDRs (node:net's BlockList checks membership but cannot report overlap or alignment).
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | { error: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return { error: "is not an IPv4 CIDR like 10.8.0.0/28" };
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return { error: "has an octet above 255 or a prefix above 32" };
  const start = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) return { error: `has host bits set (the network address of a /${prefix} must be aligned)` };
  return { text, start, size, prefix };
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}
