/**
 * The IAM permissions `pulumi up` needs, per resource type of the plan, and the predefined role that grants each.
 *
 * Sources (read 2026-12-02):
 * - every permission name: Google's IAM permissions reference, https://cloud.google.com/iam/docs/permissions-reference,
 *   and the per-service role pages https://cloud.google.com/iam/docs/roles-permissions/<service> (pubsub, iam, run,
 *   secretmanager, compute, artifactregistry, resourcemanager, serviceusage, monitoring, logging);
 * - subscriptions: "pubsub.subscriptions.create on the project, pubsub.topics.attachSubscription on the topic"
 *   (https://cloud.google.com/pubsub/docs/create-push-subscription#required_roles), and the push identity is an actAs
 *   of its service account (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions);
 * - Cloud Run: run.services.* plus iam.serviceAccounts.actAs on the runtime service account
 *   (https://cloud.google.com/run/docs/deploying#required_roles, https://cloud.google.com/run/docs/securing/service-identity),
 *   and roles/artifactregistry.reader on the project or repository holding the image; for a repository in another
 *   project the Cloud Run service agent needs that reader role too
 *   (https://cloud.google.com/artifact-registry/docs/integrate-cloud-run#permissions);
 * - IAM member resources read-modify-write the parent's policy: <parent>.getIamPolicy + <parent>.setIamPolicy
 *   (https://cloud.google.com/iam/docs/granting-changing-revoking-access#required-permissions);
 * - which verbs the provider calls: create, get (every refresh and after create), update (in-place diffs), delete, and
 *   the long-running operation polls of Cloud Run (run.operations.get) and regional Compute (compute.regionOperations.get).
 *
 * A type of the plan that is neither here nor in NO_GOOGLE_PERMISSIONS fails test/preflight/permissions.spec.ts, which
 * walks the dev and prod plans: a new resource cannot ship without saying what deploying it needs.
 */
import type { PlannedResource as FullPlannedResource } from "../offline-plan/run-program";

/** What the tables read of a planned resource (the JSON of `npm run plan -- --json` has it too). */
export type PlannedResource = Pick<FullPlannedResource, "type" | "inputs">;

/** A permission needed in a project, and what needs it (resource types, or a reason). */
export interface ProjectPermission {
  project: string;
  permission: string;
  neededBy: string;
}

export interface ResourceContext {
  /** The stack's project (`gcp:project`): where the provider puts resources that name no project. */
  defaultProject: string;
  /** The whole plan: a secret version names its secret by project number, the planned secret gives its id. */
  resources: readonly PlannedResource[];
}

export interface PermissionRule {
  /** Needed in the resource's own project. */
  permissions: readonly string[];
  /** Needed because of what the resource references, possibly in another project (topic, image, service account). */
  related?: (resource: PlannedResource, context: ResourceContext) => ProjectPermission[];
}

const CRUD = (prefix: string, verbs: readonly string[] = ["create", "get", "update", "delete"]): string[] =>
  verbs.map((verb) => `${prefix}.${verb}`);
const IAM_MEMBER = (prefix: string): string[] => [`${prefix}.getIamPolicy`, `${prefix}.setIamPolicy`];

const isString = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const isProjectNumber = (value: string): boolean => /^\d+$/.test(value);

/** `projects/<id>/...` in a reference; undefined for project numbers (no id to test permissions on). */
function projectOfReference(reference: unknown): string | undefined {
  if (!isString(reference)) return undefined;
  const match = /^(?:\/\/[^/]+\/)?projects\/([^/]+)\//.exec(reference);
  return match && !isProjectNumber(match[1]) ? match[1] : undefined;
}

