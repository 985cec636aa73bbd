import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { EventType } from "../contract/events";
import { connectorTriggerFilter, triggerFilter } from "./event-filter";
import type { Grantee } from "./identity";
import { LabelArgs, resourceLabels } from "./labels";
import { versionedSubscriptionName } from "./naming";
import { SubscriptionHandover } from "./subscription-handover";

export interface EventBusTrigger {
  readonly name: string;
  readonly eventTypes: readonly EventType[];
  /** Properties the trigger's propertyChange types watch; [] = every property. */
  readonly propertyNames: readonly string[];
  /**
   * The stable part of the subscription's name (naming.ts `subscriptionKey`). The subscription is named after it plus
   * a hash of its filter and ordering, and redriven dead letters name it in `redriveSubscription`.
   */
  readonly subscriptionKey: pulumi.Input<string>;
}

export interface EventBusArgs extends LabelArgs {
  readonly project: pulumi.Input<string>;
  readonly topicName: pulumi.Input<string>;
  /** Who publishes events: the listener. */
  readonly publishers: readonly Grantee[];
  readonly triggers: readonly EventBusTrigger[];
  /** Full path `projects/P/topics/T` of the dead-letter topic (it may live in another project). */
  readonly deadLetterTopic: pulumi.Input<string>;
  /** 5..100 (Pub/Sub's bounds). */
  readonly maxDeliveryAttempts: number;
  readonly retry: { minimumBackoff: pulumi.Input<string>; maximumBackoff: pulumi.Input<string> };
  /** Pub/Sub ordering keys per HubSpot object: a new subscription name (and a handover) when changed. */
  readonly messageOrdering: boolean;
  /** The managed backend: the triggers' filters select the connector events marked for them (event-filter.ts). */
  readonly connectorEvents?: boolean;
  /** How long Pub/Sub waits for the dispatcher's answer, 10..600: longer than one integration execution. */
  readonly ackDeadlineSeconds: number;
  /** The Pub/Sub service agent member: subscriber on each subscription so it can forward to the dead letter. */
  readonly pubsubServiceAgent: pulumi.Input<string>;
}

/** Where the subscriptions push: known only once the dispatcher exists, so given to `addSubscriptions`. */
export interface EventBusPush {
  /** The dispatcher's `/pubsub/push`. */
  readonly pushEndpoint: pulumi.Input<string>;
  /** OIDC audience the dispatcher checks: its URL. */
  readonly pushAudience: pulumi.Input<string>;
  /** The push identity whose OIDC token Pub/Sub attaches. */
  readonly pushServiceAccountEmail: pulumi.Input<string>;
}

/** A trigger subscription's filter and name, as the subscription and the dispatcher's routes must both see them. */
export function triggerSubscription(
  trigger: Omit<EventBusTrigger, "subscriptionKey"> & { subscriptionKey: string },
  messageOrdering: boolean,
  connectorEvents = false,
): { name: string; filter: string } {
  const filter = connectorEvents
    ? connectorTriggerFilter(trigger.subscriptionKey)
    : triggerFilter({
        eventTypes: trigger.eventTypes,
        propertyNames: trigger.propertyNames,
        subscriptionName: trigger.subscriptionKey,
      });
  return { name: versionedSubscriptionName(trigger.subscriptionKey, { filter, messageOrdering }), filter };
}

/**
 * The events topic and one push subscription per trigger: filtered on `attributes.eventType`, pushed to the
 * dispatcher with the push identity's OIDC token, retried with backoff, dead-lettered after `maxDeliveryAttempts`.
 *
 * Built in two calls because the listener must wait for the topic while the subscriptions must wait for the
 * dispatcher: the constructor creates the topic and its publishers, `addSubscriptions` the subscriptions. Children
 * keep their URNs whichever call creates them (a URN is the parent's type chain plus the child's name).
 */
