import { API_VERSIONS, CREDENTIAL_KINDS, type SubscriptionSpec } from "./types";

/*
 * Pure checks shared by the dynamic providers' `check` and the HubSpotRegistration component. Each failure names the
 * field, what is wrong with the value and the rule, in the shape Pulumi's `check` returns.
 */

export interface CheckFailure {
  property: string;
  reason: string;
}

/** HubSpot's limit of subscriptions per app (webhooks API guide). */
export const MAX_SUBSCRIPTIONS_PER_APP = 1000;
/** HubSpot's lowest accepted `maxConcurrentRequests`. */
export const MIN_CONCURRENT_REQUESTS = 5;
/** Properties HubSpot refuses to watch: they change on nearly every write and would flood the listener. */
export const REFUSED_PROPERTIES: readonly string[] = ["hs_lastmodifieddate", "num_unique_conversion_events"];

/** The value Pulumi passes for inputs not known until apply (e.g. a Cloud Run URL during the first preview). */
export const UNKNOWN_INPUT = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_INPUT;
}

const INT32_MAX = 2_147_483_647;

export function checkAppId(appId: unknown, property = "appId"): CheckFailure[] {
  if (isUnknown(appId)) return [];
  const text = typeof appId === "number" ? String(appId) : appId;
  if (typeof text !== "string" || !/^[1-9][0-9]*$/.test(text) || Number(text) > INT32_MAX) {
    return [
      {
        property,
        reason: `${JSON.stringify(appId)} is not a HubSpot app id: it must be a positive int32 (the webhooks API puts it in the path as one)`,
      },
    ];
  }
  return [];
}

export function checkTargetUrl(url: unknown, property = "targetUrl"): CheckFailure[] {
  if (isUnknown(url)) return [];
  if (typeof url !== "string" || url.length === 0)
    return [{ property, reason: "is missing: HubSpot needs the listener's public webhook URL" }];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ property, reason: `${JSON.stringify(url)} is not an absolute URL` }];
  }
  if (parsed.protocol !== "https:") {
    return [
      {
        property,
        reason: `${JSON.stringify(url)} uses ${parsed.protocol.replace(":", "")}: HubSpot delivers webhooks only to https URLs`,
      },
    ];
  }
  if (parsed.username || parsed.password) {
    return [{ property, reason: "must not embed user:password: HubSpot would store the credential in clear text" }];
  }
  return [];
}

export function checkMaxConcurrentRequests(value: unknown, property = "maxConcurrentRequests"): CheckFailure[] {
  if (isUnknown(value)) return [];
  if (typeof value !== "number" || !Number.isInteger(value) || value < MIN_CONCURRENT_REQUESTS || value > INT32_MAX) {
    return [
      {
        property,
        reason: `${JSON.stringify(value)} is not allowed: HubSpot requires an integer >= ${MIN_CONCURRENT_REQUESTS}`,
      },
    ];
  }
  return [];
}

export function checkSubscription(spec: SubscriptionSpec, property = "subscription"): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (isUnknown(spec.eventType) || isUnknown(spec.propertyName)) return [];
  if (typeof spec.eventType !== "string" || !/^[a-z_]+\.[a-zA-Z]+$/.test(spec.eventType)) {
    failures.push({
      property: `${property}.eventType`,
      reason: `${JSON.stringify(spec.eventType)} is not a HubSpot event type like "contact.creation"`,
    });
    return failures;
  }
  const isPropertyChange = spec.eventType.endsWith(".propertyChange");
  const name = spec.propertyName;
  if (isPropertyChange && (typeof name !== "string" || name.length === 0)) {
    failures.push({
      property: `${property}.propertyName`,
      reason: `is missing: ${spec.eventType} needs the name of the property to watch (one subscription per property)`,
    });
  }
  if (!isPropertyChange && name !== undefined && name !== "") {
    failures.push({
      property: `${property}.propertyName`,
      reason: `"${name}" is set on ${spec.eventType}: only *.propertyChange subscriptions take a property name`,
    });
  }
  if (typeof name === "string" && REFUSED_PROPERTIES.includes(name)) {
    failures.push({
      property: `${property}.propertyName`,
      reason: `"${name}" cannot be watched: HubSpot refuses subscriptions on ${REFUSED_PROPERTIES.join(" and ")}`,
    });
  }
  return failures;
}

/** The whole declaration of one app: each subscription valid, no duplicates, within HubSpot's per-app limit. */
export function checkSubscriptions(specs: SubscriptionSpec[], property = "subscriptions"): CheckFailure[] {
  const failures = specs.flatMap((spec, i) => checkSubscription(spec, `${property}[${i}]`));
  if (specs.length > MAX_SUBSCRIPTIONS_PER_APP) {
    failures.push({
      property,
      reason: `declares ${specs.length} subscriptions: HubSpot allows at most ${MAX_SUBSCRIPTIONS_PER_APP} per app`,
    });
  }
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    const key = subscriptionKey(spec);
    if (seen.has(key))
      failures.push({
        property: `${property}[${i}]`,
        reason: `duplicates ${key}: HubSpot holds one subscription per event type and property`,
      });
    seen.add(key);
  });
  return failures;
}

export function checkApiVersion(value: unknown, property = "apiVersion"): CheckFailure[] {
  return API_VERSIONS.includes(value as never)
    ? []
    : [{ property, reason: `${JSON.stringify(value)} is not one of ${API_VERSIONS.join(", ")}` }];
}

export function checkCredentialKind(value: unknown, property = "credentialKind"): CheckFailure[] {
  return CREDENTIAL_KINDS.includes(value as never)
    ? []
    : [{ property, reason: `${JSON.stringify(value)} is not one of ${CREDENTIAL_KINDS.join(", ")}` }];
}

/** "contact.propertyChange/email" or "deal.creation": how subscriptions are named in messages and resource names. */
export function subscriptionKey(spec: SubscriptionSpec): string {
  return spec.propertyName ? `${spec.eventType}/${spec.propertyName}` : spec.eventType;
}

export function formatFailures(failures: CheckFailure[]): string {
  return failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
}
