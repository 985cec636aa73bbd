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

/**
 * Accounts Google creates or runs itself, which are never an identity of this trigger: the defaults are shared by
 * every workload of the project that names no account and are often granted roles/editor; service agents act for a
 * Google service. The stack config refuses them and the policy pack reports a service or subscription using one.
 * https://cloud.google.com/iam/docs/service-account-types#default
 */
export const GOOGLE_MANAGED_ACCOUNTS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  {
    pattern: /^[0-9]+-compute@developer\.gserviceaccount\.com$/,
    why:
      "is the Compute Engine default service account: every workload of the project that names no account runs as " +
      "it, and it often holds roles/editor; least privilege needs an account used by this trigger alone",
  },
  {
    pattern: /@appspot\.gserviceaccount\.com$/,
    why:
      "is the App Engine default service account: shared by the project's App Engine and Cloud Functions " +
      "workloads and often holding roles/editor; least privilege needs an account used by this trigger alone",
  },
  {
    pattern: /@(?:gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com|cloudservices\.gserviceaccount\.com)$/,
    why:
      "is a Google-managed service agent: it acts for a Google service, with that service's rights; a runtime " +
      "identity must be a user-managed account used by this trigger alone",
  },
];

/** Why `email` must not be a runtime identity, or undefined when it may be. */
export function googleManagedAccountProblem(email: string): string | undefined {
  return GOOGLE_MANAGED_ACCOUNTS.find((account) => account.pattern.test(email))?.why;
}
