import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readBoolean } from "../lib/values";

/**
 * Severity: high. Protects against an outage by mistake: with deletion protection off, a `pulumi destroy`, a
 * replacement or a console click deletes the listener and HubSpot's deliveries fail (HubSpot then retries for about
 * 24 hours and drops the events). The provider's default is on; the rule fires only when it is turned off.
 * Mandatory in prod, advisory in dev (policies/config/<env>.json).
 * https://cloud.google.com/run/docs/deleting#deletion-protection
 */
export const deletionProtection: ResourceRule = {
  name: "hubspot-trigger-cloudrun-deletion-protection",
  description: "Cloud Run services keep deletion protection on.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set `hubspot-trigger:deletionProtection: true` for the stack (Cloud Run `deletionProtection`).",
  url: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_v2_service#deletion_protection",
  validateResource: validateResourceOfTypes([TYPES.cloudRunService], (props, _args, report) => {
    if (readBoolean(props, "deletionProtection") === false) {
      report(
        `deletionProtection is false: the service can be deleted by a destroy or a replacement; set ${configKey("deletionProtection")}: true.`,
      );
    }
  }),
};
