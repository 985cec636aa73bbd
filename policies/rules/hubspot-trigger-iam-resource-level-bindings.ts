import { IAM_TYPES, iamGrants, type IamGrant } from "../lib/iam";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { UNKNOWN } from "../lib/values";

/** Roles that this package always binds on one resource; project-wide they reach every secret, topic or service. */
const RESOURCE_ROLES = [
  "roles/secretmanager.secretAccessor",
  // Granted with the accessor to the managed backend's connection account (Google's HubSpot connector asks for both).
  "roles/secretmanager.viewer",
  "roles/pubsub.publisher",
  "roles/pubsub.subscriber",
  "roles/run.invoker",
  "roles/iam.serviceAccountTokenCreator",
];

/**
 * Firestore's data roles. Firestore has no per-database IAM resource: Google documents narrowing a project binding
 * to one database with the condition `resource.name == "projects/P/databases/D"`
 * (https://cloud.google.com/firestore/docs/manage-databases#configure_access). Without it the role reaches every
 * database of the project, the `(default)` one other teams use included.
 */
const FIRESTORE_ROLES = ["roles/datastore.user", "roles/datastore.viewer", "roles/datastore.owner"];
const ONE_DATABASE = /^resource\.name == "projects\/([^"/]+)\/databases\/([^"/]+)"$/;

/** Why a Firestore grant is not narrowed to one named database, or undefined when it is (or cannot be known yet). */
function firestoreProblem(grant: IamGrant): string | undefined {
  if (grant.condition === UNKNOWN) return undefined;
  const role = String(grant.role);
  const fix = 'narrow it to one database with the IAM condition resource.name == "projects/P/databases/D"';
  if (grant.condition === undefined) return `Grants ${role} on every Firestore database of the project; ${fix}.`;
  const match = ONE_DATABASE.exec(grant.condition.trim());
  if (!match)
    return `Grants ${role} under the condition ${JSON.stringify(grant.condition)}, which names no one database; ${fix}.`;
  const [, project, database] = match;
  if (database === "(default)") {
    return `Grants ${role} on the project's (default) Firestore database, which other workloads share; use a named database.`;
  }
  if (typeof grant.project === "string" && grant.project !== project) {
    return `Grants ${role} on project ${grant.project} with a condition naming project ${project}: it matches nothing there.`;
  }
  return undefined;
}

const PROJECT_TYPES = Object.keys(IAM_TYPES).filter((type) => IAM_TYPES[type].scope === "project");

/**
 * Severity: high. Protects against project-wide grants of data-plane roles: a project-level secretAccessor reads
 * every secret of the project (other teams' included), a project-level secret viewer lists them all, a project-level publisher writes to every topic, a
 * project-level serviceAccountTokenCreator impersonates every account. Least privilege binds them on the secret,
 * topic, subscription, service or account.
 * https://cloud.google.com/secret-manager/docs/access-control#best-practices
 */
export const resourceLevelBindings: ResourceRule = {
  name: "hubspot-trigger-iam-resource-level-bindings",
  description:
    "Secret accessor and viewer, Pub/Sub, Cloud Run invoker and token creator roles are bound on resources, and Firestore roles on one named database, never project-wide.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Bind the role with the resource's IAM member type instead of gcp.projects.IAMMember: " +
    "gcp.secretmanager.SecretIamMember, gcp.pubsub.TopicIAMMember / SubscriptionIAMMember, " +
    "gcp.cloudrunv2.ServiceIamMember or gcp.serviceaccount.IAMMember. Firestore roles: keep the project binding and add " +
    'the condition resource.name == "projects/P/databases/D" naming a named database.',
  url: "https://cloud.google.com/secret-manager/docs/access-control#best-practices",
  validateResource: validateResourceOfTypes(PROJECT_TYPES, (props, args, report) => {
    for (const grant of iamGrants(args.type, props)) {
      if (typeof grant.role === "string" && RESOURCE_ROLES.includes(grant.role)) {
        report(`Grants ${grant.role} on the whole project; bind it on the one resource the member uses.`);
      }
      if (typeof grant.role === "string" && FIRESTORE_ROLES.includes(grant.role)) {
        const problem = firestoreProblem(grant);
        if (problem) report(problem);
      }
    }
  }),
};
