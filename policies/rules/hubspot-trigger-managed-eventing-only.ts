import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString, UNKNOWN } from "../lib/values";

const EVENTING_ONLY = "ONLY_EVENTING";

/**
 * Severity: high. Protects against a trigger that can read and write the CRM: a connection enabled for entities and
 * actions (`EVENTING_AND_CONNECTION`, or eventing off) lets whoever may use the connection, and the connection's
 * account with the HubSpot access token, list, change and delete HubSpot objects through it, while the trigger only
 * needs to receive events. Connectors v1 names `ONLY_EVENTING` the connection used for events only
 * (Connection.eventingEnablementType).
 * https://cloud.google.com/integration-connectors/docs/reference/rest/v1/projects.locations.connections#EventingEnablementType
 */
export const managedEventingOnly: ResourceRule = {
  name: "hubspot-trigger-managed-eventing-only",
  description: "Integration Connectors connections are enabled for eventing only, without entities and actions.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    `Build the connection with the stack's managed backend (${configKey("backend")}: managed), which sets ` +
    '`eventingEnablementType: "ONLY_EVENTING"`; use a separate connection for entities and actions.',
  url: "https://cloud.google.com/integration-connectors/docs/reference/rest/v1/projects.locations.connections#EventingEnablementType",
  validateResource: validateResourceOfTypes([TYPES.connection], (props, args, report) => {
    const type = readString(props, "eventingEnablementType");
    if (type === UNKNOWN || type === EVENTING_ONLY) return;
    const actual = type === undefined || type === "" ? "unset (eventing off)" : `"${type}"`;
    report(
      `Connection ${args.name} has eventingEnablementType ${actual}; the trigger needs ${EVENTING_ONLY}: entities ` +
        `and actions would let the connection read and write HubSpot objects. Build it with ${configKey("backend")}: managed.`,
    );
  }),
};
