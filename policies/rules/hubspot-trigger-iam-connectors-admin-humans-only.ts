import { configKey } from "../lib/conventions";
import { stackGrants } from "../lib/iam";
import { runtimeAccountMembers, type StackRule } from "../lib/rule";

/**
 * Severity: high. Protects against privilege escalation from a compromised runtime: roles/connectors.admin can create
 * and re-point connections and their secrets; the seed gives it to the people who configure the trigger, never to
 * the accounts the listener, dispatcher or push subscriptions run as.
 * https://cloud.google.com/integration-connectors/docs/configure-iam-roles
 */
export const connectorsAdminHumansOnly: StackRule = {
  name: "hubspot-trigger-iam-connectors-admin-humans-only",
  description: "The roles/connectors.admin role is never granted to one of the trigger's runtime service accounts.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Remove the runtime service account from `hubspot-trigger:admins`; list the people or groups who administer " +
    'connections instead (for example "group:platform@example.com").',
  url: "https://cloud.google.com/integration-connectors/docs/configure-iam-roles",
  validateStack: (args, report) => {
    const runtime = new Set(runtimeAccountMembers(args.resources).filter((m) => typeof m === "string"));
    for (const { resource, grant } of stackGrants(args.resources)) {
      if (grant.role !== "roles/connectors.admin") continue;
      for (const member of grant.members) {
        if (typeof member === "string" && runtime.has(member)) {
          report(
            `Grants roles/connectors.admin to runtime account ${member}: remove it from ${configKey("admins")}.`,
            resource.urn,
          );
        }
      }
    }
  },
};
