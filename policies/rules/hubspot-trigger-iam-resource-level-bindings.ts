import { IAM_TYPES, iamGrants } from "../lib/iam";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";

/** Roles that this package always binds on one resource; project-wide they reach every secret, topic or service. */
const RESOURCE_ROLES = [
  "roles/secretmanager.secretAccessor",
  "roles/pubsub.publisher",
  "roles/pubsub.subscriber",
  "roles/run.invoker",
  "roles/iam.serviceAccountTokenCreator",
];

const PROJECT_TYPES = Object.keys(IAM_TYPES).filter((type) => IAM_TYPES[type].scope === "project");

/**
 * Severity: high. Protects against project-wide grants of data-plane roles: a project-level secretAccessor reads
 * every secret of the project (other teams' included), a project-level publisher writes to every topic, a
 * project-level serviceAccountTokenCreator impersonates every account. Least privilege binds them on the secret,
 * topic, subscription, service or account.
 * https://cloud.google.com/secret-manager/docs/access-control#best-practices
 */
export const resourceLevelBindings: ResourceRule = {
  name: "hubspot-trigger-iam-resource-level-bindings",
  description:
    "Secret accessor, Pub/Sub, Cloud Run invoker and token creator roles are bound on resources, never project-wide.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Bind the role with the resource's IAM member type instead of gcp.projects.IAMMember: " +
    "gcp.secretmanager.SecretIamMember, gcp.pubsub.TopicIAMMember / SubscriptionIAMMember, " +
    "gcp.cloudrunv2.ServiceIamMember or gcp.serviceaccount.IAMMember.",
  url: "https://cloud.google.com/secret-manager/docs/access-control#best-practices",
  validateResource: validateResourceOfTypes(PROJECT_TYPES, (props, args, report) => {
    for (const grant of iamGrants(args.type, props)) {
      if (typeof grant.role === "string" && RESOURCE_ROLES.includes(grant.role)) {
        report(`Grants ${grant.role} on the whole project; bind it on the one resource the member uses.`);
      }
    }
  }),
};
