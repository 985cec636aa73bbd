import type { ObjectSubscriptionSpec } from "./types";
import { checkMaxConcurrentRequests, checkSubscriptions, checkTargetUrl, formatFailures } from "./validation";

/*
 * Project mode: the `src/app/webhooks/webhooks-hsmeta.json` that `hs project upload` deploys for an app on HubSpot's
 * developer platform, where subscriptions cannot be managed through the webhooks API. Format from HubSpot's
 * "Configure webhooks" reference
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks): `uid` and
 * `type: "webhooks"`, then `config.settings` {targetUrl, maxConcurrentRequests} and `config.subscriptions` split in
 * `crmObjects` (generic `object.*` types with `objectType`), `legacyCrmObjects` (`contact.*`, `deal.*`, ... with
 * `propertyName` for propertyChange) and `hubEvents` (`contact.privacyDeletion`).
 */

export interface HsmetaSubscription {
  subscriptionType: string;
  objectType?: string;
  propertyName?: string;
  active: boolean;
}

export interface HsmetaDocument {
  uid: string;
  type: "webhooks";
  config: {
    settings: { targetUrl: string; maxConcurrentRequests: number };
    subscriptions: {
      crmObjects?: HsmetaSubscription[];
      legacyCrmObjects?: HsmetaSubscription[];
      hubEvents?: HsmetaSubscription[];
    };
  };
}

export interface HsmetaInput {
  /** The component's uid in the project; letters, digits, "-" and "_". */
  uid: string;
  targetUrl: string;
  maxConcurrentRequests: number;
  subscriptions: ObjectSubscriptionSpec[];
}

/** HubSpot files these under hubEvents rather than legacyCrmObjects. */
const HUB_EVENTS = new Set(["contact.privacyDeletion", "conversation.privacyDeletion"]);

export function renderHsmeta(input: HsmetaInput): HsmetaDocument {
  const failures = [
    ...checkTargetUrl(input.targetUrl, "targetUrl"),
    ...checkMaxConcurrentRequests(input.maxConcurrentRequests),
    ...checkSubscriptions(input.subscriptions),
  ];
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.uid)) {
    failures.push({ property: "uid", reason: `${JSON.stringify(input.uid)} must be 1-64 letters, digits, "-" or "_"` });
  }
  input.subscriptions.forEach((s, i) => {
    if (s.eventType.startsWith("object.") && !s.objectType) {
      failures.push({
        property: `subscriptions[${i}].objectType`,
        reason: `is missing: ${s.eventType} needs the object type (e.g. "contact")`,
      });
    }
  });
  if (failures.length > 0) throw new Error(`cannot render webhooks-hsmeta.json: ${formatFailures(failures)}`);

  const crmObjects: HsmetaSubscription[] = [];
  const legacyCrmObjects: HsmetaSubscription[] = [];
  const hubEvents: HsmetaSubscription[] = [];
  for (const s of input.subscriptions) {
    const entry: HsmetaSubscription = {
      subscriptionType: s.eventType,
      ...(s.eventType.startsWith("object.") ? { objectType: s.objectType } : {}),
      ...(s.propertyName ? { propertyName: s.propertyName } : {}),
      active: true,
    };
    if (s.eventType.startsWith("object.")) crmObjects.push(entry);
    else if (HUB_EVENTS.has(s.eventType)) hubEvents.push(entry);
    else legacyCrmObjects.push(entry);
  }
  return {
    uid: input.uid,
    type: "webhooks",
    config: {
      settings: { targetUrl: input.targetUrl, maxConcurrentRequests: input.maxConcurrentRequests },
      subscriptions: {
        ...(crmObjects.length > 0 ? { crmObjects } : {}),
        ...(legacyCrmObjects.length > 0 ? { legacyCrmObjects } : {}),
        ...(hubEvents.length > 0 ? { hubEvents } : {}),
      },
    },
  };
}

/** The file's text as `hs project upload` expects it: two-space JSON with a trailing newline. */
export function hsmetaText(document: HsmetaDocument): string {
  return JSON.stringify(document, null, 2) + "\n";
}
