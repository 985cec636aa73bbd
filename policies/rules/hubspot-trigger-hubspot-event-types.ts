import { EVENT_TYPES, isEventType } from "../vendor/contract";
import { configKey, TYPES } from "../lib/conventions";
import { dispatcherTriggers } from "../lib/dispatcher-triggers";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString } from "../lib/values";

/** "deal.", "contact.", "company.": the prefixes a filter may match whole. */
const OBJECT_PREFIXES: readonly string[] = [...new Set(EVENT_TYPES.map((type) => `${type.split(".")[0]}.`))];

/**
 * Severity: high. Protects against triggers that can never fire: a HubSpot subscription, a dispatcher trigger or a
 * trigger subscription's filter on an event type the HubSpot trigger does not support (typos such as `deal.created`,
 * or types such as `ticket.creation` or `company.merge`), or a trigger with no event type at all. Supported: the
 * console's six (deal.creation, deal.propertyChange, deal.deletion, contact.creation, contact.propertyChange,
 * contact.deletion,
 * https://cloud.google.com/application-integration/docs/configure-hubspot-trigger#supported-event-types) and, opt-in
 * where a trigger lists them, company.creation, company.propertyChange, company.deletion.
 */
export const eventTypes: ResourceRule = {
  name: "hubspot-trigger-hubspot-event-types",
  description: "Triggers, their Pub/Sub filters and HubSpot webhook subscriptions use only the supported event types.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: `Use event types among ${EVENT_TYPES.join(", ")} in \`hubspot-trigger:triggers\`, at least one per trigger.`,
  url: "https://cloud.google.com/application-integration/docs/configure-hubspot-trigger",
  validateResource: validateResourceOfTypes(
    [TYPES.cloudRunService, TYPES.webhookSubscription, TYPES.subscription],
    (props, args, report) => {
      if (args.type === TYPES.subscription) {
        const filter = readString(props, "filter");
        if (typeof filter !== "string") return;
        for (const [, eventType] of filter.matchAll(/attributes\.eventType\s*=\s*"([^"]*)"/g)) {
          if (!isEventType(eventType)) {
            report(
              `Subscription filter matches event type "${eventType}", which the listener never publishes: fix the trigger's eventTypes in ${configKey("triggers")}.`,
            );
          }
        }
        // A whole object type collapses to hasPrefix (components/event-filter.ts): the prefix must be one of ours.
        for (const [, prefix] of filter.matchAll(/hasPrefix\(\s*attributes\.eventType\s*,\s*"([^"]*)"\s*\)/g)) {
          if (!OBJECT_PREFIXES.includes(prefix)) {
            report(
              `Subscription filter matches event types starting with "${prefix}", none of which the trigger supports (supported: ${EVENT_TYPES.join(", ")}): fix the trigger's eventTypes in ${configKey("triggers")}.`,
            );
          }
        }
        return;
      }
      if (args.type === TYPES.webhookSubscription) {
        const eventType = readString(props, "eventType");
        if (typeof eventType === "string" && !isEventType(eventType)) {
          report(
            `HubSpot subscription event type "${eventType}" is not supported (supported: ${EVENT_TYPES.join(", ")}): fix eventTypes in ${configKey("triggers")}.`,
          );
        }
        return;
      }
      const triggers = dispatcherTriggers(props);
      if (triggers.kind !== "parsed") return;
      for (const trigger of triggers.value) {
        if (trigger.eventTypes.length === 0) {
          report(
            `Trigger "${trigger.name}" has no event type: list at least one in its eventTypes in ${configKey("triggers")}.`,
          );
        }
        for (const eventType of trigger.eventTypes.filter((t) => !isEventType(t))) {
          report(
            `Trigger "${trigger.name}" uses event type "${eventType}", which is not supported (supported: ${EVENT_TYPES.join(", ")}): fix its eventTypes in ${configKey("triggers")}.`,
          );
        }
      }
    },
  ),
};
