import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString, UNKNOWN } from "../lib/values";
import { googleManagedAccountProblem } from "../vendor/contract";

/**
 * Severity: high. Protects against Google's HubSpot connector running with someone else's rights: a connection
 * that names no `serviceAccount` runs as the Compute Engine default account, which every workload of the project
 * shares and which often holds roles/editor; Google's default accounts and service agents are never a workload's own
 * identity. The connection's account reads the HubSpot secrets and publishes every event, so it must be the
 * listener account the stack creates or an existing account made for this trigger. The same check as the stack
 * config's (contract/roles.ts, `googleManagedAccountProblem`). Mandatory in every environment.
 * https://cloud.google.com/integration-connectors/docs/connectors/hubspot/configure
 */
export const managedConnectionAccount: ResourceRule = {
  name: "hubspot-trigger-managed-connection-account",
  description:
    "Integration Connectors connections name their service account, never a Google default account or service agent.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    `Leave ${configKey("managed.serviceAccount")} unset so the connection runs as the listener account the stack ` +
    "creates, or set it to an existing user-managed account made for this trigger.",
  url: "https://cloud.google.com/integration-connectors/docs/connectors/hubspot/configure",
  validateResource: validateResourceOfTypes([TYPES.connection], (props, args, report) => {
    const email = readString(props, "serviceAccount");
    if (email === UNKNOWN) return;
    if (email === undefined || email === "") {
      report(
        `Connection ${args.name} names no service account, so it runs as the Compute Engine default account: ` +
          `leave ${configKey("managed.serviceAccount")} unset for the stack's own account, or name one made for this trigger.`,
      );
      return;
    }
    const problem = googleManagedAccountProblem(email);
    if (problem !== undefined) {
      report(
        `Connection ${args.name} runs as ${email}, which ${problem}: set ${configKey("managed.serviceAccount")} ` +
          "to an account made for this trigger, or leave it unset for the stack's own.",
      );
    }
  }),
};
