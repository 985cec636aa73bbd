import type { HubSpotDisagreement } from "../../contract/status-evaluation";
import type { HubSpotSubscription } from "../hubspot/types";

/**
 * Where HubSpot's subscription list (api mode, read with components/hubspot/webhooks-api.ts `listSubscriptions`)
 * disagrees with what the stack registered: `declared` is the registration output's `subscriptionIds`, keyed
 * "eventType[/propertyName]". Pure, for the status vectors. Subscriptions HubSpot has beyond the declared ones are
 * not a disagreement: the registration keeps (onRemove keep) or deletes them itself.
 */
export function registrationDisagreements(
  declared: Readonly<Record<string, string>>,
  actual: readonly HubSpotSubscription[],
): HubSpotDisagreement[] {
  const byId = new Map(actual.map((subscription) => [String(subscription.id), subscription]));
  const disagreements: HubSpotDisagreement[] = [];
  for (const [key, id] of Object.entries(declared)) {
    const [eventType, propertyName] = key.split("/");
    const found = byId.get(String(id));
    const what = `subscription ${id}${propertyName ? ` (${propertyName})` : ""}`;
    if (!found) {
      disagreements.push({ eventType, problem: `${what} no longer exists in HubSpot: nothing is delivered` });
    } else if (found.eventType !== eventType || (found.propertyName ?? "") !== (propertyName ?? "")) {
      disagreements.push({
        eventType,
        problem: `${what} is ${found.eventType}${found.propertyName ? `/${found.propertyName}` : ""} in HubSpot`,
      });
    } else if (!found.active) {
      disagreements.push({ eventType, problem: `${what} is paused in HubSpot` });
    }
  }
  return disagreements;
}
