import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/**
 * The Google APIs a stack calls, and which resource types need which. One table serves three readers: the
 * `ProjectApis` component (enables them and orders resources after them), `npm run preflight` (checks they are on
 * before a deploy) and the tests (every resource type the plan creates is covered).
 */
export const API = {
  run: "run.googleapis.com",
  pubsub: "pubsub.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  iam: "iam.googleapis.com",
  iamcredentials: "iamcredentials.googleapis.com",
  cloudresourcemanager: "cloudresourcemanager.googleapis.com",
  integrations: "integrations.googleapis.com",
  compute: "compute.googleapis.com",
  artifactregistry: "artifactregistry.googleapis.com",
  firestore: "firestore.googleapis.com",
  monitoring: "monitoring.googleapis.com",
  logging: "logging.googleapis.com",
  connectors: "connectors.googleapis.com",
} as const;

export type ApiName = (typeof API)[keyof typeof API];

/**
 * The API each Google resource type is served by. A type missing here fails the test that walks the dev and prod
 * plans, so a new resource cannot be created before its API is on.
 */
export const API_BY_RESOURCE_TYPE: Readonly<Record<string, ApiName>> = {
  "gcp:serviceaccount/account:Account": API.iam,
  "gcp:serviceaccount/iAMMember:IAMMember": API.iam,
  "gcp:projects/iAMMember:IAMMember": API.cloudresourcemanager,
  "gcp:secretmanager/secret:Secret": API.secretmanager,
  "gcp:secretmanager/secretVersion:SecretVersion": API.secretmanager,
  "gcp:secretmanager/secretIamMember:SecretIamMember": API.secretmanager,
  "gcp:pubsub/topic:Topic": API.pubsub,
  "gcp:pubsub/topicIAMMember:TopicIAMMember": API.pubsub,
  "gcp:pubsub/subscription:Subscription": API.pubsub,
  "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember": API.pubsub,
  "gcp:cloudrunv2/service:Service": API.run,
  "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": API.run,
  "gcp:compute/subnetwork:Subnetwork": API.compute,
  "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": API.compute,
  "gcp:compute/regionBackendService:RegionBackendService": API.compute,
  "gcp:compute/regionUrlMap:RegionUrlMap": API.compute,
  "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy": API.compute,
  "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy": API.compute,
  "gcp:compute/forwardingRule:ForwardingRule": API.compute,
  "gcp:compute/serviceAttachment:ServiceAttachment": API.compute,
  "gcp:artifactregistry/repository:Repository": API.artifactregistry,
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": API.artifactregistry,
  "gcp:firestore/database:Database": API.firestore,
  "gcp:firestore/field:Field": API.firestore,
  "gcp:monitoring/alertPolicy:AlertPolicy": API.monitoring,
  "gcp:monitoring/dashboard:Dashboard": API.monitoring,
  "gcp:logging/metric:Metric": API.logging,
  "gcp:integrationconnectors/connection:Connection": API.connectors,
};

export interface ApiNeeds {
  /** Private Service Connect is on: load balancer, subnets and the service attachment (Compute Engine). */
  readonly privateServiceConnect: boolean;
  /** The stack builds the runtime image into an Artifact Registry repository it creates. */
  readonly buildsImage: boolean;
  /** Alerts are on: alert policies and a dashboard (Monitoring) on log-based metrics (Logging). */
  readonly alerts: boolean;
  /** The managed backend: an Integration Connectors connection and its event subscriptions (Connectors). */
  readonly managed?: boolean;
}

/**
 * Every API the stack uses, sorted. Beyond the resource types: IAM Credentials (Pub/Sub mints the push identity's
 * OIDC tokens, the dispatcher signs nothing itself but Cloud Run's metadata server issues its tokens through it),
 * Application Integration (the dispatcher executes integrations) and Resource Manager (project number look-up).
 * Firestore holds the status store (the live Creating / Active / Error signals).
 */
export function requiredApis(needs: ApiNeeds): ApiName[] {
  const apis = new Set<ApiName>([
    API.run,
    API.pubsub,
    API.secretmanager,
    API.iam,
    API.iamcredentials,
    API.cloudresourcemanager,
    API.integrations,
    API.firestore,
  ]);
  if (needs.privateServiceConnect) apis.add(API.compute);
  if (needs.buildsImage) apis.add(API.artifactregistry);
  if (needs.managed) apis.add(API.connectors);
  if (needs.alerts) {
    apis.add(API.monitoring);
    apis.add(API.logging);
  }
  return [...apis].sort();
}

export interface ProjectApisArgs extends ApiNeeds {
  readonly project: pulumi.Input<string>;
}

/**
 * Enables the stack's APIs in its project. Never disables them on destroy: other workloads of the project use the
 * same APIs, and disabling one would break them (and `disableDependentServices` would cascade further).
 */
export class ProjectApis extends pulumi.ComponentResource {
  /** Per API name: the resource to depend on before creating anything that API serves. */
  readonly services: Partial<Record<ApiName, gcp.projects.Service>> = {};

  constructor(name: string, args: ProjectApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:apis:ProjectApis", name, {}, opts);
    for (const api of requiredApis(args)) {
      this.services[api] = new gcp.projects.Service(
        `${name}-${api.split(".")[0]}`,
        { project: args.project, service: api, disableOnDestroy: false, disableDependentServices: false },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }

  /** The enablement resources of these APIs, for `dependsOn`. */
  of(...apis: ApiName[]): gcp.projects.Service[] {
    return apis.map((api) => this.services[api]).filter((s): s is gcp.projects.Service => s !== undefined);
  }
}
