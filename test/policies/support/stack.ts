/**
 * A compliant HubSpot trigger stack as the components are meant to plan it (prod, one trigger, PSC on, registration
 * mode `api`), as plain inputs keyed by role, so each spec breaks exactly one thing.
 */
import { computedOutputs } from "../../../scripts/lib/offline-plan/mocks";
import type { PlannedResource } from "../../../policies/offline";
import { PROJECT, planned } from "./harness";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

export interface ResourceInputs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const REGION = "europe-west1";
export const PUBSUB_AGENT = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";
export const DEAD_LETTER_PATH = `projects/${PROJECT}/topics/hubspot-prod-dead-letter`;

const member = (id: string) => `serviceAccount:${id}@${PROJECT}.iam.gserviceaccount.com`;
export const MEMBERS = {
  listener: member("hubspot-prod-listener"),
  trigger: member("hubspot-prod-trigger"),
  push: member("hubspot-prod-push"),
};

const labels = (component: string) => ({ app: "hubspot-trigger", env: "prod", team: "crm", component });
const SECRET_WIRE = { [specialSigKey]: specialSecretSig };
export const wireSecret = (value: string) => ({ ...SECRET_WIRE, value });

export const LISTENER_URL = String(
  computedOutputs(
    "gcp:cloudrunv2/service:Service",
    "listener",
    { name: "hubspot-prod-listener", location: REGION },
    PROJECT,
  ).uri,
);
export const WEBHOOK_URL = `${LISTENER_URL}/webhooks/hubspot`;

export const DISPATCHER_TRIGGERS = [
  {
    name: "deal-sync",
    subscription: "hubspot-prod-trigger-deal-sync",
    eventTypes: ["deal.creation", "deal.propertyChange"],
    integration: "crm-sync",
    triggerId: "api_trigger/crm-sync",
  },
];

function account(role: string): ResourceInputs {
  return {
    type: "gcp:serviceaccount/account:Account",
    name: `${role}-sa`,
    inputs: {
      accountId: `hubspot-prod-${role}`,
      project: PROJECT,
      description: `hubspot-trigger:${role}`,
      displayName: `HubSpot ${role}`,
    },
  };
}

function service(
  component: "listener" | "dispatcher",
  envs: Record<string, unknown>[],
  extra: { ingress?: string; deletionProtection?: boolean; invokerIamDisabled?: boolean },
) {
  return {
    type: "gcp:cloudrunv2/service:Service",
    name: component,
    inputs: {
      ...extra,
      name: `hubspot-prod-${component}`,
      location: REGION,
      project: PROJECT,
      labels: labels(component),
      template: {
        serviceAccount: `hubspot-prod-${component === "listener" ? "listener" : "trigger"}@${PROJECT}.iam.gserviceaccount.com`,
        scaling: { minInstanceCount: 2, maxInstanceCount: 50 },
        containers: [{ image: "europe-docker.pkg.dev/acme/hubspot/listener:1.0.0", envs }],
      },
    },
  };
}

