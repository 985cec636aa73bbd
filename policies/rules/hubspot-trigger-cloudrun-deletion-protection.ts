import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readBoolean, readString, UNKNOWN } from "../lib/values";

/** The Integration Connectors connection's `deletionPolicy` that makes the provider refuse to delete it. */
const PREVENT = "PREVENT";

/**
 * Severity: high. Protects against an outage by mistake: with deletion protection off, a `pulumi destroy`, a
 * replacement or a console click deletes the listener and HubSpot's deliveries fail (HubSpot then retries for about
 * 24 hours and drops the events). The provider's default is on; the rule fires only when it is turned off. With
 * backend `managed` the listener is the Integration Connectors connection, whose endpoint HubSpot delivers to: its
 * `deletionPolicy` defaults to "DELETE", so it must be "PREVENT" (what `hubspot-trigger:deletionProtection: true`
 * sets). The rule keeps its Cloud Run name; it covers both listeners.
 * Mandatory in prod, advisory in dev (policies/config/<env>.json).
 * https://cloud.google.com/run/docs/deleting#deletion-protection
 */
export const deletionProtection: ResourceRule = {
  name: "hubspot-trigger-cloudrun-deletion-protection",
  description:
    'Cloud Run services keep deletion protection on, and Integration Connectors connections have deletionPolicy "PREVENT".',
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set `hubspot-trigger:deletionProtection: true` for the stack (Cloud Run `deletionProtection`, and " +
    '`deletionPolicy: "PREVENT"` on the Integration Connectors connection of backend managed).',
  url: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_v2_service#deletion_protection",
  validateResource: validateResourceOfTypes([TYPES.cloudRunService, TYPES.connection], (props, args, report) => {
    if (args.type === TYPES.connection) {
      const policy = readString(props, "deletionPolicy");
      if (policy === UNKNOWN || policy === PREVENT) return;
      const actual = policy === undefined || policy === "" ? 'unset (the provider deletes: "DELETE")' : `"${policy}"`;
      report(
        `Connection ${args.name} has deletionPolicy ${actual}: a destroy or a replacement deletes the endpoint HubSpot ` +
          `delivers to; set ${configKey("deletionProtection")}: true (deletionPolicy "${PREVENT}").`,
      );
      return;
    }
    if (readBoolean(props, "deletionProtection") === false) {
      report(
        `deletionProtection is false: the service can be deleted by a destroy or a replacement; set ${configKey("deletionProtection")}: true.`,
      );
    }
  }),
};
