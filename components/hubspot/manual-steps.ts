import { subscriptionKey } from "./validation";
import type { SubscriptionSpec } from "./types";

/*
 * Manual mode, for private apps (and legacy apps whose owners keep registration in HubSpot's UI): HubSpot offers no
 * API for their webhook settings, so the stack prints the exact steps instead.
 */

export interface ManualStepsInput {
  webhookUrl: string;
  maxConcurrentRequests: number;
  subscriptions: SubscriptionSpec[];
  appId?: string;
  /** Removed from the stack with onRemove keep: leave them in HubSpot. */
  retained?: SubscriptionSpec[];
  /** Removed by the last change with onRemove delete: delete them in HubSpot. */
  toDelete?: SubscriptionSpec[];
}

export function manualSteps(input: ManualStepsInput): string[] {
  const app = input.appId ? `app ${input.appId}` : "your private app";
  const steps = [
    `In HubSpot, open Settings > Integrations > Private Apps (or Development > Apps for a legacy public app) and edit ${app}.`,
    `Open the Webhooks tab and set the target URL to exactly ${input.webhookUrl} (no trailing slash, https).`,
    `Set "Event throttling" (maximum concurrent requests) to ${input.maxConcurrentRequests}.`,
  ];
  for (const s of input.subscriptions) {
    const [object, action] = s.eventType.split(".");
    steps.push(
      s.propertyName
        ? `Create a subscription: object type "${object}", event "${action}", property "${s.propertyName}" (${subscriptionKey(s)}).`
        : `Create a subscription: object type "${object}", event "${action}" (${subscriptionKey(s)}).`,
    );
  }
  for (const s of input.toDelete ?? []) {
    steps.push(
      `Delete the subscription ${subscriptionKey(s)}: the stack no longer declares it and its trigger says onRemove: delete.`,
    );
  }
  for (const s of input.retained ?? []) {
    steps.push(
      `Leave the subscription ${subscriptionKey(s)} as it is: the stack no longer declares it but its trigger said onRemove: keep.`,
    );
  }
  steps.push(
    "Select every subscription created above and choose Activate: HubSpot creates them paused.",
    "Commit the changes (Commit changes / Save), then wait up to 5 minutes: HubSpot applies webhook settings asynchronously.",
    `Verify: the listener logs a verified delivery after you edit a ${input.subscriptions[0]?.eventType.split(".")[0] ?? "CRM"} record in HubSpot.`,
  );
  return steps.map((step, i) => `${i + 1}. ${step}`);
}
