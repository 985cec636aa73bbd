import type { SubscriptionSpec } from "./types";
import { subscriptionKey } from "./validation";

/** What a trigger contributes to the app's subscriptions (the shape of a trigger in HubSpotTriggerArgs). */
export interface TriggerSubscriptions {
  eventTypes: readonly string[];
  propertyNames: readonly string[];
  onRemove?: "keep" | "delete";
}

/**
 * The app's subscriptions for a set of triggers: one per event type, one per property for *.propertyChange, each
 * once even when several triggers want it (HubSpot delivers every event to the one target URL; the event bus fans
 * out per trigger). Sorted, so resource names and the hsmeta file do not move when triggers are reordered. A
 * subscription several triggers share is kept on removal when any of them says keep: deleting what another trigger's
 * owner chose to keep would lose events they meant to preserve.
 */
export function subscriptionsFromTriggers(triggers: readonly TriggerSubscriptions[]): SubscriptionSpec[] {
  const byKey = new Map<string, SubscriptionSpec>();
  for (const trigger of triggers) {
    for (const eventType of trigger.eventTypes) {
      const specs: SubscriptionSpec[] = eventType.endsWith(".propertyChange")
        ? trigger.propertyNames.map((propertyName) => ({ eventType, propertyName }))
        : [{ eventType }];
      for (const spec of specs) {
        const key = subscriptionKey(spec);
        const onRemove = byKey.get(key)?.onRemove === "keep" ? "keep" : trigger.onRemove;
        byKey.set(key, onRemove === undefined ? spec : { ...spec, onRemove });
      }
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, spec]) => spec);
}
