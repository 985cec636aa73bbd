import { isUnknown, type CheckFailure } from "../hubspot/validation";

/*
 * Pure checks of the managed backend's provider inputs, in the shape Pulumi's `check` returns: every failure names
 * the field, what is wrong with the value and the rule, and all of them are reported at once. Values not known until
 * apply (previews) are not checked.
 */

export type { CheckFailure };

/** `projects/{project}/locations/{location}/connections/{connection}`: the path parameter pattern of discovery. */
export const CONNECTION_NAME = /^projects\/[^/]+\/locations\/[^/]+\/connections\/[^/]+$/;
/** Google Cloud project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Pub/Sub topic ids (Pub/Sub resource-name rules); ids starting with "goog" are reserved. */
const TOPIC_ID = /^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$/;
/** The id the stack gives an event subscription: an RFC 1035 label, like the connection names the console accepts. */
const SUBSCRIPTION_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_ACCOUNT =
  /^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$|^[0-9]+-compute@developer\.gserviceaccount\.com$/;

function text(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function checked(
  property: string,
  value: unknown,
  test: (value: string) => boolean,
  rule: string,
  optional = false,
): CheckFailure[] {
  if (isUnknown(value)) return [];
  if (value === undefined || value === "") return optional ? [] : [{ property, reason: `is missing: ${rule}` }];
  if (typeof value !== "string" || !test(value)) return [{ property, reason: `${text(value)} is not valid: ${rule}` }];
  return [];
}

export function checkConnectionName(value: unknown, property = "connectionName"): CheckFailure[] {
  return checked(
    property,
    value,
    (v) => CONNECTION_NAME.test(v),
    "it must be the connection's resource name, projects/{project}/locations/{location}/connections/{connection}",
  );
}

export function checkProjectId(value: unknown, property: string): CheckFailure[] {
  return checked(
    property,
    value,
    (v) => PROJECT_ID.test(v),
    "a project id has 6 to 30 lowercase letters, digits or hyphens, starts with a letter and does not end with a hyphen",
  );
}

export function checkTopicId(value: unknown, property: string): CheckFailure[] {
  return checked(
    property,
    value,
    (v) => TOPIC_ID.test(v) && !v.toLowerCase().startsWith("goog"),
    "a Pub/Sub topic id (not its full name) has 3 to 255 letters, digits or - _ . ~ + %, starts with a letter and does not start with goog",
  );
}

export function checkServiceAccount(value: unknown, property: string): CheckFailure[] {
  return checked(
    property,
    value,
    (v) => SERVICE_ACCOUNT.test(v),
    "it must be a service account email (name@project.iam.gserviceaccount.com)",
  );
}

export function checkSubscriptionId(value: unknown, property = "eventSubscriptionId"): CheckFailure[] {
  return checked(
    property,
    value,
    (v) => SUBSCRIPTION_ID.test(v),
    "it must be 1 to 63 lowercase letters, digits or hyphens, start with a letter and end with a letter or digit",
  );
}

export function checkEventTypeId(value: unknown, property = "eventTypeId"): CheckFailure[] {
  return checked(
    property,
    value,
    (v) => /^[A-Za-z][A-Za-z0-9_.-]*$/.test(v),
    "it must be one of the connector's event type ids (for HubSpot e.g. deal.creation, contact.propertyChange)",
  );
}

export function checkStringList(value: unknown, property: string, each: typeof checkProjectId): CheckFailure[] {
  if (isUnknown(value) || value === undefined) return [];
  if (!Array.isArray(value)) return [{ property, reason: `${text(value)} is not a list` }];
  const failures = value.flatMap((item, i) => each(item, `${property}[${i}]`));
  const duplicates = value.filter((item, i) => value.indexOf(item) !== i);
  if (duplicates.length > 0) {
    failures.push({ property, reason: `lists ${[...new Set(duplicates)].map(text).join(", ")} more than once` });
  }
  return failures;
}
