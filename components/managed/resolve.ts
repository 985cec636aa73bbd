import type * as pulumi from "@pulumi/pulumi";
import { MANAGED_DEFAULTS, MANAGED_EVENT_TYPES, serviceAccountEmail } from "../../contract/stack-config";
import type { ConnectorAuthType, HubSpotTriggerArgs } from "../args";

/** `ManagedBackendArgs` with every default applied (the stack config's defaults: contract/stack-config/managed.ts). */
export interface ResolvedManaged {
  readonly connectorVersion: pulumi.Input<string>;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Bare email of an existing account; undefined: the listener account the component creates. */
  readonly serviceAccount?: pulumi.Input<string>;
  readonly privateConnectivity: { readonly enabled: boolean; readonly allowlistedProjects: readonly string[] };
  readonly connectorKeys: {
    readonly authType: ConnectorAuthType;
    readonly authKey: string;
    readonly tokenVariable: string;
    readonly listenerAuthType: ConnectorAuthType;
    readonly listenerAuthKey: string;
    readonly clientSecretVariable: string;
    readonly destination: string;
  };
}

function defined<T extends object>(section: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(section ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The managed backend's args for a program that calls the component directly: the same rules as the stack config
 * (contract/stack-config/managed.ts), all problems at once. Undefined for the self-hosted backend.
 */
export function resolveManaged(args: HubSpotTriggerArgs): ResolvedManaged | undefined {
  const problems: string[] = [];
  const managed = args.backend === "managed";
  if (!managed) {
    if (args.managed !== undefined) problems.push('managed is set but backend is not "managed"');
  } else {
    if (args.managed?.connectorVersion === undefined) problems.push("managed.connectorVersion is missing");
    if (args.accessToken === undefined) problems.push("accessToken is missing; the connection authenticates with it");
    if (args.previousClientSecret !== undefined) {
      problems.push("previousClientSecret is set; the connection verifies with one client secret");
    }
    if (args.privateServiceConnect?.enabled) {
      problems.push("privateServiceConnect.enabled: there is no listener to publish; use managed.privateConnectivity");
    }
    if (args.serviceAccounts?.listener !== undefined) {
      problems.push("serviceAccounts.listener is set; the connection's account is managed.serviceAccount");
    }
    for (const trigger of args.triggers) {
      const others = trigger.eventTypes.filter((type) => !(MANAGED_EVENT_TYPES as readonly string[]).includes(type));
      if (others.length > 0) {
        problems.push(`trigger "${trigger.name}": ${others.join(", ")} not offered by Google's HubSpot connector`);
      }
    }
    const min = args.managed?.minNodes ?? MANAGED_DEFAULTS.minNodes;
    const max = args.managed?.maxNodes ?? MANAGED_DEFAULTS.maxNodes;
    if (min > max) problems.push(`managed.minNodes ${min} is above maxNodes ${max}`);
  }
  if (problems.length > 0) throw new Error(`invalid HubSpotTrigger args (backend):\n  - ${problems.join("\n  - ")}`);
  if (!managed || args.managed === undefined) return undefined;
  const given = args.managed;
  const account = given.serviceAccount;
  return {
    connectorVersion: given.connectorVersion,
    minNodes: given.minNodes ?? MANAGED_DEFAULTS.minNodes,
    maxNodes: given.maxNodes ?? MANAGED_DEFAULTS.maxNodes,
    ...(account !== undefined
      ? { serviceAccount: typeof account === "string" ? serviceAccountEmail(account.trim()) : account }
      : {}),
    privateConnectivity: { ...MANAGED_DEFAULTS.privateConnectivity, ...defined(given.privateConnectivity) },
    connectorKeys: { ...MANAGED_DEFAULTS.connectorKeys, ...defined(given.connectorKeys) },
  };
}
