import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readBoolean, UNKNOWN } from "../lib/values";

/**
 * Severity: medium. Protects against the managed listener taking its traffic over the public internet: without
 * private connectivity, Google's HubSpot connector receives events at a public endpoint, and a project inside a VPC
 * Service Controls perimeter needs private connectivity for event subscriptions at all. Mandatory in prod, advisory
 * in dev (policies/config/<env>.json), where a public endpoint is a normal first step.
 * https://cloud.google.com/integration-connectors/docs/eventsubscription
 */
export const managedPrivateConnectivity: ResourceRule = {
  name: "hubspot-trigger-managed-private-connectivity",
  description: "The eventing of Integration Connectors connections uses private connectivity.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    `Set ${configKey("managed.privateConnectivity.enabled")}: true, and list the projects that may reach the ` +
    `listener in ${configKey("managed.privateConnectivity.allowlistedProjects")}.`,
  url: "https://cloud.google.com/integration-connectors/docs/eventsubscription",
  validateResource: validateResourceOfTypes([TYPES.connectionEventing], (props, args, report) => {
    const enabled = readBoolean(props, "privateConnectivityEnabled");
    if (enabled === UNKNOWN || enabled === true) return;
    report(
      `Connection eventing ${args.name} has private connectivity off: the connection's listener is reached over ` +
        `the public internet; set ${configKey("managed.privateConnectivity.enabled")}: true.`,
    );
  }),
};
