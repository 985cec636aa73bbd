/**
 * The two Google calls preflight makes, with the credentials `pulumi up` would use.
 *
 * - Resource Manager v3 `projects.testIamPermissions` (https://cloud.google.com/resource-manager/reference/rest/v3/projects/testIamPermissions):
 *   "There are no permissions required for making this API call"; it answers the subset the caller holds on the
 *   project, from grants on the project and its ancestors (folders, organization).
 * - Service Usage v1 `services.batchGet` (https://cloud.google.com/service-usage/docs/reference/rest/v1/services/batchGet):
 *   needs serviceusage.services.get on the project; "A single request can get a maximum of 30 services at a time"
 *   (the `names` parameter, test/fixtures/google-discovery/serviceusage-v1.json).
 */
import { cloudresourcemanager, type cloudresourcemanager_v3 } from "@googleapis/cloudresourcemanager";
import { serviceusage, type serviceusage_v1 } from "@googleapis/serviceusage";
import { GoogleAuth, OAuth2Client } from "google-auth-library";

/**
 * Permissions per testIamPermissions call. The discovery document states no maximum; the API refuses more than 100
 * per request (the figure this tool's brief gives; not found in Google's reference pages, see
 * test/fixtures/google-discovery/SOURCE.md), and the stand-in enforces it.
 */
export const TEST_IAM_PERMISSIONS_BATCH = 100;
/** Service names per services.batchGet call: "a maximum of 30 services at a time" (serviceusage v1 discovery). */
export const BATCH_GET_SERVICES_MAX = 30;

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** What the Google provider accepts besides ADC (https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#access_token). */
export const ACCESS_TOKEN_ENV = "GOOGLE_OAUTH_ACCESS_TOKEN";

export class NoCredentialsError extends Error {
  constructor(reason: string) {
    super(
      `preflight: no Google credentials found (${reason}). Run \`gcloud auth application-default login\`, ` +
        `or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or ${ACCESS_TOKEN_ENV} to an access token.`,
    );
  }
}

/** The clients' `auth` option type. */
type ClientAuth = NonNullable<cloudresourcemanager_v3.Options["auth"]>;

export interface Credentials {
  /** For the report: where the credentials came from. */
  source: string;
  auth: GoogleAuth | OAuth2Client;
}

/**
 * An access token from the environment wins (as in the Google provider); else Application Default Credentials.
 * Resolving ADC reads files only (and probes the metadata server unless METADATA_SERVER_DETECTION=none): an
 * unusable or missing credential is reported here, before any plan or call.
 */
export async function resolveCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const token = env[ACCESS_TOKEN_ENV];
  if (token) {
    const client = new OAuth2Client();
    client.setCredentials({ access_token: token });
    return { source: ACCESS_TOKEN_ENV, auth: client };
  }
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  try {
    await auth.getClient();
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    throw new NoCredentialsError(reason);
  }
  return { source: "Application Default Credentials", auth };
}

export interface GoogleClients {
  crm: cloudresourcemanager_v3.Cloudresourcemanager;
  serviceUsage: serviceusage_v1.Serviceusage;
}

export function createClients(credentials: Credentials, rootUrl?: string): GoogleClients {
  // google-auth-library 10.9.1 (this package's) and the copy googleapis-common bundles declare the same classes twice,
  // so TypeScript sees unrelated types; googleapis-common only calls request() and getUniverseDomain() on it.
  const auth = credentials.auth as unknown as ClientAuth;
  const options = rootUrl ? { auth, rootUrl } : { auth };
  return {
    crm: cloudresourcemanager({ version: "v3", ...options }),
    serviceUsage: serviceusage({ version: "v1", ...options }),
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The subset of `permissions` the caller holds on the project, asking at most TEST_IAM_PERMISSIONS_BATCH at a time. */
export async function grantedPermissions(
  clients: GoogleClients,
  project: string,
  permissions: readonly string[],
): Promise<Set<string>> {
  const granted = new Set<string>();
  for (const batch of chunk(permissions, TEST_IAM_PERMISSIONS_BATCH)) {
    const response = await clients.crm.projects.testIamPermissions({
      resource: `projects/${project}`,
      requestBody: { permissions: batch },
    });
    for (const permission of response.data.permissions ?? []) granted.add(permission);
  }
  return granted;
}

export type ServiceState = "ENABLED" | "DISABLED" | "STATE_UNSPECIFIED";

/** The state of each API in the project, BATCH_GET_SERVICES_MAX names per call. */
export async function serviceStates(
  clients: GoogleClients,
  project: string,
  apis: readonly string[],
): Promise<Map<string, ServiceState>> {
  const states = new Map<string, ServiceState>();
  for (const batch of chunk(apis, BATCH_GET_SERVICES_MAX)) {
    const response = await clients.serviceUsage.services.batchGet({
      parent: `projects/${project}`,
      names: batch.map((api) => `projects/${project}/services/${api}`),
    });
    for (const service of response.data.services ?? []) {
      // Names come back as projects/<number>/services/<api> whatever the request used: match on the API.
      const api = service.name?.split("/services/")[1];
      const state = service.state;
      if (api && (state === "ENABLED" || state === "DISABLED" || state === "STATE_UNSPECIFIED")) states.set(api, state);
    }
  }
  return states;
}

/** The HTTP status and Google's message of a failed call, for one line of the report. */
export function describeError(error: unknown): { status?: number; message: string } {
  if (typeof error === "object" && error !== null) {
    const record = error as { status?: unknown; message?: unknown; response?: { data?: unknown } };
    const data = record.response?.data as { error?: { message?: unknown } } | undefined;
    const status = typeof record.status === "number" ? record.status : undefined;
    const message =
      typeof data?.error?.message === "string"
        ? data.error.message
        : typeof record.message === "string"
          ? record.message
          : String(error);
    return { status, message };
  }
  return { message: String(error) };
}
