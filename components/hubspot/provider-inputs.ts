import { CREDENTIAL_ENV, DEFAULT_API_BASE_URL, type ApiTarget, type ApiVersion, type CredentialKind } from "./types";
import {
  checkApiVersion,
  checkAppId,
  checkCredentialKind,
  formatFailures,
  isUnknown,
  type CheckFailure,
} from "./validation";

/*
 * Inputs shared by both dynamic resources, and how a call finds its credential. Runs inside the serialized provider.
 */

/** What identifies the app and how to reach it; credential is a secret input or, when absent, an env var. */
export interface ConnectionProps {
  appId: string;
  apiVersion: ApiVersion;
  apiBaseUrl: string;
  credentialKind: CredentialKind;
  credential?: string;
  retainOnDelete: boolean;
}

export function checkConnection(news: Partial<ConnectionProps>): CheckFailure[] {
  const failures = [
    ...checkAppId(news.appId),
    ...checkApiVersion(news.apiVersion),
    ...checkCredentialKind(news.credentialKind),
  ];
  if (!isUnknown(news.apiBaseUrl) && typeof news.apiBaseUrl === "string" && !/^https?:\/\//.test(news.apiBaseUrl)) {
    failures.push({ property: "apiBaseUrl", reason: `${JSON.stringify(news.apiBaseUrl)} is not an http(s) URL` });
  }
  return failures;
}

export function withConnectionDefaults<T extends Partial<ConnectionProps>>(news: T): T & ConnectionProps {
  return {
    ...news,
    appId: typeof news.appId === "number" ? String(news.appId) : (news.appId as string),
    apiVersion: news.apiVersion ?? "v3",
    apiBaseUrl: news.apiBaseUrl ?? DEFAULT_API_BASE_URL,
    credentialKind: news.credentialKind ?? "developerApiKey",
    retainOnDelete: news.retainOnDelete ?? false,
  };
}

/** Read at call time, so the serialized provider never holds a credential. */
export function apiTarget(props: ConnectionProps): ApiTarget {
  const credential = props.credential || process.env[CREDENTIAL_ENV[props.credentialKind]];
  if (!credential) {
    throw new Error(
      `no HubSpot ${props.credentialKind} for app ${props.appId}: pass it as the secret input "credential" or set ${CREDENTIAL_ENV[props.credentialKind]}`,
    );
  }
  return {
    baseUrl: props.apiBaseUrl,
    apiVersion: props.apiVersion,
    appId: props.appId,
    credentialKind: props.credentialKind,
    credential,
  };
}

/** Fields whose change is a different HubSpot object (another app or another HubSpot), hence a replacement. */
export const CONNECTION_REPLACE_KEYS = ["appId", "apiBaseUrl"] as const;
/** Fields whose change needs no HubSpot write but must reach state (delete uses the stored credential). */
export const CONNECTION_UPDATE_KEYS = ["apiVersion", "credentialKind", "credential", "retainOnDelete"] as const;

export function changedKeys(olds: object, news: object, keys: readonly string[]): string[] {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return keys.filter((k) => JSON.stringify(o[k] ?? null) !== JSON.stringify(n[k] ?? null));
}

export function failIfInvalid(failures: CheckFailure[], what: string): void {
  if (failures.length > 0) throw new Error(`invalid ${what}: ${formatFailures(failures)}`);
}

/** State is a protobuf Struct, which has no `undefined`: absent optional inputs are left out. */
export function withoutUndefined<T extends object>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as T;
}
