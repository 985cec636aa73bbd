import * as pulumi from "@pulumi/pulumi";
import { managedBackendProblems, managedSchema } from "../../contract/stack-config";
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

/**
 * The managed backend's args for a program that calls the component directly: the same rules as the stack config
 * (contract/stack-config/managed.ts), all problems at once. Undefined for the self-hosted backend.
 */
export function resolveManaged(args: HubSpotTriggerArgs): ResolvedManaged | undefined {
  const managed = args.backend === "managed";
  const problems = managedBackendProblems({ ...args }).map(
    (problem) => `${problem.path.join(".")}: ${problem.message}`,
  );
  // The section's own rules and defaults, as the config applies them; a value known only at deploy time (an Output)
  // is left to the policy pack.
  const plainFields = Object.entries(args.managed ?? {}).filter(
    ([key, value]) => key !== "connectorVersion" && !pulumi.Output.isInstance(value),
  );
  const parsed = managedSchema.safeParse(Object.fromEntries(plainFields));
  if (managed) {
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      problems.push(`managed.${issue.path.join(".")}: ${issue.message}`);
    }
    if (args.accessToken === undefined) problems.push("accessToken: missing; the connection authenticates with it");
    if (args.previousClientSecret !== undefined) {
      problems.push("previousClientSecret: is set; the connection verifies with one client secret");
    }
  }
  if (problems.length > 0) throw new Error(`invalid HubSpotTrigger args (backend):\n  - ${problems.join("\n  - ")}`);
  if (!managed || args.managed === undefined || !parsed.success) return undefined;
  const { connectorVersion: _unset, serviceAccount, ...settings } = parsed.data;
  // An account given as an Output is passed through as it is.
  const account = serviceAccount ?? args.managed.serviceAccount;
  return {
    ...settings,
    connectorVersion: args.managed.connectorVersion,
    ...(account !== undefined ? { serviceAccount: account } : {}),
  };
}
