import { stackGrants } from "../lib/iam";
import { accountMembers, type StackRule } from "../lib/rule";
import { UNKNOWN } from "../lib/values";

/**
 * Severity: high. Protects against identities other than the trigger account starting Application Integrations:
 * roles/integrations.integrationInvoker can only be granted project-wide, so every extra holder can run every
 * integration of the project with its input. The seed grants it to the trigger's service account alone.
 * https://cloud.google.com/application-integration/docs/access-control
 */
export const integrationInvokerTriggerOnly: StackRule = {
  name: "hubspot-trigger-iam-integration-invoker-trigger-only",
  description: "Only the trigger service account holds roles/integrations.integrationInvoker.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Grant roles/integrations.integrationInvoker only to the account whose description is "hubspot-trigger:trigger" ' +
    "(the dispatcher's identity); other callers go through the events topic.",
  url: "https://cloud.google.com/application-integration/docs/access-control",
  validateStack: (args, report) => {
    const trigger = accountMembers(args.resources, "trigger");
    const triggerUnknown = trigger.includes(UNKNOWN);
    for (const { resource, grant } of stackGrants(args.resources)) {
      if (grant.role !== "roles/integrations.integrationInvoker") continue;
      for (const member of grant.members) {
        if (typeof member !== "string" || trigger.includes(member)) continue;
        // Before the trigger account exists its email is unknown: any service account might be it.
        if (triggerUnknown && member.startsWith("serviceAccount:")) continue;
        report(`Grants roles/integrations.integrationInvoker to ${member}, not the trigger account.`, resource.urn);
      }
    }
  },
};
