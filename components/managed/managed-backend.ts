import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { connectorEventAttributes } from "../../contract/connector-events";
import { parseTopicPath } from "../../contract/runtime-env-values";
import { STATE_RANK } from "../../contract/status-evaluation";
import type { EventType } from "../../contract/events";
import type { ResolvedProxy } from "../defaults";
import { type LabelArgs, resourceLabels } from "../labels";
import { eventSubscriptionId } from "../naming";
import type { SecretReference } from "../secrets";
import { ConnectionEventing } from "./connection-eventing";
import { EventSubscription } from "./event-subscription";
import type { ResolvedManaged } from "./resolve";

/**
 * The managed backend (`backend: managed`): Google's HubSpot connector receives the webhooks. An Integration
 * Connectors connection, eventing only, declared field for field as the seed's console form has them, with what
 * `@pulumi/gcp` 9.37 cannot set (dead letter, private connectivity, the listener's authentication) written by
 * `ConnectionEventing`, and one `EventSubscription` per trigger and event type delivering to the stack's events topic,
 * so the dispatcher, push subscriptions and dead letter behind it are those of the self-hosted backend.
 */

export interface ManagedTrigger {
  readonly name: string;
  readonly eventTypes: readonly EventType[];
  /** The trigger's subscription key: the mark its event subscriptions put on their messages (event-filter.ts). */
  readonly subscriptionKey: pulumi.Input<string>;
}

export interface ManagedBackendArgs extends LabelArgs {
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** The connection's id (seed "Nom de connexion" rule). */
  readonly connectionId: pulumi.Input<string>;
  readonly settings: ResolvedManaged;
  /** The account the connection runs as and its event subscriptions publish as. */
  readonly account: { readonly email: pulumi.Input<string>; readonly member: pulumi.Input<string> };
  /** HubSpot's API (seed "Destinations"): `host` is the https base URL. */
  readonly destination: { readonly host: string; readonly serviceAttachment?: pulumi.Input<string> };
  readonly proxy: ResolvedProxy;
  readonly proxyPassword?: SecretReference;
  /** Seed "Jeton d'accès à l'application privée": the connection's authentication. */
  readonly accessToken: SecretReference;
  /** Seed "Code secret du client": the event listener's authentication. */
  readonly clientSecret: SecretReference;
  /** The events topic the event subscriptions deliver to. */
  /** The topic's project and name (its short name, as `gcp.pubsub.Topic.name`). */
  readonly eventsTopic: { readonly project: pulumi.Input<string>; readonly name: pulumi.Input<string> };
  /** `projects/P/topics/T`: where the connection writes events it could not deliver. */
  readonly deadLetterTopic: pulumi.Input<string>;
  readonly triggers: readonly ManagedTrigger[];
  /** `deletionProtection`: the provider refuses to delete the connection, whose endpoint HubSpot delivers to. */
  readonly deletionProtection: boolean;
}

/** A trigger's status from its event subscriptions: the worst state wins (ERROR/SUSPENDED > CREATING > ACTIVE). */
export interface ManagedTriggerStatus {
  readonly status: "Creating" | "Active" | "Error";
  readonly statusMessage: string;
}

const SEED_STATUS: Record<string, ManagedTriggerStatus["status"]> = {
  ACTIVE: "Active",
  CREATING: "Creating",
  UPDATING: "Creating",
  ERROR: "Error",
  SUSPENDED: "Error",
};

/** Internal. Exported for testing: one trigger's seed status from its subscriptions' states. */
export function triggerStatus(
  subscriptions: readonly { eventType: string; state: string; description: string }[],
): ManagedTriggerStatus {
  let worst: ManagedTriggerStatus = { status: "Active", statusMessage: "every event subscription is ACTIVE" };
  for (const { eventType, state, description } of subscriptions) {
    const status = SEED_STATUS[state] ?? "Creating";
    if (status === "Active" || STATE_RANK[status] <= STATE_RANK[worst.status]) continue;
    const why = description ? `: ${description}` : "";
    worst = { status, statusMessage: `event subscription ${eventType} is ${state || "not reported yet"}${why}` };
  }
  return worst;
}

function secretVersion(ref: SecretReference): pulumi.Output<string> {
  return pulumi.interpolate`${ref.path}/versions/${ref.version}`;
}

/**
 * The proxy fields of the seed (12-16) as the connector's config variables. Their keys are the ones Google documents
 * for its connectors' Terraform variables (e.g. https://cloud.google.com/integration-connectors/docs/connectors/bigquery/configure,
 * "Use terraform to create connections": proxy_enabled, proxy_auth_scheme, proxy_user, proxy_password, proxy_ssltype).
 */
export function proxyConfigVariables(
  proxy: ResolvedProxy,
  password?: pulumi.Input<string>,
): gcp.types.input.integrationconnectors.ConnectionConfigVariable[] {
  if (!proxy.enabled) return [{ key: "proxy_enabled", booleanValue: false }];
  return [
    { key: "proxy_enabled", booleanValue: true },
    { key: "proxy_auth_scheme", stringValue: proxy.authScheme },
    ...(proxy.username !== undefined ? [{ key: "proxy_user", stringValue: proxy.username }] : []),
    ...(password !== undefined ? [{ key: "proxy_password", secretValue: { secretVersion: password } }] : []),
    { key: "proxy_ssltype", stringValue: proxy.sslType },
  ];
}

export class ManagedBackend extends pulumi.ComponentResource {
  readonly connection: gcp.integrationconnectors.Connection;
  readonly eventing: ConnectionEventing;
  /** By trigger name, then event type. */
  readonly eventSubscriptions: Record<string, Record<string, EventSubscription>> = {};
  /** The managed webhook URL: the connection's event listener endpoint. */
  readonly webhookUrl: pulumi.Output<string>;
  /** Each trigger's seed status, from its event subscriptions' states. */
  readonly triggerStatuses: pulumi.Output<Record<string, ManagedTriggerStatus>>;

