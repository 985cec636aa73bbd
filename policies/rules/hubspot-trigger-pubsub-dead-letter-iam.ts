import type { PolicyResource } from "@pulumi/policy";
import { configKey, PUBSUB_SERVICE_AGENT, TYPES } from "../lib/conventions";
import { type IamScope, shortName, stackGrants } from "../lib/iam";
import {
  deadLetterTopicOf,
  eventingDeadLetterOf,
  parseRef,
  type PubSubRef,
  sameRef,
  showRef,
  subscriptions,
} from "../lib/pubsub";
import { connectionNamed, type StackRule } from "../lib/rule";
import { readString, UNKNOWN } from "../lib/values";

/** Whether some grant gives `role` on `target` to a member `isMember` accepts (or to a member not known yet). */
function holds(
  resources: PolicyResource[],
  scope: IamScope,
  role: string,
  target: PubSubRef,
  isMember: (member: string) => boolean,
): boolean {
  return stackGrants(resources).some(({ grant }) => {
    if (grant.scope !== scope || (grant.role !== role && grant.role !== UNKNOWN)) return false;
    if (grant.target === undefined) return false;
    if (grant.target !== UNKNOWN) {
      const ref = parseRef(grant.target);
      const project = ref.project ?? (typeof grant.project === "string" ? grant.project : undefined);
      if (!sameRef({ ...ref, ...(project ? { project } : {}) }, target)) return false;
    }
    return grant.members.some((m) => m === UNKNOWN || isMember(m));
  });
}

/** Whether some grant gives `role` on `target` to the Pub/Sub service agent (or to a member not known yet). */
function agentHolds(resources: PolicyResource[], scope: IamScope, role: string, target: PubSubRef): boolean {
  return holds(resources, scope, role, target, (m) => PUBSUB_SERVICE_AGENT.test(m));
}

/**
 * Severity: high. Protects against dead-lettering that silently does not happen: Pub/Sub forwards an undeliverable
 * message as its service agent (service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com), which needs
 * roles/pubsub.publisher on the dead-letter topic and roles/pubsub.subscriber on the source subscription; without
 * them the message is retried forever instead. With backend `managed`, Google's HubSpot connector publishes the
 * events it cannot deliver to the dead-letter topic of its eventing (ConnectionEventing `deadLetter`) itself, as the
 * connection's service account, which therefore needs roles/pubsub.publisher on that topic (the stack grants it
 * through the dead-letter topic's publisher list); without it those events are lost.
 * https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions
 */
export const deadLetterIam: StackRule = {
  name: "hubspot-trigger-pubsub-dead-letter-iam",
  description:
    "The Pub/Sub service agent can publish to each dead-letter topic and acknowledge from each source subscription, and each Integration Connectors connection's account can publish to its eventing's dead-letter topic.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Grant `serviceAccount:service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com` roles/pubsub.publisher " +
    "with gcp.pubsub.TopicIAMMember on the dead-letter topic and roles/pubsub.subscriber with " +
    "gcp.pubsub.SubscriptionIAMMember on each subscription that dead-letters. With backend managed, grant the " +
    "connection's service account roles/pubsub.publisher on the topic its eventing's `deadLetter` names.",
  url: "https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions",
  validateStack: (args, report) => {
    for (const subscription of subscriptions(args.resources)) {
      const deadLetter = deadLetterTopicOf(subscription);
      if (!deadLetter) continue;
      if (!agentHolds(args.resources, "topic", "roles/pubsub.publisher", deadLetter)) {
        report(
          `The Pub/Sub service agent cannot publish to dead-letter topic ${showRef(deadLetter)}.`,
          subscription.urn,
        );
      }
      const name = readString(subscription.props, "name");
      if (typeof name !== "string") continue;
      const project = readString(subscription.props, "project");
      const source = { name: shortName(name), ...(typeof project === "string" ? { project } : {}) };
      if (!agentHolds(args.resources, "subscription", "roles/pubsub.subscriber", source)) {
        report(
          `The Pub/Sub service agent is not subscriber on subscription ${name}, so it cannot forward dead letters.`,
          subscription.urn,
        );
      }
    }
    for (const eventing of args.resources.filter((r) => r.type === TYPES.connectionEventing)) {
      const deadLetter = eventingDeadLetterOf(eventing);
      if (!deadLetter) continue;
      const connection = connectionNamed(args.resources, readString(eventing.props, "connectionName"));
      if (connection === undefined || connection === UNKNOWN) continue;
      const email = readString(connection.props, "serviceAccount");
      // No account, or an unknown one, is hubspot-trigger-managed-connection-account's to report or not yet knowable.
      if (typeof email !== "string" || email === "") continue;
      const member = `serviceAccount:${email}`;
      if (!holds(args.resources, "topic", "roles/pubsub.publisher", deadLetter, (m) => m === member)) {
        report(
          `The connection's account ${email} cannot publish to dead-letter topic ${showRef(deadLetter)}, so the ` +
            "events the connector cannot deliver are lost: grant it roles/pubsub.publisher on the topic (the stack " +
            `does for its own dead-letter topic and for ${configKey("deadLetter.existingTopic")}).`,
          eventing.urn,
        );
      }
    }
  },
};
