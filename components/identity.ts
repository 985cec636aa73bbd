import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ROLES } from "../contract/roles";

/** A member granted a role on one resource; `key` names the binding resource so reordering rebinds nobody. */
export interface Grantee {
  readonly key: string;
  readonly member: pulumi.Input<string>;
}

/** The machine-readable role in each account's `description`, read by the policy pack. */
export { ACCOUNT_ROLES } from "../contract/roles";

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
}

/**
 * The three service accounts of a trigger and their project-level roles, named by what runs as them: the listener
 * (publishes events), the dispatcher (executes integrations) and the push identity (Pub/Sub -> dispatcher).
 * Roles on narrower resources (topics, secrets, services) are bound by the components that own those resources.
 */
export class TriggerIdentity extends pulumi.ComponentResource {
  readonly listener: gcp.serviceaccount.Account;
  /**
   * Runs the dispatcher and holds the integration invoker role: the seed's "trigger's service account" (compte de
   * service du déclencheur). Its logical name, account id, role marker and stack output keep the seed's "trigger".
   */
  readonly dispatcher: gcp.serviceaccount.Account;
  readonly push: gcp.serviceaccount.Account;

  constructor(name: string, args: TriggerIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:identity:TriggerIdentity", name, {}, opts);
    const ids = pulumi.output(args.accountIds);
    const account = (role: keyof typeof ACCOUNT_ROLES, purpose: string) =>
      new gcp.serviceaccount.Account(
        `${name}-${role}`,
        {
          project: args.project,
          accountId: ids[role],
          displayName: pulumi.interpolate`${args.displayPrefix} HubSpot ${purpose}`,
          description: ACCOUNT_ROLES[role],
        },
        { parent: this },
      );
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
    new gcp.serviceaccount.IAMMember(
      `${name}-push-token-creator`,
      {
        serviceAccountId: this.push.name,
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
