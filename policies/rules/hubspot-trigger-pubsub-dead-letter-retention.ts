import type { PolicyResource } from "@pulumi/policy";
import { configKey, TYPES } from "../lib/conventions";
import {
  deadLetterReferences,
  durationSeconds,
  parseRef,
  type PubSubRef,
  refOf,
  sameRef,
  showRef,
  subscriptions,
} from "../lib/pubsub";
import { componentOf, type StackRule } from "../lib/rule";
import { read, readString, UNKNOWN } from "../lib/values";

const SEVEN_DAYS = 7 * 24 * 3600;

/**
 * Dead-letter topics: this stack's topics labelled component=dead-letter or named by a dead-letter policy or by a
 * connection's eventing dead letter (backend `managed`), and the topics those name that the stack does not create (an
 * existing topic, `deadLetter.existingTopic`), reported on the first subscription or eventing naming them. The stack
 * cannot rely on an existing topic's own subscriptions.
 */
function deadLetterTopics(resources: PolicyResource[]): { ref: PubSubRef; urn: string }[] {
  const referenced = deadLetterReferences(resources);
  const created = resources.flatMap((resource) => {
    if (resource.type !== TYPES.topic) return [];
    const ref = refOf(resource);
    if (!ref) return [];
    const isDeadLetter = componentOf(resource) === "dead-letter" || referenced.some((r) => sameRef(r.ref, ref));
    return isDeadLetter ? [{ ref, urn: resource.urn }] : [];
  });
  const existing: { ref: PubSubRef; urn: string }[] = [];
  for (const topic of referenced) {
    if ([...created, ...existing].some((known) => sameRef(known.ref, topic.ref))) continue;
    // A short name without a project may be a stack topic whose own ref is unknown: only full paths count here.
    if (topic.ref.project !== undefined && !stackHasUnknownTopic(resources)) existing.push(topic);
  }
  return [...created, ...existing];
}

/** Whether some topic of the stack has a name not known yet (it could be the one a policy names). */
function stackHasUnknownTopic(resources: PolicyResource[]): boolean {
  return resources.some((r) => r.type === TYPES.topic && refOf(r) === undefined);
}

/** Why this subscription does not keep dead letters for 7 days, or undefined when it does (or cannot be known). */
function retentionProblem(subscription: PolicyResource): string | undefined {
  const retention = readString(subscription.props, "messageRetentionDuration");
  const ttl = readString(subscription.props, "expirationPolicy.ttl");
  if (retention === UNKNOWN || ttl === UNKNOWN) return undefined;
  // Pub/Sub's default retention is 7 days; an explicit shorter one loses dead letters before anyone looks.
  const seconds = retention === undefined ? SEVEN_DAYS : durationSeconds(retention);
  if (seconds === undefined || seconds < SEVEN_DAYS) {
    return `retains messages for ${retention ?? "(unset)"}, less than 7 days (604800s): set ${configKey("deadLetter.retentionDays")} to 7 or more`;
  }
  // A subscription nobody pulls is deleted after 31 days unless its expiration policy says never (ttl "").
  if (read(subscription.props, "expirationPolicy") === undefined || ttl !== "") {
    return `expires after ${ttl ?? "31 days (default)"} without activity; set expirationPolicy.ttl to ""`;
  }
  return undefined;
}

/**
 * Severity: high. Protects against losing what the dead-letter topic receives: a topic stores nothing by itself,
 * so a dead letter published to a topic without a subscription is gone, and a subscription that nobody pulls
 * expires after 31 days of inactivity by default. Each dead-letter topic needs a subscription that keeps messages
 * at least 7 days and never expires.
 * https://cloud.google.com/pubsub/docs/subscription-properties#expiration_period
 */
export const deadLetterRetention: StackRule = {
  name: "hubspot-trigger-pubsub-dead-letter-retention",
  description: "Every dead-letter topic has a never-expiring subscription that retains messages at least 7 days.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Attach a subscription to the dead-letter topic with `messageRetentionDuration: "604800s"` or more ' +
    '(`hubspot-trigger:deadLetter.retentionDays`) and `expirationPolicy: { ttl: "" }`.',
  url: "https://cloud.google.com/pubsub/docs/subscription-properties#expiration_period",
  validateStack: (args, report) => {
    const subs = subscriptions(args.resources);
    for (const topic of deadLetterTopics(args.resources)) {
      const attached = subs.filter((s) => {
        const target = readString(s.props, "topic");
        return target === UNKNOWN || (typeof target === "string" && sameRef(parseRef(target), topic.ref));
      });
      const problems = attached.map((s) => ({ name: s.name, problem: retentionProblem(s) }));
      if (problems.some((p) => p.problem === undefined)) continue;
      const detail = problems.map((p) => `${p.name} ${p.problem}`).join("; ");
      report(
        `Dead-letter topic ${showRef(topic.ref)} has no subscription keeping messages 7 days${detail ? `: ${detail}` : ""}.`,
        topic.urn,
      );
    }
  },
};
