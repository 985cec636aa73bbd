import { IAM_TYPES, iamGrants } from "../lib/iam";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";

const BASIC_ROLES = ["roles/owner", "roles/editor", "roles/viewer"];

/**
 * Severity: critical. Protects against basic roles, which grant thousands of permissions across every service of the
 * project (CIS GCP 1.5: "Ensure that Service Account has no Admin privileges"; Google: "avoid basic roles in
 * production"). Every identity of the trigger needs one predefined role on one resource.
 * https://cloud.google.com/iam/docs/roles-overview#basic
 */
export const noBasicRoles: ResourceRule = {
  name: "hubspot-trigger-iam-no-basic-roles",
  description: "No IAM binding grants roles/owner, roles/editor or roles/viewer.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Replace the basic role with the predefined role the member needs (for example roles/pubsub.publisher) bound " +
    "on the one resource it uses.",
  url: "https://cloud.google.com/iam/docs/roles-overview#basic",
  validateResource: validateResourceOfTypes(Object.keys(IAM_TYPES), (props, args, report) => {
    for (const grant of iamGrants(args.type, props)) {
      if (typeof grant.role === "string" && BASIC_ROLES.includes(grant.role)) {
        report(`Grants basic role ${grant.role} on a ${grant.scope}; use a predefined role on the resource instead.`);
      }
    }
  }),
};
