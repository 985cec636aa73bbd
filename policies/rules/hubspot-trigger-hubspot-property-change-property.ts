import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString, UNKNOWN } from "../lib/values";

/**
 * Severity: medium. Protects against HubSpot subscriptions that HubSpot rejects or that watch nothing:
 * a `*.propertyChange` subscription must name the property it watches, and other event types take no property.
 * https://developers.hubspot.com/docs/api/webhooks#subscriptions
 */
export const propertyChangeProperty: ResourceRule = {
  name: "hubspot-trigger-hubspot-property-change-property",
  description: "Every propertyChange subscription names a property, and no other subscription does.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "List the watched HubSpot properties in the trigger's `propertyNames` when it uses a *.propertyChange event " +
    "type, and leave `propertyNames` empty otherwise.",
  url: "https://developers.hubspot.com/docs/api/webhooks#subscriptions",
  validateResource: validateResourceOfTypes([TYPES.webhookSubscription], (props, _args, report) => {
    const eventType = readString(props, "eventType");
    const propertyName = readString(props, "propertyName");
    if (typeof eventType !== "string" || propertyName === UNKNOWN) return;
    const isPropertyChange = eventType.endsWith(".propertyChange");
    if (isPropertyChange && (propertyName === undefined || propertyName.trim() === "")) {
      report(
        `HubSpot subscription "${eventType}" names no property: list the watched properties in the trigger's propertyNames in ${configKey("triggers")}.`,
      );
    }
    if (!isPropertyChange && propertyName !== undefined) {
      report(
        `HubSpot subscription "${eventType}" sets propertyName "${propertyName}", which only propertyChange takes: remove propertyNames from the trigger in ${configKey("triggers")} or add a *.propertyChange event type.`,
      );
    }
  }),
};