export class EventBus extends pulumi.ComponentResource {
  readonly topic: gcp.pubsub.Topic;
  /** Per trigger name; filled by `addSubscriptions`. */
  readonly subscriptions: Record<string, gcp.pubsub.Subscription> = {};
  /** Per trigger name; filled by `addSubscriptions`. */
  readonly handovers: Record<string, SubscriptionHandover> = {};
  /** Per trigger name: the subscription's short name, known before the subscription exists (the dispatcher needs it). */
  readonly subscriptionNames: Record<string, pulumi.Output<string>> = {};

  private readonly busName: string;
  private readonly args: EventBusArgs;
  private readonly labels: ReturnType<typeof resourceLabels>;

  constructor(name: string, args: EventBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:eventbus:EventBus", name, {}, opts);
    const attempts = args.maxDeliveryAttempts;
    if (!Number.isInteger(attempts) || attempts < 5 || attempts > 100) {
      throw new Error(`deadLetter.maxDeliveryAttempts ${attempts} must be a whole number from 5 to 100 (Pub/Sub)`);
    }
    if (!Number.isInteger(args.ackDeadlineSeconds) || args.ackDeadlineSeconds < 10 || args.ackDeadlineSeconds > 600) {
      throw new Error(`ackDeadlineSeconds ${args.ackDeadlineSeconds} must be a whole number from 10 to 600 (Pub/Sub)`);
    }
    this.busName = name;
    this.args = args;
    this.labels = resourceLabels(args, "events");

    this.topic = new gcp.pubsub.Topic(
      `${name}-topic`,
      { project: args.project, name: args.topicName, labels: this.labels },
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
      this.subscriptionNames[trigger.name] = pulumi
        .output(trigger.subscriptionKey)
        .apply(
          (subscriptionKey) =>
            triggerSubscription({ ...trigger, subscriptionKey }, args.messageOrdering, args.connectorEvents).name,
        );
    }
  }

  /** Creates the subscriptions, each with its handover; call once, after the dispatcher. */
  addSubscriptions(push: EventBusPush): void {
    if (Object.keys(this.subscriptions).length > 0) throw new Error("EventBus.addSubscriptions was already called");
    const { busName: name, args, labels } = this;
    for (const trigger of args.triggers) {
      const settings = pulumi
        .output(trigger.subscriptionKey)
        .apply((subscriptionKey) =>
          triggerSubscription({ ...trigger, subscriptionKey }, args.messageOrdering, args.connectorEvents),
        );
      const subscription = new gcp.pubsub.Subscription(
        `${name}-${trigger.name}`,
        {
          project: args.project,
          // Changes with the filter or ordering: Pulumi then creates the new subscription before deleting the old.
          name: settings.name,
          topic: this.topic.id,
          labels,
          filter: settings.filter,
          ackDeadlineSeconds: args.ackDeadlineSeconds,
          enableMessageOrdering: args.messageOrdering,
          // A quiet trigger (no event for 31 days) must not lose its subscription to Pub/Sub's default expiry.
          expirationPolicy: { ttl: "" },
          pushConfig: {
            pushEndpoint: push.pushEndpoint,
            oidcToken: { serviceAccountEmail: push.pushServiceAccountEmail, audience: push.pushAudience },
          },
          retryPolicy: { minimumBackoff: args.retry.minimumBackoff, maximumBackoff: args.retry.maximumBackoff },
          deadLetterPolicy: { deadLetterTopic: args.deadLetterTopic, maxDeliveryAttempts: args.maxDeliveryAttempts },
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
      // Updated after the new subscription exists and before Pulumi deletes the replaced one: moves the backlog.
      this.handovers[trigger.name] = new SubscriptionHandover(
        `${name}-${trigger.name}-handover`,
        {
          subscription: subscription.id,
          legacySubscription: pulumi.interpolate`projects/${subscription.project}/subscriptions/${trigger.subscriptionKey}`,
        },
        { parent: this, dependsOn: [subscription] },
      );
      this.subscriptions[trigger.name] = subscription;
    }

    this.registerOutputs({
      topic: this.topic.id,
      subscriptions: Object.fromEntries(Object.entries(this.subscriptions).map(([k, s]) => [k, s.id])),
    });
  }
}
