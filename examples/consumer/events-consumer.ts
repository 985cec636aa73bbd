import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { eventTypeFilter } from "../../components/event-filter";
import { PUSH_PATH } from "../../components/hubspot-trigger";

export interface EventsConsumerArgs {
  /** The consumer's own project: its subscription, account and service live here. */
  project: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Full path `projects/P/topics/T` of the trigger stack's events topic (its `eventsTopic` output). */
  eventsTopic: pulumi.Input<string>;
  /** Only these event types (a subscription filter); every event when absent. */
  eventTypes?: string[];
  /** Container image of the consumer service; without it, a pull subscription the consumer's account may read. */
  image?: pulumi.Input<string>;
  labels?: Record<string, string>;
}

/**
 * A second team's subscription to the HubSpot events, with least privilege: either a Cloud Run service that Pub/Sub
 * pushes to (invocable only by a dedicated push account) or a pull subscription readable only by the consumer's
 * account. No role is granted on the trigger stack's topic or project: creating a subscription needs
 * `pubsub.topics.attachSubscription` on the topic for whoever runs `pulumi up`, nothing for the runtime.
 */
export class EventsConsumer extends pulumi.ComponentResource {
  readonly subscription: gcp.pubsub.Subscription;
  /** The account the consumer runs as (the service's, or the one to use for pulling). */
  readonly account: gcp.serviceaccount.Account;
  readonly service?: gcp.cloudrunv2.Service;

  constructor(name: string, args: EventsConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger-consumer:index:EventsConsumer", name, {}, opts);
    if (!/^[a-z][a-z0-9-]{3,20}[a-z0-9]$/.test(name)) {
      throw new Error(
        `consumer name "${name}" must be 5-22 characters of [a-z0-9-], start with a letter and end with a letter or ` +
          "digit: it prefixes service account ids (30 characters at most)",
      );
    }
    const child = { parent: this };
    const labels = { ...args.labels, app: "hubspot-trigger-consumer" };
    const filter = args.eventTypes && args.eventTypes.length > 0 ? eventTypeFilter(args.eventTypes) : undefined;

    this.account = new gcp.serviceaccount.Account(
      `${name}-runtime`,
      { project: args.project, accountId: `${name}-runtime`, displayName: `${name}: HubSpot events consumer` },
      child,
    );

    if (args.image === undefined) {
      this.subscription = new gcp.pubsub.Subscription(
        `${name}-subscription`,
        { project: args.project, topic: args.eventsTopic, filter, labels, expirationPolicy: { ttl: "" } },
        child,
      );
      new gcp.pubsub.SubscriptionIAMMember(
        `${name}-subscriber`,
        {
          project: args.project,
          subscription: this.subscription.name,
          role: "roles/pubsub.subscriber",
          member: this.account.member,
        },
        child,
      );
    } else {
      this.service = new gcp.cloudrunv2.Service(
        `${name}-service`,
        {
          project: args.project,
          location: args.region,
          ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
          deletionProtection: false,
          labels,
          template: { serviceAccount: this.account.email, containers: [{ image: args.image }] },
        },
        child,
      );
      const pusher = new gcp.serviceaccount.Account(
        `${name}-push`,
        { project: args.project, accountId: `${name}-push`, displayName: `${name}: Pub/Sub push identity` },
        child,
      );
      new gcp.cloudrunv2.ServiceIamMember(
        `${name}-push-invoker`,
        {
          project: args.project,
          location: args.region,
          name: this.service.name,
          role: "roles/run.invoker",
          member: pusher.member,
        },
        child,
      );
      const projectInfo = gcp.organizations.getProjectOutput({ projectId: args.project }, child);
      new gcp.serviceaccount.IAMMember(
        `${name}-push-token-creator`,
        {
          serviceAccountId: pusher.name,
          role: "roles/iam.serviceAccountTokenCreator",
          member: pulumi.interpolate`serviceAccount:service-${projectInfo.number}@gcp-sa-pubsub.iam.gserviceaccount.com`,
        },
        child,
      );
      this.subscription = new gcp.pubsub.Subscription(
        `${name}-subscription`,
        {
          project: args.project,
          topic: args.eventsTopic,
          filter,
          labels,
          expirationPolicy: { ttl: "" },
          pushConfig: {
            pushEndpoint: pulumi.interpolate`${this.service.uri}${PUSH_PATH}`,
            oidcToken: { serviceAccountEmail: pusher.email, audience: this.service.uri },
          },
          retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" },
        },
        child,
      );
    }

    this.registerOutputs({
      subscription: this.subscription.id,
      account: this.account.email,
      serviceUrl: this.service?.uri,
    });
  }
}
