import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { EventType } from "../contract/events";
import { HTTP_PATHS } from "../contract/http";
import type { HubSpotTriggerArgs } from "./args";
import { API, ProjectApis, type ApiName } from "./apis";
import { capacityWarnings, dispatcherSizing } from "./capacity";
import { DeadLetterQueue } from "./dead-letter";
import { DEFAULTS, resolveArgs } from "./defaults";
import { proxySettings, registrationTransport } from "./hubspot-transport";
import { EventBus } from "./event-bus";
import { HubSpotEgress } from "./hubspot-egress";
import { TriggerMonitoring } from "./monitoring";
import { TriggerIdentity } from "./identity";
import { deterministicRunUrl, resourceNames, SUFFIX_BYTES } from "./naming";
import { PrivateServiceConnect } from "./private-service-connect";
import { RuntimeImage } from "./runtime-image";
import { RuntimeServices } from "./runtime-services";
import { HubSpotRegistration, subscriptionsFromTriggers } from "./hubspot";
import { dispatcherEnv, listenerEnv } from "./runtime-env";
import { SecretReference, TriggerSecrets } from "./secrets";
import { StatusStore } from "./status/store";
import { LiveStatus } from "./status/live-status";
import { ManagedBackend, type ManagedTriggerStatus } from "./managed/managed-backend";
import { deliveryStatus, registrationOutput, type RegistrationOutput } from "./registration-status";

export const WEBHOOK_PATH = HTTP_PATHS.webhook;
export const PUSH_PATH = HTTP_PATHS.push;

export type { HubSpotTriggerArgs } from "./args";

/** Ids and versions of the secrets, never their values. */
export interface SecretOutput {
  secret: string;
  version: string;
}

export type { RegistrationOutput } from "./registration-status";

export interface TriggerOutput {
  name: string;
  eventTypes: EventType[];
  /** Full path `projects/P/subscriptions/S`. */
  subscription: string;
  /** Managed backend: the seed's status of the trigger, from its connector event subscriptions' states. */
  status?: string;
  statusMessage?: string;
}

// Pub/Sub waits this much longer than one execution before counting a push as failed.
const ACK_DEADLINE_MARGIN_SECONDS = 30;
const LISTENER_TIMEOUT_SECONDS = 30;

function secretOutput(ref: SecretReference): pulumi.Output<SecretOutput> {
  return pulumi.all([ref.path, ref.version]).apply(([secret, version]) => ({ secret, version }));
}

/**
 * A complete HubSpot trigger on Google Cloud: identities, secrets, the events topic with one push subscription per
 * trigger, the dead-letter queue, the listener and dispatcher services and, optionally, Private Service Connect.
 */
export class HubSpotTrigger extends pulumi.ComponentResource {
  /**
   * The URL to register in HubSpot: the listener's deterministic Cloud Run URL plus `/webhooks/hubspot`, or with the
   * managed backend the connection's event listener endpoint.
   */
  readonly webhookUrl: pulumi.Output<string>;
  /** Full path `projects/P/topics/T`: what consumers subscribe to. */
  readonly eventsTopic: pulumi.Output<string>;
  readonly deadLetterTopic: pulumi.Output<string>;
  readonly deadLetterSubscription: pulumi.Output<string>;
  readonly serviceAccounts: pulumi.Output<{ listener: string; trigger: string; push: string }>;
  readonly dispatcherUrl: pulumi.Output<string>;
  /**
   * Self link of the service attachment in front of the listener; undefined when Private Service Connect is off. With
   * the managed backend and private connectivity: the connection's (undefined until Google has provisioned it).
   */
  readonly serviceAttachment?: pulumi.Output<string | undefined>;
  readonly secrets: pulumi.Output<{
    clientSecret: SecretOutput;
    previousClientSecret?: SecretOutput;
    accessToken?: SecretOutput;
    proxyPassword?: SecretOutput;
  }>;
  readonly triggers: pulumi.Output<TriggerOutput[]>;
  /** Undefined when the args carry no `registration`. */
  readonly registrationStatus?: pulumi.Output<RegistrationOutput>;
  /** The status store's Firestore database id (`npm run status` reads it; docs/status.md). */
  readonly statusDatabase: pulumi.Output<string>;

