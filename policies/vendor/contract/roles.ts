// Generated from contract/roles.ts by scripts/generate/policies-contract.ts: do not edit, change contract/ and
// run `npm run generate`. The policy pack is published alone, so it carries its own copy of the contract.
/**
 * The runtime identities, by what they run, and the marker each carries in its service account `description` so the
 * policy pack can tell them apart. The seed calls the dispatcher's account the trigger's service account
 * ("compte de service du déclencheur"): it holds the invoker role and executes the integrations.
 */
export const ACCOUNT_ROLES = {
  listener: "hubspot-trigger:listener",
  trigger: "hubspot-trigger:trigger",
  push: "hubspot-trigger:push",
} as const;

export type AccountRole = keyof typeof ACCOUNT_ROLES;

/** Predefined IAM roles the stack grants, each to the narrowest resource that works. */
export const IAM_ROLES = {
  /** Seed "Demandeur Application Integration": on the project (the role exists only project-wide). */
  integrationInvoker: "roles/integrations.integrationInvoker",
  /** Seed "Administrateur des connecteurs": for the `admins` members, humans only. */
  connectorsAdmin: "roles/connectors.admin",
  runInvoker: "roles/run.invoker",
  pubsubPublisher: "roles/pubsub.publisher",
  pubsubSubscriber: "roles/pubsub.subscriber",
  secretAccessor: "roles/secretmanager.secretAccessor",
  tokenCreator: "roles/iam.serviceAccountTokenCreator",
  artifactRegistryReader: "roles/artifactregistry.reader",
} as const;