/** `name@<project>.iam.gserviceaccount.com` → project; undefined for Google-managed agents and default accounts. */
export function projectOfServiceAccount(email: unknown): string | undefined {
  if (!isString(email)) return undefined;
  const match = /^[^@]+@([a-z][-a-z0-9]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(email);
  return match?.[1];
}

/** Artifact Registry image `<location>-docker.pkg.dev/<project>/<repository>/<image>` → project. */
export function projectOfImage(image: unknown): string | undefined {
  if (!isString(image)) return undefined;
  const match = /^[a-z0-9-]+-docker\.pkg\.dev\/([a-z][-a-z0-9]{4,28}[a-z0-9])\//.exec(image);
  return match?.[1];
}

/**
 * The project a resource is created in. The `project` input when set; else the project its parent reference names
 * (a secret version's secret, a service account IAM member's account); else the provider's default, the stack's project.
 */
export function projectOf(resource: PlannedResource, context: ResourceContext): string {
  const inputs = resource.inputs;
  if (isString(inputs.project)) return inputs.project;
  if (resource.type === "gcp:secretmanager/secretVersion:SecretVersion" && isString(inputs.secret)) {
    // The version names its secret as projects/<number>/secrets/<id>: the planned secret with that id has the project.
    const secretId = inputs.secret.split("/").pop();
    const secret = context.resources.find(
      (r) => r.type === "gcp:secretmanager/secret:Secret" && r.inputs.secretId === secretId,
    );
    if (secret && isString(secret.inputs.project)) return secret.inputs.project;
  }
  for (const key of ["serviceAccountId", "secret", "topic", "subscription", "repository"]) {
    const project = projectOfReference(inputs[key]);
    if (project) return project;
  }
  return context.defaultProject;
}

function actAs(email: unknown, context: ResourceContext, neededBy: string): ProjectPermission[] {
  if (!isString(email)) return [];
  return [
    {
      project: projectOfServiceAccount(email) ?? context.defaultProject,
      permission: "iam.serviceAccounts.actAs",
      neededBy,
    },
  ];
}

interface CloudRunTemplate {
  serviceAccount?: unknown;
  containers?: Array<{ image?: unknown }>;
}

export const PERMISSIONS_BY_RESOURCE_TYPE: Readonly<Record<string, PermissionRule>> = {
  "gcp:projects/service:Service": {
    // The provider reads enabled services with services.list/get and enables with services.enable; it never disables
    // here (ProjectApis sets disableOnDestroy: false).
    permissions: ["serviceusage.services.enable", "serviceusage.services.get", "serviceusage.services.list"],
  },
  "gcp:projects/iAMMember:IAMMember": { permissions: IAM_MEMBER("resourcemanager.projects") },
  "gcp:serviceaccount/account:Account": { permissions: CRUD("iam.serviceAccounts") },
  "gcp:serviceaccount/iAMMember:IAMMember": { permissions: IAM_MEMBER("iam.serviceAccounts") },
  "gcp:secretmanager/secret:Secret": { permissions: CRUD("secretmanager.secrets") },
  "gcp:secretmanager/secretVersion:SecretVersion": {
    // add on create; get + access on every refresh (the provider reads the payload back into secretData);
    // enable/disable when `enabled` changes; destroy on delete (deletionPolicy DELETE, the default).
    permissions: CRUD("secretmanager.versions", ["add", "get", "access", "enable", "disable", "destroy"]),
  },
  "gcp:secretmanager/secretIamMember:SecretIamMember": { permissions: IAM_MEMBER("secretmanager.secrets") },
  "gcp:pubsub/topic:Topic": { permissions: CRUD("pubsub.topics") },
  "gcp:pubsub/topicIAMMember:TopicIAMMember": { permissions: IAM_MEMBER("pubsub.topics") },
  "gcp:pubsub/subscription:Subscription": {
    permissions: CRUD("pubsub.subscriptions"),
    related: (resource, context) => {
      const own = projectOf(resource, context);
      const topic = resource.inputs.topic;
      const push = resource.inputs.pushConfig as { oidcToken?: { serviceAccountEmail?: unknown } } | undefined;
      return [
        {
          project: projectOfReference(topic) ?? own,
          permission: "pubsub.topics.attachSubscription",
          neededBy: `${resource.type} (its topic)`,
        },
        ...actAs(push?.oidcToken?.serviceAccountEmail, context, `${resource.type} (push identity)`),
      ];
    },
  },
  "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember": { permissions: IAM_MEMBER("pubsub.subscriptions") },
  "pulumi-nodejs:dynamic/pubsub:SubscriptionHandover": {
    // components/subscription-handover.ts runs with the deployer's ADC: getMetadata on the subscription, then
    // snapshots.create (pubsub.snapshots.create + pubsub.subscriptions.consume on the source), subscriptions.seek
    // (pubsub.subscriptions.consume + pubsub.snapshots.seek) and snapshots.delete
    // (https://cloud.google.com/pubsub/docs/access-control#required_permissions). Its project is the subscription's.
    permissions: [
      "pubsub.subscriptions.get",
      "pubsub.subscriptions.consume",
      "pubsub.snapshots.create",
      "pubsub.snapshots.seek",
      "pubsub.snapshots.delete",
    ],
  },
  "gcp:cloudrunv2/service:Service": {
    permissions: [...CRUD("run.services"), "run.operations.get"],
    related: (resource, context) => {
      const template = (resource.inputs.template ?? {}) as CloudRunTemplate;
      const images = (template.containers ?? []).map((c) => projectOfImage(c.image)).filter(isString);
      return [
        ...actAs(template.serviceAccount, context, `${resource.type} (runtime service account)`),
        ...[...new Set(images)].map((project) => ({
          project,
          permission: "artifactregistry.repositories.downloadArtifacts",
          neededBy: `${resource.type} (container image)`,
        })),
      ];
    },
  },
  "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": { permissions: IAM_MEMBER("run.services") },
  "gcp:compute/subnetwork:Subnetwork": {
    permissions: [...CRUD("compute.subnetworks"), "compute.regionOperations.get"],
  },
  "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": {
    permissions: [
      ...CRUD("compute.regionNetworkEndpointGroups", ["create", "get", "delete"]),
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/regionBackendService:RegionBackendService": {
    permissions: [
      ...CRUD("compute.regionBackendServices"),
      "compute.regionNetworkEndpointGroups.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/regionUrlMap:RegionUrlMap": {
    permissions: [
      ...CRUD("compute.regionUrlMaps"),
      "compute.regionBackendServices.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/regionTargetHttpProxy:RegionTargetHttpProxy": {
    permissions: [
      ...CRUD("compute.regionTargetHttpProxies", ["create", "get", "delete", "setUrlMap"]),
      "compute.regionUrlMaps.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy": {
    permissions: [
      ...CRUD("compute.regionTargetHttpsProxies", ["create", "get", "delete", "setUrlMap"]),
      "compute.regionUrlMaps.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/forwardingRule:ForwardingRule": {
    permissions: [
      ...CRUD("compute.forwardingRules", ["create", "get", "delete"]),
      "compute.regionTargetHttpProxies.use",
      "compute.subnetworks.use",
      "compute.networks.use",
      // The Private Service Connect endpoint to destination.serviceAttachment reserves its IP from an Address.
      "compute.addresses.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/address:Address": {
    permissions: [
      ...CRUD("compute.addresses", ["create", "get", "delete"]),
      "compute.subnetworks.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:compute/serviceAttachment:ServiceAttachment": {
    permissions: [
      ...CRUD("compute.serviceAttachments"),
      "compute.forwardingRules.use",
      "compute.subnetworks.use",
      "compute.regionOperations.get",
    ],
  },
  "gcp:artifactregistry/repository:Repository": { permissions: CRUD("artifactregistry.repositories") },
  // The status store. Firestore reads a database's settings with getMetadata (datastore.databases.get begins a
  // transaction): https://cloud.google.com/firestore/docs/security/iam#permissions.
  "gcp:firestore/database:Database": {
    permissions: [
      "datastore.databases.create",
      "datastore.databases.getMetadata",
      "datastore.databases.update",
      "datastore.databases.delete",
    ],
  },
  // A TTL policy is a field's configuration (fields.get / fields.patch), guarded by the index permissions; removing
  // the resource patches the TTL off again.
  "gcp:firestore/field:Field": { permissions: ["datastore.indexes.get", "datastore.indexes.update"] },
  // Reads the status store on create, update and refresh (components/status/live-status.ts); without these it
  // reports the store unreadable instead of failing, so they are needed for the status, not for the deploy.
  "pulumi-nodejs:dynamic/hubspot-trigger:LiveStatus": {
    permissions: ["datastore.entities.get", "datastore.entities.list"],
  },
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": {
    permissions: IAM_MEMBER("artifactregistry.repositories"),
  },
  // Alerts (components/monitoring.ts): policies and the dashboard in Cloud Monitoring, log-based metrics in Logging.
  "gcp:monitoring/alertPolicy:AlertPolicy": { permissions: CRUD("monitoring.alertPolicies") },
  "gcp:monitoring/dashboard:Dashboard": { permissions: CRUD("monitoring.dashboards") },
  "gcp:logging/metric:Metric": { permissions: CRUD("logging.logMetrics") },
  // The managed backend (components/managed): the connection, and what its two dynamic providers call through the
  // Connectors v1 API with the deployer's credentials. Permission names: https://cloud.google.com/iam/docs/roles-permissions/connectors
  // and the methods' audit-log table, https://cloud.google.com/integration-connectors/docs/audit-logging. The
  // connection runs as its service account: an actAs, as for Cloud Run.
  "gcp:integrationconnectors/connection:Connection": {
    permissions: [...CRUD("connectors.connections"), "connectors.operations.get", "iam.serviceAccounts.actAs"],
  },
  "pulumi-nodejs:dynamic/connectors:ConnectionEventing": {
    permissions: ["connectors.connections.get", "connectors.connections.update", "connectors.operations.get"],
  },
  "pulumi-nodejs:dynamic/connectors:EventSubscription": {
    permissions: [...CRUD("connectors.eventSubscriptions"), "connectors.operations.get", "iam.serviceAccounts.actAs"],
  },
  "docker-build:index:Image": {
    // The build pushes to (and pulls its cache from) the tags' repositories, which may be in another project.
    permissions: [],
    related: (resource) => {
      const tags = Array.isArray(resource.inputs.tags) ? resource.inputs.tags : [];
      const projects = [...new Set(tags.map(projectOfImage).filter(isString))];
      return projects.flatMap((project) =>
        ["artifactregistry.repositories.uploadArtifacts", "artifactregistry.repositories.downloadArtifacts"].map(
          (permission) => ({ project, permission, neededBy: `${resource.type} (push)` }),
        ),
      );
    },
  },
};

/** Types in the plan that call no Google API with the deployer's credentials, and why. */
export const NO_GOOGLE_PERMISSIONS: Readonly<Record<string, string>> = {
  "random:index/randomId:RandomId": "computed locally by the random provider",
  "pulumi-nodejs:dynamic/hubspot:WebhookSettings": "calls HubSpot's API with the stack's HubSpot credential",
  "pulumi-nodejs:dynamic/hubspot:WebhookSubscription": "calls HubSpot's API with the stack's HubSpot credential",
  "pulumi-nodejs:dynamic/hubspot:RemovalLedger": "computed locally: remembers the previous run's HubSpot subscriptions",
};

/** Component resources (`hubspot-trigger:<module>:<Type>`) are registered with the engine only, never a provider. */
export const isComponentType = (type: string): boolean => type.startsWith("hubspot-trigger:");

/**
 * Reads the program makes through data sources, not resources: they appear in no plan, so they are listed here.
 * `gcp.organizations.getProject` (components/hubspot-trigger.ts) reads the project number for the Pub/Sub agent.
 */
export const PROGRAM_READS: readonly { permission: string; neededBy: string }[] = [
  { permission: "resourcemanager.projects.get", neededBy: "gcp.organizations.getProject (project number)" },
];

export class UnknownResourceTypeError extends Error {
  constructor(readonly types: string[]) {
    super(
      `preflight: no permission entry for resource type(s) ${types.join(", ")}: add them to ` +
        "PERMISSIONS_BY_RESOURCE_TYPE or NO_GOOGLE_PERMISSIONS in scripts/lib/preflight/permissions.ts",
    );
  }
}

/** Resource types of the plan with no entry in either table. */
export function unknownTypes(resources: readonly PlannedResource[]): string[] {
  const types = new Set(resources.map((r) => r.type));
  return [...types]
    .filter((t) => !isComponentType(t) && !(t in PERMISSIONS_BY_RESOURCE_TYPE) && !(t in NO_GOOGLE_PERMISSIONS))
    .sort();
}

/** Per project (sorted), per permission (sorted): what needs it. Throws on a resource type without an entry. */
export function neededPermissions(
  resources: readonly PlannedResource[],
  defaultProject: string,
): Map<string, Map<string, string[]>> {
  const unknown = unknownTypes(resources);
  if (unknown.length > 0) throw new UnknownResourceTypeError(unknown);
  const context: ResourceContext = { defaultProject, resources };
  const needs: ProjectPermission[] = PROGRAM_READS.map((read) => ({ project: defaultProject, ...read }));
  for (const resource of resources) {
    const rule = PERMISSIONS_BY_RESOURCE_TYPE[resource.type];
    if (!rule) continue;
    const project = projectOf(resource, context);
    for (const permission of rule.permissions) needs.push({ project, permission, neededBy: resource.type });
    needs.push(...(rule.related?.(resource, context) ?? []));
  }
  const byProject = new Map<string, Map<string, Set<string>>>();
  for (const need of needs) {
    const permissions = byProject.get(need.project) ?? new Map<string, Set<string>>();
    byProject.set(need.project, permissions);
    const neededBy = permissions.get(need.permission) ?? new Set<string>();
    permissions.set(need.permission, neededBy);
    neededBy.add(need.neededBy);
  }
  return new Map(
    [...byProject.keys()].sort().map((project) => {
      const permissions = byProject.get(project)!;
      return [project, new Map([...permissions.keys()].sort().map((p) => [p, [...permissions.get(p)!].sort()]))];
    }),
  );
}

/** Every permission any entry can ask for: the raw list of docs/deployer-permissions.md. */
export function allTablePermissions(): string[] {
  const all = new Set<string>(PROGRAM_READS.map((r) => r.permission));
  for (const rule of Object.values(PERMISSIONS_BY_RESOURCE_TYPE)) for (const p of rule.permissions) all.add(p);
  // The related permissions depend on inputs; these are every one the `related` functions above can return.
  for (const p of RELATED_PERMISSIONS) all.add(p);
  return [...all].sort();
}

/** Kept next to the `related` functions; a test checks every permission they return on the real plans is listed. */
export const RELATED_PERMISSIONS: readonly string[] = [
  "pubsub.topics.attachSubscription",
  "iam.serviceAccounts.actAs",
  "artifactregistry.repositories.downloadArtifacts",
  "artifactregistry.repositories.uploadArtifacts",
];

export interface Role {
  id: string;
  title: string;
}

/**
 * The predefined role to ask for, per permission: the narrowest role that also covers the rest of that service's
 * needs here, so the grant list stays short. Exact names first, then the longest matching prefix.
 * Role contents: https://cloud.google.com/iam/docs/roles-permissions (per service).
 */
const ROLE_BY_PERMISSION: ReadonlyArray<readonly [string, Role]> = [
  ["iam.serviceAccounts.actAs", { id: "roles/iam.serviceAccountUser", title: "Service Account User" }],
  ["iam.serviceAccounts.", { id: "roles/iam.serviceAccountAdmin", title: "Service Account Admin" }],
  ["resourcemanager.projects.", { id: "roles/resourcemanager.projectIamAdmin", title: "Project IAM Admin" }],
  ["serviceusage.services.", { id: "roles/serviceusage.serviceUsageAdmin", title: "Service Usage Admin" }],
  ["secretmanager.", { id: "roles/secretmanager.admin", title: "Secret Manager Admin" }],
  ["pubsub.", { id: "roles/pubsub.admin", title: "Pub/Sub Admin" }],
  ["run.", { id: "roles/run.admin", title: "Cloud Run Admin" }],
  ["compute.subnetworks.", { id: "roles/compute.networkAdmin", title: "Compute Network Admin" }],
  ["compute.networks.", { id: "roles/compute.networkAdmin", title: "Compute Network Admin" }],
  ["compute.serviceAttachments.", { id: "roles/compute.networkAdmin", title: "Compute Network Admin" }],
  ["compute.regionOperations.", { id: "roles/compute.networkAdmin", title: "Compute Network Admin" }],
  ["compute.", { id: "roles/compute.loadBalancerAdmin", title: "Compute Load Balancer Admin" }],
  [
    "artifactregistry.repositories.downloadArtifacts",
    { id: "roles/artifactregistry.reader", title: "Artifact Registry Reader" },
  ],
  [
    "artifactregistry.repositories.uploadArtifacts",
    { id: "roles/artifactregistry.writer", title: "Artifact Registry Writer" },
  ],
  ["artifactregistry.", { id: "roles/artifactregistry.admin", title: "Artifact Registry Administrator" }],
  // Creating and deleting databases is in no narrower predefined role
  // (https://cloud.google.com/iam/docs/roles-permissions/firestore).
  ["datastore.", { id: "roles/datastore.admin", title: "Cloud Datastore Admin" }],
  ["monitoring.alertPolicies.", { id: "roles/monitoring.alertPolicyEditor", title: "Monitoring AlertPolicy Editor" }],
  [
    "monitoring.dashboards.",
    { id: "roles/monitoring.dashboardEditor", title: "Monitoring Dashboard Configuration Editor" },
  ],
  ["logging.logMetrics.", { id: "roles/logging.configWriter", title: "Logs Configuration Writer" }],
  ["connectors.", { id: "roles/connectors.admin", title: "Connector Admin" }],
];

export function roleFor(permission: string): Role | undefined {
  const exact = ROLE_BY_PERMISSION.find(([key]) => key === permission);
  if (exact) return exact[1];
  const prefixes = ROLE_BY_PERMISSION.filter(([key]) => key.endsWith(".") && permission.startsWith(key));
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return prefixes[0]?.[1];
}
