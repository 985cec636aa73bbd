import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Grantee } from "./identity";
import { LabelArgs, resourceLabels } from "./labels";

export interface DeadLetterQueueArgs extends LabelArgs {
  /**
   * Project of the topic the component creates and of the retention subscription (seed: "ID du projet de lettres
   * mortes"). With `existingTopic`, the project of the retention subscription only.
   */
  readonly project: pulumi.Input<string>;
  /** Name of the topic the component creates; unused with `existingTopic`. */
  readonly topicName: pulumi.Input<string>;
  /**
   * An existing topic, `projects/P/topics/T`: not a resource of the stack (never created, changed or deleted); the
   * component only binds the publishers on it and attaches its retention subscription.
   */
  readonly existingTopic?: pulumi.Input<string>;
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

/** The project of a topic path `projects/P/topics/T`. */
export function topicProject(path: string): string {
  const match = /^projects\/([^/]+)\/topics\/[^/]+$/.exec(path);
  if (!match) throw new Error(`deadLetter.existingTopic ${JSON.stringify(path)} is not projects/PROJECT/topics/TOPIC`);
  return match[1];
}

/**
 * The dead-letter topic and a retention subscription that nobody consumes, so every event that could not be
 * delivered stays readable for `retentionDays` (the subscription never expires, unlike Pub/Sub's 31-day default).
 *
 * With an existing topic the subscription is still ours: Pub/Sub keeps a message only for the subscriptions that
 * exist when it is published, and the owner's subscriptions may expire, retain less or be drained by another
 * consumer, so without one of the stack's own a dead letter could be lost before anyone reads it (and the redrive
 * tool reads this one).
 */
export class DeadLetterQueue extends pulumi.ComponentResource {
  /** The created topic; undefined for an existing one. */
  readonly topic?: gcp.pubsub.Topic;
  /** Full path `projects/P/topics/T`, created or existing. */
  readonly topicId: pulumi.Output<string>;
  readonly subscription: gcp.pubsub.Subscription;

  constructor(name: string, args: DeadLetterQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:deadletter:DeadLetterQueue", name, {}, opts);
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 7 || args.retentionDays > 31) {
      throw new Error(`deadLetter.retentionDays ${args.retentionDays} must be a whole number of days from 7 to 31`);
    }
    const labels = resourceLabels(args, "dead-letter");
    const retention = days(args.retentionDays);

    let topicProjectId: pulumi.Input<string>;
    if (args.existingTopic !== undefined) {
      this.topicId = pulumi.output(args.existingTopic);
      topicProjectId = this.topicId.apply(topicProject);
    } else {
      // Topic retention too: a dead letter acked by mistake can still be replayed with a seek.
      this.topic = new gcp.pubsub.Topic(
        `${name}-topic`,
        { project: args.project, name: args.topicName, labels, messageRetentionDuration: retention },
        { parent: this },
      );
      this.topicId = this.topic.id;
      topicProjectId = args.project;
    }
    this.subscription = new gcp.pubsub.Subscription(
      `${name}-retention`,
      {
        project: args.project,
        name: args.subscriptionName,
        topic: this.topicId,
        labels,
        messageRetentionDuration: retention,
        expirationPolicy: { ttl: "" },
        ackDeadlineSeconds: 60,
      },
      { parent: this },
    );
    // On an existing topic these are bindings added to its policy, removed again when the stack is destroyed.
    for (const publisher of args.publishers) {
      new gcp.pubsub.TopicIAMMember(
        `${name}-publisher-${publisher.key}`,
        {
          project: topicProjectId,
          topic: this.topic?.name ?? this.topicId,
          role: "roles/pubsub.publisher",
          member: publisher.member,
        },
        { parent: this },
      );
    }

    this.registerOutputs({ topic: this.topicId, subscription: this.subscription.id });
  }
}
