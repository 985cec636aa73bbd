import type { PolicyResource } from "@pulumi/policy";
import { configKey, PUBLIC_MEMBERS } from "../lib/conventions";
import { type IamGrant, iamGrants, shortName } from "../lib/iam";
import { servicesOf, type StackRule } from "../lib/rule";
import { readString } from "../lib/values";

const PUBLIC = new Set<string>(PUBLIC_MEMBERS);

/** The one public grant the design needs: HubSpot (unauthenticated) invoking the listener's webhook. */
function isListenerInvoker(grant: IamGrant, listeners: PolicyResource[]): boolean {
  if (grant.scope !== "cloudRunService" || grant.role !== "roles/run.invoker") return false;
  if (typeof grant.target !== "string") return false;
  const target = shortName(grant.target);
  return listeners.some((service) => readString(service.props, "name") === target);
}

/**
 * Severity: critical. Protects against data leaks and abuse through `allUsers` / `allAuthenticatedUsers` bindings
 * (CIS GCP 5.1 / 6.x: "not anonymously or publicly accessible"): a public topic lets anyone inject events, a public
 * secret leaks the signing key, a public dispatcher lets anyone start integrations. The only exception is
 * roles/run.invoker on the listener service, whose requests are authenticated by HubSpot's signature instead.
 * https://cloud.google.com/iam/docs/principal-identifiers#allusers
 */
export const noPublicMembers: StackRule = {
  name: "hubspot-trigger-iam-no-public-members",
  description: "No IAM binding grants anything to allUsers or allAuthenticatedUsers except invoking the listener.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Remove the public member; grant the role to the one service account that needs it. Only the listener Cloud Run " +
    "service (label component=listener) may grant roles/run.invoker to allUsers.",
  url: "https://cloud.google.com/iam/docs/principal-identifiers#allusers",
  validateStack: (args, report) => {
    const listeners = servicesOf(args.resources, "listener");
    for (const resource of args.resources) {
      for (const grant of iamGrants(resource.type, resource.props)) {
        const publicMembers = grant.members.filter((m): m is string => typeof m === "string" && PUBLIC.has(m));
        if (publicMembers.length === 0 || isListenerInvoker(grant, listeners)) continue;
        const target = typeof grant.target === "string" ? ` "${shortName(grant.target)}"` : "";
        // The one grant whose members come from stack config: roles/connectors.admin to `admins`.
        const fix = grant.role === "roles/connectors.admin" ? `: remove them from ${configKey("admins")}` : "";
        report(
          `Grants ${String(grant.role)} on ${grant.scope}${target} to ${publicMembers.join(", ")}${fix}.`,
          resource.urn,
        );
      }
    }
  },
};
