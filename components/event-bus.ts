import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { EventType } from "../infra/config-types";
import { triggerFilter } from "./event-filter";
import type { Grantee } from "./identity";
import { LabelArgs, resourceLabels } from "./labels";

export interface EventBusTrigger {
  name: string;
  eventTypes: EventType[];
  /** Properties the trigger's propertyChange types watch; [] = every property. */
  propertyNames: string[];
  subscriptionName: pulumi.Input<string>;
}

export interface EventBusArgs extends LabelArgs {
  project: pulumi.Input<string>;
  topicName: pulumi.Input<string>;
  triggers: EventBusTrigger[];
  /** Where Pub/Sub pushes: the dispatcher's `/pubsub/push`. */
  pushEndpoint: pulumi.Input<string>;
  /** OIDC audience the dispatcher checks: its URL. */
  pushAudience: pulumi.Input<string>;
  /** The push identity whose OIDC token Pub/Sub attaches. */
  pushServiceAccountEmail: pulumi.Input<string>;
  /** Full path `projects/P/topics/T` of the dead-letter topic (it may live in another project). */
  deadLetterTopic: pulumi.Input<string>;
  /** 5..100 (Pub/Sub's bounds). */
  maxDeliveryAttempts: number;
  retry: { minimumBackoff: pulumi.Input<string>; maximumBackoff: pulumi.Input<string> };
  /** Pub/Sub ordering keys per HubSpot object: replaces the subscriptions when changed. */
  messageOrdering: boolean;
  /** How long Pub/Sub waits for the dispatcher's answer, 10..600: longer than one integration execution. */
  ackDeadlineSeconds: number;
  /** Who publishes events: the listener. */
  publishers: Grantee[];
  /** The Pub/Sub service agent member: subscriber on each subscription so it can forward to the dead letter. */
  pubsubServiceAgent: pulumi.Input<string>;
}

/**
 * The events topic and one push subscription per trigger: filtered on `attributes.eventType`, pushed to the
 * dispatcher with the push identity's OIDC token, retried with backoff, dead-lettered after `maxDeliveryAttempts`.
 */
export class EventBus extends pulumi.ComponentResource {
  readonly topic: gcp.pubsub.Topic;
  /** Per trigger name. */
  readonly subscriptions: Record<string, gcp.pubsub.Subscription> = {};

  constructor(name: string, args: EventBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:eventbus:EventBus", name, {}, opts);
    const attempts = args.maxDeliveryAttempts;
    if (!Number.isInteger(attempts) || attempts < 5 || attempts > 100) {
      throw new Error(`deadLetter.maxDeliveryAttempts ${attempts} must be a whole number from 5 to 100 (Pub/Sub)`);
    }
    if (!Number.isInteger(args.ackDeadlineSeconds) || args.ackDeadlineSeconds < 10 || args.ackDeadlineSeconds > 600) {
      throw new Error(`ackDeadlineSeconds ${args.ackDeadlineSeconds} must be a whole number from 10 to 600 (Pub/Sub)`);
    }
    const labels = resourceLabels(args, "events");

    this.topic = new gcp.pubsub.Topic(
      `${name}-topic`,
      { project: args.project, name: args.topicName, labels },
      { parent: this },
    );
    for (const publisher of args.publishers) {
      new gcp.pubsub.TopicIAMMember(
        `${name}-publisher-${publisher.key}`,
        { project: args.project, topic: this.topic.name, role: "roles/pubsub.publisher", member: publisher.member },
        { parent: this },
      );
    }

    for (const trigger of args.triggers) {
      const subscription = new gcp.pubsub.Subscription(
        `${name}-${trigger.name}`,
        {
          project: args.project,
          name: trigger.subscriptionName,
          topic: this.topic.id,
          labels,
          filter: pulumi
            .output(trigger.subscriptionName)
            .apply((subscriptionName) =>
              triggerFilter({ eventTypes: trigger.eventTypes, propertyNames: trigger.propertyNames, subscriptionName }),
            ),
          ackDeadlineSeconds: args.ackDeadlineSeconds,
          enableMessageOrdering: args.messageOrdering,
          // A quiet trigger (no event for 31 days) must not lose its subscription to Pub/Sub's default expiry.
          expirationPolicy: { ttl: "" },
          pushConfig: {
            pushEndpoint: args.pushEndpoint,
            oidcToken: { serviceAccountEmail: args.pushServiceAccountEmail, audience: args.pushAudience },
          },
          retryPolicy: { minimumBackoff: args.retry.minimumBackoff, maximumBackoff: args.retry.maximumBackoff },
          deadLetterPolicy: { deadLetterTopic: args.deadLetterTopic, maxDeliveryAttempts: attempts },
        },
        { parent: this },
      );
      new gcp.pubsub.SubscriptionIAMMember(
        `${name}-${trigger.name}-agent-subscriber`,
        {
          project: args.project,
          subscription: subscription.name,
          role: "roles/pubsub.subscriber",
          member: args.pubsubServiceAgent,
        },
        { parent: this },
      );
      this.subscriptions[trigger.name] = subscription;
    }

    this.registerOutputs({
      topic: this.topic.id,
      subscriptions: Object.fromEntries(Object.entries(this.subscriptions).map(([k, s]) => [k, s.id])),
    });
  }
}
