import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Grantee } from "./identity";
import { LabelArgs, resourceLabels } from "./labels";

export interface DeadLetterQueueArgs extends LabelArgs {
  /** Project of the topic and of its retention subscription (seed: "ID du projet de lettres mortes"). */
  readonly project: pulumi.Input<string>;
  readonly topicName: pulumi.Input<string>;
  readonly subscriptionName: pulumi.Input<string>;
  /** How long undelivered events are kept, 7..31 days (Pub/Sub's retention bounds). */
  readonly retentionDays: number;
  /**
   * Who publishes dead letters: the Pub/Sub service agent of the events' project (dead-letter policies) and the
   * runtime accounts (events they reject themselves).
   */
  readonly publishers: readonly Grantee[];
}

/** Pub/Sub takes durations in seconds with an "s" suffix. */
export function days(count: number): string {
  return `${count * 24 * 60 * 60}s`;
}

/**
 * The dead-letter topic and a retention subscription that nobody consumes, so every event that could not be
 * delivered stays readable for `retentionDays` (the subscription never expires, unlike Pub/Sub's 31-day default).
 */
export class DeadLetterQueue extends pulumi.ComponentResource {
  readonly topic: gcp.pubsub.Topic;
  readonly subscription: gcp.pubsub.Subscription;

  constructor(name: string, args: DeadLetterQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:deadletter:DeadLetterQueue", name, {}, opts);
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 7 || args.retentionDays > 31) {
      throw new Error(`deadLetter.retentionDays ${args.retentionDays} must be a whole number of days from 7 to 31`);
    }
    const labels = resourceLabels(args, "dead-letter");
    const retention = days(args.retentionDays);

    // Topic retention too: a dead letter acked by mistake can still be replayed with a seek.
    this.topic = new gcp.pubsub.Topic(
      `${name}-topic`,
      { project: args.project, name: args.topicName, labels, messageRetentionDuration: retention },
      { parent: this },
    );
    this.subscription = new gcp.pubsub.Subscription(
      `${name}-retention`,
      {
        project: args.project,
        name: args.subscriptionName,
        topic: this.topic.id,
        labels,
        messageRetentionDuration: retention,
        expirationPolicy: { ttl: "" },
        ackDeadlineSeconds: 60,
      },
      { parent: this },
    );
    for (const publisher of args.publishers) {
      new gcp.pubsub.TopicIAMMember(
        `${name}-publisher-${publisher.key}`,
        { project: args.project, topic: this.topic.name, role: "roles/pubsub.publisher", member: publisher.member },
        { parent: this },
      );
    }

    this.registerOutputs({ topic: this.topic.id, subscription: this.subscription.id });
  }
}
