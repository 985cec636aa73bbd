import { PROXY_AUTH_SCHEMES, PROXY_SSL_TYPES } from "../../contract/hubspot-transport";
import {
  CREDENTIAL_ENV,
  DEFAULT_API_BASE_URL,
  type ApiTarget,
  type ApiTransport,
  type ApiVersion,
  type CredentialKind,
} from "./types";
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
  /** The destination address and the proxy; a secret input when it holds the proxy password. */
  transport?: ApiTransport;
}

/** The connection's declared fields of a resource's inputs or state, nothing else. */
export function connectionFields(props: ConnectionProps): ConnectionProps {
  const { appId, apiVersion, apiBaseUrl, credentialKind, credential, retainOnDelete, transport } = props;
  return { appId, apiVersion, apiBaseUrl, credentialKind, credential, retainOnDelete, transport };
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
  return [...failures, ...checkTransport(news.transport)];
}

/** The transport's rules, each failure naming the field; never a password's value. */
export function checkTransport(transport: unknown): CheckFailure[] {
  if (transport === undefined || isUnknown(transport)) return [];
  if (typeof transport !== "object" || transport === null) {
    return [{ property: "transport", reason: "is not an object {address?, proxy?}" }];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at call time: see http.ts.
  const { isIP } = require("node:net") as typeof import("node:net");
  const { address, proxy } = transport as { address?: unknown; proxy?: unknown };
  const failures: CheckFailure[] = [];
  const known = (value: unknown) => value !== undefined && !isUnknown(value);
  if (known(address) && (typeof address !== "string" || isIP(address) === 0)) {
    failures.push({
      property: "transport.address",
      reason: `${JSON.stringify(address)} is not an IP address (the Private Service Connect endpoint's)`,
    });
  }
  if (!known(proxy)) return failures;
  const p = proxy as Record<string, unknown>;
  const field = (name: string) => `transport.proxy.${name}`;
  if (known(p.host) && (typeof p.host !== "string" || !/^[^\s/:@]+$|^\[?[0-9A-Fa-f:.]+\]?$/.test(p.host))) {
    failures.push({ property: field("host"), reason: `${JSON.stringify(p.host)} is not a host name or IP address` });
  } else if (p.host === undefined) {
    failures.push({ property: field("host"), reason: "is missing: a proxy needs its host" });
  }
  if (known(p.port) && !(Number.isInteger(p.port) && (p.port as number) >= 1 && (p.port as number) <= 65535)) {
    failures.push({
      property: field("port"),
      reason: `${JSON.stringify(p.port)} is not a port (an integer in 1..65535)`,
    });
  } else if (p.port === undefined) {
    failures.push({ property: field("port"), reason: "is missing: a proxy needs its port" });
  }
  if (known(p.authScheme) && !(PROXY_AUTH_SCHEMES as readonly unknown[]).includes(p.authScheme)) {
    failures.push({
      property: field("authScheme"),
      reason: `${JSON.stringify(p.authScheme)} is not one of ${PROXY_AUTH_SCHEMES.join(", ")}`,
    });
  }
  if (known(p.sslType) && !(PROXY_SSL_TYPES as readonly unknown[]).includes(p.sslType)) {
    failures.push({
      property: field("sslType"),
      reason: `${JSON.stringify(p.sslType)} is not one of ${PROXY_SSL_TYPES.join(", ")}`,
    });
  }
  const scheme = p.authScheme ?? "NONE";
  for (const name of ["username", "password"]) {
    if (scheme === "NONE" && known(p[name])) {
      failures.push({
        property: field(name),
        reason: "is set but authScheme is NONE: credentials only with BASIC or DIGEST",
      });
    } else if (scheme !== "NONE" && !isUnknown(scheme) && p[name] === undefined) {
      failures.push({ property: field(name), reason: `is missing: required with authScheme ${String(scheme)}` });
    }
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
    ...(news.transport?.proxy && !isUnknown(news.transport.proxy)
      ? {
          transport: {
            ...news.transport,
            proxy: {
              ...news.transport.proxy,
              authScheme: news.transport.proxy.authScheme ?? "NONE",
              sslType: news.transport.proxy.sslType ?? "AUTO",
            },
          },
        }
      : {}),
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
    ...(props.transport ? { transport: props.transport } : {}),
  };
}

/** Fields whose change is a different HubSpot object (another app or another HubSpot), hence a replacement. */
export const CONNECTION_REPLACE_KEYS = ["appId", "apiBaseUrl"] as const;
/**
 * Fields whose change needs no HubSpot write but must reach state (delete uses the stored credential and transport):
 * a new proxy or destination address is the same HubSpot app reached another way, so an update, never a replacement.
 */
export const CONNECTION_UPDATE_KEYS = [
  "apiVersion",
  "credentialKind",
  "credential",
  "retainOnDelete",
  "transport",
] as const;

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