  readonly identity: TriggerIdentity;
  readonly secretStore: TriggerSecrets;
  readonly deadLetter: DeadLetterQueue;
  readonly eventBus: EventBus;
  /** The listener and dispatcher Cloud Run services. */
  readonly services: RuntimeServices;
  /** The image both services run: built and pushed by the stack, or a reference (with a cross-project pull grant). */
  readonly runtimeImage: RuntimeImage;
  readonly privateServiceConnect?: PrivateServiceConnect;
  /** The live status signals' Firestore database and the runtime accounts' access to it. */
  readonly statusStore: StatusStore;
  /**
   * The status store's verdict as a resource: `pulumi refresh` re-reads it (docs/status.md). Undefined with the managed
   * backend, whose triggers' status is their event subscriptions' state.
   */
  readonly liveStatus?: LiveStatus;
  /** Google's HubSpot connector; undefined with the self-hosted backend. */
  readonly managedBackend?: ManagedBackend;
  /** The dispatcher's Direct VPC egress and the PSC endpoint to `destination.serviceAttachment`; undefined without egress. */
  readonly egress?: HubSpotEgress;
  readonly registration?: HubSpotRegistration;
  /** Undefined when `enableApis` is false. */
  readonly apis?: ProjectApis;
  /** Alert policies, log-based metrics and the dashboard; undefined when `alerts.enabled` is false. */
  readonly monitoring?: TriggerMonitoring;