export function stackInputs() {
  return {
    listenerAccount: account("listener"),
    triggerAccount: account("trigger"),
    pushAccount: account("push"),
    invoker: {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "trigger-invoker",
      inputs: { project: PROJECT, role: "roles/integrations.integrationInvoker", member: MEMBERS.trigger },
    },
    admin: {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "connectors-admin-0",
      inputs: { project: PROJECT, role: "roles/connectors.admin", member: "group:platform@example.com" },
    },
    tokenCreator: {
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      name: "push-token-creator",
      inputs: {
        serviceAccountId: `projects/${PROJECT}/serviceAccounts/hubspot-prod-push@${PROJECT}.iam.gserviceaccount.com`,
        role: "roles/iam.serviceAccountTokenCreator",
        member: PUBSUB_AGENT,
      },
    },
    clientSecret: {
      type: "gcp:secretmanager/secret:Secret",
      name: "client-secret",
      inputs: {
        secretId: "hubspot-prod-client-secret",
        project: PROJECT,
        labels: labels("secrets"),
        replication: { auto: {} },
      },
    },
    clientSecretVersion: {
      type: "gcp:secretmanager/secretVersion:SecretVersion",
      name: "client-secret-v",
      inputs: {
        secret: "projects/123456789012/secrets/hubspot-prod-client-secret",
        secretData: wireSecret("0c7d1b5e-hubspot-client-secret"),
      },
    },
    secretAccessor: {
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name: "client-secret-listener",
      inputs: {
        secretId: "projects/123456789012/secrets/hubspot-prod-client-secret",
        role: "roles/secretmanager.secretAccessor",
        member: MEMBERS.listener,
      },
    },
    eventsTopic: {
      type: "gcp:pubsub/topic:Topic",
      name: "events",
      inputs: { name: "hubspot-prod-events", project: PROJECT, labels: labels("events") },
    },
    deadLetterTopic: {
      type: "gcp:pubsub/topic:Topic",
      name: "dead-letter",
      inputs: { name: "hubspot-prod-dead-letter", project: PROJECT, labels: labels("dead-letter") },
    },
    eventsPublisher: {
      type: "gcp:pubsub/topicIAMMember:TopicIAMMember",
      name: "events-listener",
      inputs: {
        topic: `projects/${PROJECT}/topics/hubspot-prod-events`,
        role: "roles/pubsub.publisher",
        member: MEMBERS.listener,
      },
    },
    deadLetterAgentPublisher: {
      type: "gcp:pubsub/topicIAMMember:TopicIAMMember",
      name: "dead-letter-agent",
      inputs: { topic: DEAD_LETTER_PATH, role: "roles/pubsub.publisher", member: PUBSUB_AGENT },
    },
    triggerSubscription: {
      type: "gcp:pubsub/subscription:Subscription",
      name: "trigger-deal-sync",
      inputs: {
        name: "hubspot-prod-trigger-deal-sync",
        project: PROJECT,
        topic: `projects/${PROJECT}/topics/hubspot-prod-events`,
        labels: labels("events"),
        filter: 'attributes.eventType = "deal.creation" OR attributes.eventType = "deal.propertyChange"',
        pushConfig: {
          pushEndpoint: `https://dispatcher.example/pubsub/push`,
          oidcToken: { serviceAccountEmail: `hubspot-prod-push@${PROJECT}.iam.gserviceaccount.com` },
        },
        deadLetterPolicy: { deadLetterTopic: DEAD_LETTER_PATH, maxDeliveryAttempts: 10 },
        retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" },
      },
    },
    triggerSubscriber: {
      type: "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
      name: "trigger-deal-sync-agent",
      inputs: { subscription: "hubspot-prod-trigger-deal-sync", role: "roles/pubsub.subscriber", member: PUBSUB_AGENT },
    },
    deadLetterSubscription: {
      type: "gcp:pubsub/subscription:Subscription",
      name: "dead-letter-retention",
      inputs: {
        name: "hubspot-prod-dead-letter-retention",
        project: PROJECT,
        topic: DEAD_LETTER_PATH,
        labels: labels("dead-letter"),
        messageRetentionDuration: "604800s",
        retainAckedMessages: true,
        expirationPolicy: { ttl: "" },
      },
    },
    listener: service(
      "listener",
      [
        { name: "ROLE", value: "listener" },
        { name: "PUBLIC_URL", value: WEBHOOK_URL },
        {
          name: "HUBSPOT_CLIENT_SECRET",
          valueSource: { secretKeyRef: { secret: "hubspot-prod-client-secret", version: "latest" } },
        },
      ],
      { ingress: "INGRESS_TRAFFIC_ALL", deletionProtection: true },
    ),
    listenerPublic: {
      type: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
      name: "listener-public",
      inputs: { name: "hubspot-prod-listener", location: REGION, role: "roles/run.invoker", member: "allUsers" },
    },
    dispatcher: service(
      "dispatcher",
      [
        { name: "ROLE", value: "dispatcher" },
        { name: "DISPATCHER_TRIGGERS", value: JSON.stringify(DISPATCHER_TRIGGERS) },
      ],
      { ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", deletionProtection: true },
    ),
    dispatcherInvoker: {
      type: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
      name: "dispatcher-push",
      inputs: { name: "hubspot-prod-dispatcher", location: REGION, role: "roles/run.invoker", member: MEMBERS.push },
    },
    attachment: {
      type: "gcp:compute/serviceAttachment:ServiceAttachment",
      name: "psc-attachment",
      inputs: {
        name: "hubspot-prod-psc",
        region: REGION,
        connectionPreference: "ACCEPT_MANUAL",
        consumerAcceptLists: [{ projectIdOrNum: "acme-integrations", connectionLimit: 10 }],
        enableProxyProtocol: false,
        natSubnets: ["psc-nat"],
        targetService: "forwarding-rule",
      },
    },
    forwardingRule: {
      type: "gcp:compute/forwardingRule:ForwardingRule",
      name: "psc-forwarding-rule",
      inputs: {
        name: "hubspot-prod-psc-fr",
        region: REGION,
        labels: labels("psc"),
        loadBalancingScheme: "INTERNAL_MANAGED",
      },
    },
    webhookSettings: {
      type: "pulumi-nodejs:dynamic/hubspot:WebhookSettings",
      name: "webhook-settings",
      inputs: { appId: "1234567", targetUrl: WEBHOOK_URL, maxConcurrentRequests: 10 },
    },
    dealCreation: {
      type: "pulumi-nodejs:dynamic/hubspot:WebhookSubscription",
      name: "sub-deal-creation",
      inputs: { appId: "1234567", eventType: "deal.creation", active: true },
    },
    dealStage: {
      type: "pulumi-nodejs:dynamic/hubspot:WebhookSubscription",
      name: "sub-deal-dealstage",
      inputs: { appId: "1234567", eventType: "deal.propertyChange", propertyName: "dealstage", active: true },
    },
    ageAlert: alertPolicy(
      "monitoring-age-deal-sync",
      "hubspot/prod: trigger deal-sync falling behind",
      'metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="hubspot-prod-trigger-deal-sync"',
    ),
    deadLetterAlert: alertPolicy(
      "monitoring-dead-letter",
      "hubspot/prod: dead-letter backlog",
      'metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.type="pubsub_subscription" AND resource.label.subscription_id="hubspot-prod-dead-letter-retention"',
    ),
  } satisfies Record<string, ResourceInputs>;
}

export const NOTIFICATION_CHANNEL = `projects/${PROJECT}/notificationChannels/4807265123904519817`;

function alertPolicy(name: string, displayName: string, filter: string) {
  return {
    type: "gcp:monitoring/alertPolicy:AlertPolicy",
    name,
    inputs: {
      project: PROJECT,
      displayName,
      combiner: "OR",
      enabled: true,
      notificationChannels: [NOTIFICATION_CHANNEL],
      userLabels: labels("monitoring"),
      conditions: [
        {
          displayName,
          conditionThreshold: { filter, comparison: "COMPARISON_GT", thresholdValue: 0, duration: "0s" },
        },
      ],
    },
  };
}

export type StackInputs = ReturnType<typeof stackInputs>;

/** The compliant stack, after `edit` changed some inputs, as planned resources. */
export function buildStack(edit: (stack: StackInputs) => void = () => undefined): PlannedResource[] {
  const stack = stackInputs();
  edit(stack);
  return Object.values(stack).map((r: ResourceInputs) => planned(r.type, r.name, r.inputs));
}

/** One resource of the compliant stack, after `edit`, as a planned resource. */
export function one<K extends keyof StackInputs>(
  key: K,
  edit: (inputs: StackInputs[K]["inputs"]) => void = () => undefined,
): PlannedResource {
  const resource: ResourceInputs = stackInputs()[key];
  edit(resource.inputs as StackInputs[K]["inputs"]);
  return planned(resource.type, resource.name, resource.inputs);
}

/** Existing accounts (`hubspot-trigger:serviceAccounts`) in a shared project: not resources of the stack. */
export const EXISTING_ACCOUNTS = {
  listener: "crm-listener@acme-identities.iam.gserviceaccount.com",
  trigger: "crm-integrations@acme-identities.iam.gserviceaccount.com",
  push: "crm-push@acme-identities.iam.gserviceaccount.com",
};
/** An existing dead-letter topic (`hubspot-trigger:deadLetter.existingTopic`): not a resource of the stack. */
export const EXISTING_DEAD_LETTER = "projects/acme-ops/topics/crm-dead-letters";

/**
 * The compliant stack as it plans with existing accounts and dead-letter topic: no Account and no dead-letter Topic
 * resource, every binding and use naming the existing ones, the retention subscription the stack's own.
 */
export function buildExistingStack(edit: (stack: StackInputs) => void = () => undefined): PlannedResource[] {
  const members = {
    listener: `serviceAccount:${EXISTING_ACCOUNTS.listener}`,
    trigger: `serviceAccount:${EXISTING_ACCOUNTS.trigger}`,
    push: `serviceAccount:${EXISTING_ACCOUNTS.push}`,
  };
  return buildStack((s) => {
    s.invoker.inputs.member = members.trigger;
    s.tokenCreator.inputs.serviceAccountId = `projects/acme-identities/serviceAccounts/${EXISTING_ACCOUNTS.push}`;
    s.secretAccessor.inputs.member = members.listener;
    s.eventsPublisher.inputs.member = members.listener;
    s.dispatcherInvoker.inputs.member = members.push;
    s.listener.inputs.template.serviceAccount = EXISTING_ACCOUNTS.listener;
    s.dispatcher.inputs.template.serviceAccount = EXISTING_ACCOUNTS.trigger;
    s.triggerSubscription.inputs.pushConfig.oidcToken.serviceAccountEmail = EXISTING_ACCOUNTS.push;
    s.triggerSubscription.inputs.deadLetterPolicy.deadLetterTopic = EXISTING_DEAD_LETTER;
    s.deadLetterAgentPublisher.inputs.topic = EXISTING_DEAD_LETTER;
    s.deadLetterSubscription.inputs.topic = EXISTING_DEAD_LETTER;
    edit(s);
  }).filter(
    (r) =>
      r.type !== "gcp:serviceaccount/account:Account" &&
      !(r.type === "gcp:pubsub/topic:Topic" && r.name === "dead-letter"),
  );
}

/** The managed listener's webhook URL: ConnectionEventing's `eventsListenerEndpoint` output once Google provisioned it. */
export const MANAGED_WEBHOOK_URL = "https://hubspot-prod-connection-listener.integrationconnectors.example/webhook";
const CONNECTION_NAME = `projects/${PROJECT}/locations/${REGION}/connections/hubspot-prod`;

/** What backend `managed` adds: Google's HubSpot connector, its eventing settings, subscriptions and IAM. */
export function managedInputs() {
  const listenerEmail = `hubspot-prod-listener@${PROJECT}.iam.gserviceaccount.com`;
  const clientSecret = "projects/123456789012/secrets/hubspot-prod-client-secret";
  return {
    connection: {
      type: "gcp:integrationconnectors/connection:Connection",
      name: "connection",
      inputs: {
        project: PROJECT,
        location: REGION,
        name: "hubspot-prod",
        connectorVersion: `projects/${PROJECT}/locations/global/providers/gcp/connectors/hubspot/versions/1`,
        serviceAccount: listenerEmail as string | undefined,
        eventingEnablementType: "ONLY_EVENTING" as string | undefined,
        // hubspot-trigger:deletionProtection: true (prod); the provider's default is "DELETE".
        deletionPolicy: "PREVENT" as string | undefined,
        nodeConfig: { minNodeCount: 2, maxNodeCount: 50 },
        labels: labels("listener"),
        authConfig: {
          authType: "AUTH_TYPE_UNSPECIFIED",
          authKey: "private-app-access-token",
          additionalVariables: [
            {
              key: "access_token",
              secretValue: { secretVersion: "projects/123456789012/secrets/hubspot-prod-access-token/versions/latest" },
            },
          ],
        },
        eventingConfig: {
          registrationDestinationConfig: { key: "hubspot", destinations: [{ host: "https://api.hubapi.com" }] },
          authConfig: {
            authType: "USER_PASSWORD",
            userPassword: { username: "hubspot", password: { secretVersion: `${clientSecret}/versions/latest` } },
          },
          enrichmentEnabled: false,
        },
        configVariables: [{ key: "proxy_enabled", booleanValue: false }],
      },
    },
    connectionEventing: {
      type: "pulumi-nodejs:dynamic/connectors:ConnectionEventing",
      name: "connection-eventing",
      inputs: {
        connectionName: CONNECTION_NAME,
        deadLetter: { projectId: PROJECT, topic: "hubspot-prod-dead-letter" } as
          { projectId?: string; topic?: string } | undefined,
        privateConnectivityEnabled: true as boolean | undefined,
        privateConnectivityAllowlistedProjects: ["acme-integrations"],
      },
    },
    dealCreationEvents: {
      type: "pulumi-nodejs:dynamic/connectors:EventSubscription",
      name: "event-subscription-deal-creation",
      inputs: {
        connectionName: CONNECTION_NAME,
        eventSubscriptionId: "deal-sync-deal-creation",
        eventTypeId: "deal.creation",
        pubsub: { projectId: PROJECT, topicId: "hubspot-prod-events", attributes: { trigger: "deal-sync" } },
        serviceAccount: listenerEmail,
      },
    },
    clientSecretViewer: {
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name: "client-secret-connection-viewer",
      inputs: { secretId: clientSecret, role: "roles/secretmanager.viewer", member: MEMBERS.listener },
    },
    deadLetterConnectionPublisher: {
      type: "gcp:pubsub/topicIAMMember:TopicIAMMember",
      name: "dead-letter-connection",
      inputs: { topic: DEAD_LETTER_PATH, role: "roles/pubsub.publisher", member: MEMBERS.listener },
    },
  } satisfies Record<string, ResourceInputs>;
}

export type ManagedInputs = ReturnType<typeof managedInputs>;

/** Resources backend `managed` does not create: the Cloud Run listener, its public invoker and its PSC. */
const SELF_HOSTED_ONLY = ["listener", "listenerPublic", "attachment", "forwardingRule"] as const;

/**
 * The compliant stack with backend `managed`: no listener Cloud Run service and no PSC of it; a connection running as
 * the listener account (which keeps its secret and topic bindings), its eventing with private connectivity and the
 * dead-letter topic, an event subscription, and HubSpot's target URL set to the connection's listener endpoint.
 */
export function buildManagedStack(
  edit: (stack: StackInputs & ManagedInputs) => void = () => undefined,
): PlannedResource[] {
  const stack = { ...stackInputs(), ...managedInputs() };
  stack.webhookSettings.inputs.targetUrl = MANAGED_WEBHOOK_URL;
  edit(stack);
  const kept = Object.entries(stack).filter(([key]) => !(SELF_HOSTED_ONLY as readonly string[]).includes(key));
  return kept.map(([key, r]: [string, ResourceInputs]) => {
    const resource = planned(r.type, r.name, r.inputs);
    if (key === "connectionEventing")
      resource.outputs = { ...resource.outputs, eventsListenerEndpoint: MANAGED_WEBHOOK_URL };
    return resource;
  });
}