  constructor(name: string, args: ManagedBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:managed:ManagedBackend", name, {}, opts);
    const child = { parent: this };
    const settings = args.settings;
    const keys = settings.connectorKeys;
    const member = args.account.member;

    // Google's HubSpot connector page asks the connection's account for viewer and accessor on its secrets; both are
    // bound on each secret, never on the project.
    const secretGrants: pulumi.Resource[] = [];
    const secrets = [
      ["access-token", args.accessToken],
      ["client-secret", args.clientSecret],
      ...(args.proxyPassword ? [["proxy-password", args.proxyPassword] as const] : []),
    ] as const;
    for (const [key, ref] of secrets) {
      for (const [role, suffix] of [
        ["roles/secretmanager.secretAccessor", "accessor"],
        ["roles/secretmanager.viewer", "viewer"],
      ] as const) {
        // The client secret's accessor binding is the listener account's own (TriggerSecrets): not bound twice.
        if (key === "client-secret" && suffix === "accessor") continue;
        secretGrants.push(
          new gcp.secretmanager.SecretIamMember(
            `${name}-${key}-${suffix}`,
            { project: ref.project, secretId: ref.secretId, role, member },
            child,
          ),
        );
      }
    }
    // Publishing to the events and dead-letter topics is the listener account's grant (EventBus, DeadLetterQueue),
    // which this account is: the caller makes this component depend on them.
    const deadLetter = pulumi.output(args.deadLetterTopic).apply((path) => {
      const { project: projectId, topic } = parseTopicPath(path, undefined);
      return { projectId, topic };
    });

    const host = new URL(args.destination.host).hostname;
    const destination = args.destination.serviceAttachment
      ? { serviceAttachment: args.destination.serviceAttachment }
      : { host, port: 443 };
    this.connection = new gcp.integrationconnectors.Connection(
      `${name}-connection`,
      {
        project: args.project,
        location: args.region,
        name: args.connectionId,
        description: "HubSpot trigger (hubspot-trigger, backend managed)",
        connectorVersion: settings.connectorVersion,
        serviceAccount: args.account.email,
        // Seed "Activer uniquement l'abonnement aux événements": no entity or action operations.
        eventingEnablementType: "ONLY_EVENTING",
        deletionPolicy: args.deletionProtection ? "PREVENT" : "DELETE",
        nodeConfig: { minNodeCount: settings.minNodes, maxNodeCount: settings.maxNodes },
        labels: resourceLabels(args, "connection"),
        authConfig: {
          authType: keys.authType,
          authKey: keys.authKey,
          additionalVariables: [
            { key: keys.tokenVariable, secretValue: { secretVersion: secretVersion(args.accessToken) } },
          ],
        },
        configVariables: proxyConfigVariables(
          args.proxy,
          args.proxyPassword ? secretVersion(args.proxyPassword) : undefined,
        ),
        destinationConfigs: [{ key: keys.destination, destinations: [destination] }],
        eventingConfig: {
          registrationDestinationConfig: { key: keys.destination, destinations: [destination] },
          enrichmentEnabled: false,
        },
      },
      { parent: this, dependsOn: secretGrants },
    );

    const privateConnectivity = settings.privateConnectivity;
    this.eventing = new ConnectionEventing(
      `${name}-eventing`,
      {
        connectionName: this.connection.id,
        deadLetter,
        listenerAuth: {
          authType: keys.listenerAuthType,
          authKey: keys.listenerAuthKey,
          secretVariable: keys.clientSecretVariable,
          secretVersion: secretVersion(args.clientSecret),
        },
        privateConnectivityEnabled: privateConnectivity.enabled,
        privateConnectivityAllowlistedProjects: [...privateConnectivity.allowlistedProjects],
        reapplyWhen: this.connection.updateTime,
      },
      child,
    );
    this.webhookUrl = this.eventing.eventsListenerEndpoint;

    const states: pulumi.Output<{ trigger: string; eventType: string; state: string; description: string }>[] = [];
    for (const trigger of args.triggers) {
      const byType: Record<string, EventSubscription> = {};
      for (const eventType of trigger.eventTypes) {
        const id = eventSubscriptionId(trigger.name, eventType);
        const subscription = new EventSubscription(
          `${name}-${id}`,
          {
            connectionName: this.connection.id,
            eventSubscriptionId: id,
            eventTypeId: eventType,
            pubsub: {
              projectId: args.eventsTopic.project,
              topicId: args.eventsTopic.name,
              attributes: pulumi
                .output(trigger.subscriptionKey)
                .apply((key) => connectorEventAttributes(eventType, key)),
            },
            serviceAccount: args.account.email,
          },
          { parent: this, dependsOn: [this.eventing] },
        );
        byType[eventType] = subscription;
        states.push(
          pulumi
            .all([subscription.state, subscription.stateDescription])
            .apply(([state, description]) => ({ trigger: trigger.name, eventType, state, description })),
        );
      }
      this.eventSubscriptions[trigger.name] = byType;
    }
    this.triggerStatuses = pulumi
      .all(states)
      .apply((all) =>
        Object.fromEntries(
          args.triggers.map((trigger) => [
            trigger.name,
            triggerStatus(all.filter((entry) => entry.trigger === trigger.name)),
          ]),
        ),
      );

    this.registerOutputs({ webhookUrl: this.webhookUrl, triggerStatuses: this.triggerStatuses });
  }
}