  constructor(name: string, given: HubSpotTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:index:HubSpotTrigger", name, {}, opts);
    const args = resolveArgs(given);
    const managed = args.managed;
    const child = { parent: this };
    const labelArgs = { environment: args.environment, labels: args.labels };
    const project = args.project;
    if (args.enableApis) {
      this.apis = new ProjectApis(
        `${name}-apis`,
        {
          project,
          privateServiceConnect: args.privateServiceConnect.enabled || args.egress !== undefined,
          buildsImage: args.imageBuild !== undefined,
          alerts: args.alerts.enabled,
          managed: managed !== undefined,
        },
        child,
      );
    }
    // A component that depends on an API's enablement holds back every child until the API is on.
    const after = (...apis: ApiName[]): pulumi.ComponentResourceOptions => ({
      parent: this,
      dependsOn: this.apis?.of(...apis) ?? [],
    });

    // Kept in state: names derived from it never change between runs, and differ between stacks of one project.
    const suffix = new random.RandomId(`${name}-suffix`, { byteLength: SUFFIX_BYTES }, child);
    const names = suffix.hex.apply((hex) =>
      resourceNames({
        connectionName: args.connectionName,
        environment: args.environment,
        triggerNames: args.triggers.map((t) => t.name),
        suffix: hex,
      }),
    );
    const projectInfo = gcp.organizations.getProjectOutput(
      { projectId: project },
      { parent: this, dependsOn: this.apis?.of(API.cloudresourcemanager) ?? [] },
    );
    const pubsubAgent = pulumi.interpolate`serviceAccount:service-${projectInfo.number}@gcp-sa-pubsub.iam.gserviceaccount.com`;

    this.identity = new TriggerIdentity(
      `${name}-identity`,
      {
        project,
        accountIds: names.serviceAccounts,
        admins: args.admins,
        pubsubServiceAgent: pubsubAgent,
        displayPrefix: args.connectionName,
        // With the managed backend the listener account is the connection's (managed.serviceAccount when given).
        existingAccounts:
          managed?.serviceAccount !== undefined
            ? { ...args.serviceAccounts, listener: managed.serviceAccount }
            : args.serviceAccounts,
      },
      after(API.iam, API.cloudresourcemanager, API.pubsub),
    );
    const { listener, dispatcher, push } = this.identity;

    this.secretStore = new TriggerSecrets(
      `${name}-secrets`,
      {
        ...labelArgs,
        project,
        replicaLocations: args.secretReplicaLocations,
        clientSecret: { source: args.clientSecret, secretId: names.secrets.clientSecret, accessor: listener.member },
        previousClientSecret: args.previousClientSecret && {
          source: args.previousClientSecret,
          secretId: names.secrets.previousClientSecret,
          accessor: listener.member,
        },
        accessToken: args.accessToken && {
          source: args.accessToken,
          secretId: names.secrets.accessToken,
          accessor: dispatcher.member,
        },
        proxyPassword: args.proxyPassword && {
          source: args.proxyPassword,
          secretId: names.secrets.proxyPassword,
          accessor: dispatcher.member,
        },
      },
      after(API.secretmanager),
    );
    const secrets = this.secretStore;

    this.deadLetter = new DeadLetterQueue(
      `${name}-dead-letter`,
      {
        ...labelArgs,
        project: args.deadLetter.projectId ?? project,
        topicName: args.deadLetter.topic ?? names.deadLetterTopic,
        existingTopic: args.deadLetter.existingTopic,
        subscriptionName: names.deadLetterSubscription,
        retentionDays: args.deadLetter.retentionDays,
        publishers: [
          { key: "pubsub-agent", member: pubsubAgent },
          { key: "listener", member: listener.member },
          { key: "trigger", member: dispatcher.member },
        ],
      },
      after(API.pubsub),
    );
    const deadLetterTopic = this.deadLetter.topicId;

    this.statusStore = new StatusStore(
      `${name}-status`,
      {
        project,
        region: args.region,
        databaseName: names.statusDatabase,
        deletionProtection: args.deletionProtection,
        // The connection writes no status: only the runtime's services hold the database role.
        writers: [
          ...(managed ? [] : [{ key: "listener", member: listener.member }]),
          { key: "trigger", member: dispatcher.member },
        ],
      },
      after(API.firestore, API.cloudresourcemanager),
    );
    const statusDatabase = this.statusStore.databaseName;

    const executionTimeoutSeconds = args.executionTimeoutSeconds;
    const ackDeadlineSeconds = Math.min(600, executionTimeoutSeconds + ACK_DEADLINE_MARGIN_SECONDS);
    const listenerUrl = pulumi
      .all([names, projectInfo.number, args.region])
      .apply(([n, number, region]) => deterministicRunUrl(n.services.listener, number, region));
    const publicUrl = pulumi.interpolate`${listenerUrl}${WEBHOOK_PATH}`;
    const present = <T>(items: (T | undefined)[]): T[] => items.filter((item): item is T => item !== undefined);

    const dispatcherSize = dispatcherSizing(args.scaling, args.integration.concurrentExecutions);
    for (const warning of managed
      ? []
      : capacityWarnings({
          expectedPortals: args.expectedPortals,
          maxConcurrentRequests:
            args.registration?.maxConcurrentRequests ?? DEFAULTS.registration.maxConcurrentRequests,
          listener: args.scaling,
        })) {
      void pulumi.log.warn(warning, this);
    }

    // Before the services: the listener publishes to the topic, so it must not start (and report ready) before it.
    this.eventBus = new EventBus(
      `${name}-events`,
      {
        ...labelArgs,
        project,
        topicName: names.eventsTopic,
        triggers: args.triggers.map((t) => ({
          name: t.name,
          eventTypes: [...t.eventTypes],
          propertyNames: [...t.propertyNames],
          subscriptionKey: names.apply((n) => n.triggers[t.name].subscriptionKey),
        })),
        deadLetterTopic,
        maxDeliveryAttempts: args.deadLetter.maxDeliveryAttempts,
        retry: args.retry,
        messageOrdering: args.messageOrdering,
        ackDeadlineSeconds,
        connectorEvents: managed !== undefined,
        publishers: [{ key: "listener", member: listener.member }],
        pubsubServiceAgent: pubsubAgent,
      },
      after(API.pubsub),
    );

    if (args.egress) {
      this.egress = new HubSpotEgress(
        `${name}-egress`,
        {
          ...labelArgs,
          project,
          region: args.region,
          ...args.egress,
          serviceAttachment: args.destination.serviceAttachment,
          names: names.hubspotEndpoint,
        },
        after(API.compute),
      );
    }

    // Artifact Registry: the repository the build pushes to, or the other project's repository Cloud Run pulls from.
    this.runtimeImage = new RuntimeImage(
      `${name}-image`,
      {
        ...labelArgs,
        project,
        projectNumber: projectInfo.number,
        region: args.region,
        reference: args.image,
        build: args.imageBuild,
      },
      after(API.artifactregistry),
    );
    const pull = this.runtimeImage.pullDependencies;

    this.services = new RuntimeServices(
      `${name}-services`,
      {
        ...labelArgs,
        project,
        region: args.region,
        image: this.runtimeImage.ref,
        deletionProtection: args.deletionProtection,
        listener: managed
          ? undefined
          : {
              serviceName: names.services.listener,
              serviceAccountEmail: listener.email,
              scaling: args.scaling,
              timeoutSeconds: LISTENER_TIMEOUT_SECONDS,
              dependsOn: [
                ...present([this.eventBus.topic, secrets.clientSecret.access, secrets.previousClientSecret?.access]),
                ...pull,
              ],
              env: listenerEnv({
                project,
                publicUrl,
                eventsTopic: names.eventsTopic,
                deadLetterTopic,
                clientSecret: secrets.clientSecret,
                previousClientSecret: secrets.previousClientSecret,
                signature: args.signature,
                dedupWindowSeconds: args.dedupWindowSeconds,
                messageOrdering: args.messageOrdering,
                statusDatabase,
              }),
            },
        dispatcher: {
          serviceName: names.services.dispatcher,
          serviceAccountEmail: dispatcher.email,
          scaling: dispatcherSize.scaling,
          timeoutSeconds: ackDeadlineSeconds,
          dependsOn: [
            ...present([secrets.accessToken?.access, secrets.proxyPassword?.access, this.egress?.endpoint]),
            ...pull,
          ],
          vpcAccess: this.egress?.vpcAccess,
          env: dispatcherEnv({
            project,
            deadLetterTopic,
            triggers: args.triggers.map((t) => ({
              name: t.name,
              subscription: this.eventBus.subscriptionNames[t.name],
              eventTypes: [...t.eventTypes],
              propertyNames: [...t.propertyNames],
              integration: t.integration,
              triggerId: t.triggerId,
            })),
            integrationProject: project,
            integrationLocation: args.integration.location,
            executionTimeoutSeconds,
            maxConcurrentExecutions: args.maxConcurrentExecutions ?? dispatcherSize.maxConcurrentExecutions,
            maxDeliveryAttempts: args.deadLetter.maxDeliveryAttempts,
            accessToken: secrets.accessToken,
            enrichment: args.enrichment,
            hubspot: {
              baseUrl: args.destination.host,
              address: this.egress?.endpointAddress,
              proxy: proxySettings(args.proxy),
              proxyPassword: secrets.proxyPassword,
            },
            statusDatabase,
          }),
        },
        dispatcherInvokers: [{ key: "push", member: push.member }],
      },
      // IAM Credentials: Pub/Sub mints the push identity's OIDC tokens; Integrations: the dispatcher executes them.
      after(API.run, API.iamcredentials, API.integrations),
    );
    const dispatcherUri = this.services.dispatcher.uri;
    const listenerService = this.services.listener;
    if (managed) {
      const accessToken = secrets.accessToken;
      if (accessToken === undefined)
        throw new Error("unreachable: the managed backend's access token is checked first");
      this.managedBackend = new ManagedBackend(
        `${name}-managed`,
        {
          ...labelArgs,
          project,
          region: args.region,
          connectionId: names.connection,
          settings: managed,
          deletionProtection: args.deletionProtection,
          account: { email: listener.email, member: listener.member },
          destination: args.destination,
          proxy: args.proxy,
          proxyPassword: secrets.proxyPassword,
          accessToken,
          clientSecret: secrets.clientSecret,
          eventsTopic: { project, name: this.eventBus.topic.name },
          deadLetterTopic,
          triggers: args.triggers.map((t) => ({
            name: t.name,
            eventTypes: [...t.eventTypes],
            subscriptionKey: names.apply((n) => n.triggers[t.name].subscriptionKey),
          })),
        },
        // The account publishes through the topics' bindings (EventBus, DeadLetterQueue) and reads its secrets.
        {
          parent: this,
          dependsOn: [...(this.apis?.of(API.connectors) ?? []), this.eventBus, this.deadLetter, secrets],
        },
      );
      this.webhookUrl = this.managedBackend.webhookUrl;
      if (managed.privateConnectivity.enabled) {
        this.serviceAttachment = this.managedBackend.eventing.eventsListenerPscSa.apply((sa) => sa || undefined);
      }
    } else {
      // Known before the listener exists (its env needs it), but handed out only once it does: whoever registers it
      // in HubSpot then points at a live service.
      this.webhookUrl = pulumi.all([publicUrl, listenerService?.uri]).apply(([url]) => url);
    }

    // The subscriptions push to the dispatcher, so they come after it.
    this.eventBus.addSubscriptions({
      pushEndpoint: pulumi.interpolate`${dispatcherUri}${PUSH_PATH}`,
      pushAudience: dispatcherUri,
      pushServiceAccountEmail: push.email,
    });

    const psc = args.privateServiceConnect;
    if (psc.enabled) {
      this.privateServiceConnect = new PrivateServiceConnect(
        `${name}-psc`,
        {
          ...labelArgs,
          project,
          region: args.region,
          network: psc.network,
          cloudRunService: listenerService?.name ?? "",
          names: names.psc,
          natSubnetCidr: psc.natSubnetCidr,
          proxySubnetCidr: psc.proxySubnetCidr,
          ilbSubnetCidr: psc.ilbSubnetCidr,
          consumerAcceptList: psc.consumerAcceptList,
        },
        after(API.compute),
      );
      this.serviceAttachment = this.privateServiceConnect.serviceAttachment.selfLink;
    }

    this.eventsTopic = this.eventBus.topic.id;
    this.deadLetterTopic = deadLetterTopic;
    this.deadLetterSubscription = this.deadLetter.subscription.id;
    // Keyed as the seed names the accounts: the dispatcher's is the trigger's service account.
    this.serviceAccounts = pulumi
      .all([listener.email, dispatcher.email, push.email])
      .apply(([l, t, p]) => ({ listener: l, trigger: t, push: p }));
    this.dispatcherUrl = dispatcherUri;
    this.statusDatabase = statusDatabase;
    this.secrets = pulumi
      .all([
        secretOutput(secrets.clientSecret),
        secrets.previousClientSecret && secretOutput(secrets.previousClientSecret),
        secrets.accessToken && secretOutput(secrets.accessToken),
        secrets.proxyPassword && secretOutput(secrets.proxyPassword),
      ])
      .apply(([clientSecret, previousClientSecret, accessToken, proxyPassword]) => ({
        clientSecret,
        ...(previousClientSecret && { previousClientSecret }),
        ...(accessToken && { accessToken }),
        ...(proxyPassword && { proxyPassword }),
      }));
    const managedStatuses: pulumi.Output<Record<string, ManagedTriggerStatus> | undefined> =
      this.managedBackend?.triggerStatuses ?? pulumi.output(undefined);
    this.triggers = pulumi.all(
      args.triggers.map((t) =>
        pulumi.all([this.eventBus.subscriptions[t.name].id, managedStatuses]).apply(([subscription, statuses]) => ({
          name: t.name,
          eventTypes: [...t.eventTypes],
          subscription,
          ...(statuses?.[t.name] ?? {}),
        })),
      ),
    );

    // After the services: what it reads is what they write. The managed backend's deliveries are the connector's:
    // its triggers' status is their event subscriptions' state instead.
    if (!managed) {
      this.liveStatus = new LiveStatus(
        `${name}-live-status`,
        {
          projectId: project,
          databaseId: statusDatabase,
          triggers: args.triggers.map((t) => ({ name: t.name, eventTypes: [...t.eventTypes] })),
        },
        { parent: this, dependsOn: [...(listenerService ? [listenerService] : []), this.services.dispatcher] },
      );
    }
    const live = deliveryStatus(this.liveStatus, this.managedBackend);

    if (args.registration) {
      const registration = args.registration;
      this.registration = new HubSpotRegistration(
        `${name}-hubspot`,
        {
          mode: registration.mode,
          appId: registration.appId,
          webhookUrl: this.webhookUrl,
          // Our listener's readiness probe; Google's connector serves no such path.
          readyzUrl: managed ? undefined : this.webhookUrl.apply((url) => new URL(HTTP_PATHS.ready, url).toString()),
          subscriptions: subscriptionsFromTriggers(args.triggers),
          maxConcurrentRequests: registration.maxConcurrentRequests,
          retainOnDelete: registration.retainOnDelete,
          apiVersion: registration.apiVersion,
          credential: registration.credential,
          projectUid: `${args.connectionName}-webhooks`,
          apiBaseUrl: args.destination.host,
          // Only api mode calls HubSpot at deploy time: the other modes read no proxy password.
          transport:
            registration.mode === "api" ? registrationTransport(args, this.egress?.endpointAddress) : undefined,
        },
        child,
      );
      const appId = registration.mode === "api" ? registration.appId : undefined;
      this.registrationStatus = registrationOutput(registration.mode, this.registration, live, appId);
    }

    if (args.alerts.enabled) {
      const { enabled: _enabled, notificationChannels, ...thresholds } = args.alerts;
      this.monitoring = new TriggerMonitoring(
        `${name}-monitoring`,
        {
          ...labelArgs,
          project,
          stackName: `${args.connectionName}/${args.environment}`,
          listenerService: listenerService?.name,
          dispatcherService: this.services.dispatcher.name,
          deadLetterProject: args.deadLetter.projectId ?? project,
          deadLetterSubscription: this.deadLetter.subscription.name,
          triggers: args.triggers.map((t) => ({
            name: t.name,
            subscription: this.eventBus.subscriptions[t.name].name,
          })),
          notificationChannels,
          thresholds,
        },
        after(API.monitoring, API.logging),
      );
    }

    this.registerOutputs({
      registration: this.registrationStatus,
      webhookUrl: this.webhookUrl,
      eventsTopic: this.eventsTopic,
      deadLetterTopic: this.deadLetterTopic,
      deadLetterSubscription: this.deadLetterSubscription,
      serviceAccounts: this.serviceAccounts,
      dispatcherUrl: this.dispatcherUrl,
      serviceAttachment: this.serviceAttachment,
      secrets: this.secrets,
      triggers: this.triggers,
      statusDatabase: this.statusDatabase,
    });
  }
}
