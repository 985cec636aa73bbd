import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ROLES, type AccountRole } from "../contract/roles";

/** A member granted a role on one resource; `key` names the binding resource so reordering rebinds nobody. */
export interface Grantee {
  readonly key: string;
  readonly member: pulumi.Input<string>;
}

/** The machine-readable role in each account's `description`, read by the policy pack. */
export { ACCOUNT_ROLES } from "../contract/roles";

/** An identity the trigger runs as: an account the component creates, or an existing one named by email. */
export interface RuntimeAccount {
  readonly email: pulumi.Output<string>;
  /** `serviceAccount:<email>`: what every role binding of this identity targets. */
  readonly member: pulumi.Output<string>;
  /** The created account; undefined for an existing one, which is not a resource of the stack. */
  readonly account?: gcp.serviceaccount.Account;
}

/** The account's IAM resource name; the project comes from a user-managed account's domain, else `-` (IAM infers it). */
export function serviceAccountResourceName(email: string): string {
  const project = /@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(email)?.[1] ?? "-";
  return `projects/${project}/serviceAccounts/${email}`;
}

export interface TriggerIdentityArgs {
  readonly project: pulumi.Input<string>;
  /** Service account ids (6-30 characters), from `resourceNames`. */
  readonly accountIds: pulumi.Input<{ listener: string; trigger: string; push: string }>;
  /** Members granted roles/connectors.admin on the project (seed: "Administrateur des connecteurs"). */
  readonly admins: readonly string[];
  /**
   * The Pub/Sub service agent (`serviceAccount:service-<number>@gcp-sa-pubsub.iam.gserviceaccount.com`): it mints
   * the push OIDC tokens, so it gets serviceAccountTokenCreator on the push account only.
   */
  readonly pubsubServiceAgent: pulumi.Input<string>;
  /** Human-readable prefix of the display names, e.g. the connection name. */
  readonly displayPrefix: pulumi.Input<string>;
  /** Existing accounts by email, per role: not created; their roles are bound to `serviceAccount:<email>`. */
  readonly existingAccounts?: Partial<Record<AccountRole, pulumi.Input<string>>>;
}

/**
 * The three identities of a trigger and their project-level roles, named by what runs as them: the listener
 * (publishes events), the dispatcher (executes integrations) and the push identity (Pub/Sub -> dispatcher). Each is
 * an account created here or an existing one given by email; the roles are the same either way. Roles on narrower
 * resources (topics, secrets, services) are bound by the components that own those resources.
 */
export class TriggerIdentity extends pulumi.ComponentResource {
  readonly listener: RuntimeAccount;
  /**
   * Runs the dispatcher and holds the integration invoker role: the seed's "trigger's service account" (compte de
   * service du déclencheur). Its logical name, account id, role marker and stack output keep the seed's "trigger".
   */
  readonly dispatcher: RuntimeAccount;
  readonly push: RuntimeAccount;

  constructor(name: string, args: TriggerIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:identity:TriggerIdentity", name, {}, opts);
    const ids = pulumi.output(args.accountIds);
    const account = (role: keyof typeof ACCOUNT_ROLES, purpose: string): RuntimeAccount => {
      const existing = args.existingAccounts?.[role];
      if (existing !== undefined) {
        // Not adopted nor imported: the stack only binds roles to it, and destroying the stack removes those bindings.
        const email = pulumi.output(existing);
        return { email, member: pulumi.interpolate`serviceAccount:${email}` };
      }
      const created = new gcp.serviceaccount.Account(
        `${name}-${role}`,
        {
          project: args.project,
          accountId: ids[role],
          displayName: pulumi.interpolate`${args.displayPrefix} HubSpot ${purpose}`,
          description: ACCOUNT_ROLES[role],
        },
        { parent: this },
      );
      return { email: created.email, member: created.member, account: created };
    };
    this.listener = account("listener", "listener (receives webhooks)");
    this.dispatcher = account("trigger", "trigger (executes integrations)");
    this.push = account("push", "push identity (Pub/Sub to dispatcher)");

    // Application Integration has no IAM resource narrower than the project.
    new gcp.projects.IAMMember(
      `${name}-trigger-integration-invoker`,
      { project: args.project, role: "roles/integrations.integrationInvoker", member: this.dispatcher.member },
      { parent: this },
    );
    // Named by member, not position: reordering the list must not rebind anyone.
    for (const member of args.admins) {
      new gcp.projects.IAMMember(
        `${name}-connectors-admin-${member.replace(/[^a-zA-Z0-9]+/g, "-")}`,
        { project: args.project, role: "roles/connectors.admin", member },
        { parent: this },
      );
    }
    // Pub/Sub mints the push OIDC tokens as its service agent, so the agent needs token creator on the push account
    // (projects created before April 2021; harmless later). Bound on that one account, existing or not: on an
    // existing account it is one more binding there, removed again when the stack is destroyed.
    new gcp.serviceaccount.IAMMember(
      `${name}-push-token-creator`,
      {
        serviceAccountId: this.push.account?.name ?? this.push.email.apply(serviceAccountResourceName),
        role: "roles/iam.serviceAccountTokenCreator",
        member: args.pubsubServiceAgent,
      },
      { parent: this },
    );

    this.registerOutputs({
      listenerEmail: this.listener.email,
      triggerEmail: this.dispatcher.email,
      pushEmail: this.push.email,
    });
  }
}
