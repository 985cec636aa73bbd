import type { PolicyResource } from "@pulumi/policy";
import { configKey, TYPES } from "../lib/conventions";
import { componentOf, connectionNamed, connectionsOf, servicesOf, type StackRule } from "../lib/rule";
import { readString, UNKNOWN } from "../lib/values";
import { googleManagedAccountProblem, type AccountRole } from "../vendor/contract";

/** Where each runtime identity is set, as the stack's resources carry it. */
interface IdentityUse {
  role: AccountRole;
  resource: PolicyResource;
  email: string | undefined;
}

function identityUses(resources: PolicyResource[]): IdentityUse[] {
  const services = (role: AccountRole, component: "listener" | "dispatcher"): IdentityUse[] =>
    servicesOf(resources, component).flatMap((resource) => {
      const email = readString(resource.props, "template.serviceAccount");
      return typeof email === "symbol" ? [] : [{ role, resource, email: email === "" ? undefined : email }];
    });
  const push: IdentityUse[] = resources
    .filter((r) => r.type === TYPES.subscription && componentOf(r) === "events")
    .flatMap((resource) => {
      const email = readString(resource.props, "pushConfig.oidcToken.serviceAccountEmail");
      return typeof email === "string" && email !== "" ? [{ role: "push" as const, resource, email }] : [];
    });
  return [...services("listener", "listener"), ...services("trigger", "dispatcher"), ...push];
}

/**
 * The accounts Integration Connectors connections run as (backend `managed`: the connection is the listener). A
 * connection naming none or a Google default account is hubspot-trigger-managed-connection-account's to report; here
 * it only must not share its account with another role.
 */
function connectionUses(resources: PolicyResource[]): IdentityUse[] {
  return connectionsOf(resources).flatMap((resource) => {
    const email = readString(resource.props, "serviceAccount");
    return typeof email === "string" && email !== "" && googleManagedAccountProblem(email) === undefined
      ? [{ role: "listener" as const, resource, email }]
      : [];
  });
}

/**
 * Why an event subscription does not publish as its connection's account, or undefined when it does (or cannot be
 * known yet). The subscription writes the events topic as its `serviceAccount`: the connection's account holds the
 * publisher grant there, and any other account would need its own, widening who may write the events topic; a Google
 * default account or service agent is never the trigger's own identity.
 */
function eventSubscriptionProblem(resources: PolicyResource[], subscription: PolicyResource): string | undefined {
  const email = readString(subscription.props, "serviceAccount");
  if (email === UNKNOWN) return undefined;
  if (email === undefined || email === "") {
    return `Event subscription ${subscription.name} names no service account; it must publish as its connection's account.`;
  }
  const problem = googleManagedAccountProblem(email);
  if (problem !== undefined) {
    return `Event subscription ${subscription.name} publishes as ${email}, which ${problem}; it must publish as its connection's account.`;
  }
  const connection = connectionNamed(resources, readString(subscription.props, "connectionName"));
  if (connection === undefined || connection === UNKNOWN) return undefined;
  const own = readString(connection.props, "serviceAccount");
  // A connection without its own account is hubspot-trigger-managed-connection-account's to report: its account is
  // what is wrong, not the subscription's.
  if (typeof own !== "string" || own === "" || own === email || googleManagedAccountProblem(own) !== undefined) {
    return undefined;
  }
  return (
    `Event subscription ${subscription.name} publishes as ${email}, not as its connection's account ${own}: ` +
    "another account needs its own publisher grant on the events topic and widens who may write it."
  );
}

/**
 * Severity: high. Protects against a runtime identity holding more than its role: a Cloud Run service that names no
 * account runs as the Compute Engine default account, which every other workload of the project shares and which
 * often holds roles/editor; Google's default accounts and service agents are never a workload's own identity; and
 * one account in two roles holds both roles' rights (a listener account that may also invoke the dispatcher lets
 * whoever controls the public listener run integrations without a HubSpot signature). This holds whether the stack
 * creates the accounts or uses existing ones (`hubspot-trigger:serviceAccounts`), and for either backend: with
 * `managed` the listener identity is the Integration Connectors connection's `serviceAccount`, and each event
 * subscription of the connection publishes to the events topic as that same account, never another one or a Google
 * default account or service agent.
 * https://cloud.google.com/iam/docs/best-practices-service-accounts#single-purpose
 */
export const runtimeAccountsDedicated: StackRule = {
  name: "hubspot-trigger-iam-runtime-accounts-dedicated",
  description:
    "The listener, dispatcher and push identities are three distinct service accounts, none a Google default account or service agent, and event subscriptions publish as their connection's account.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Give each Cloud Run service (and the Integration Connectors connection of backend managed) its own service " +
    "account and each push subscription the push account, three different user-managed accounts: leave " +
    `${configKey("serviceAccounts")} and ${configKey("managed.serviceAccount")} unset for accounts the stack ` +
    "creates, or name existing accounts made for this trigger. Give each event subscription of the connection the " +
    "connection's `serviceAccount`, as the managed backend does.",
  url: "https://cloud.google.com/iam/docs/best-practices-service-accounts#single-purpose",
  validateStack: (args, report) => {
    const firstRole = new Map<string, AccountRole>();
    for (const use of [...identityUses(args.resources), ...connectionUses(args.resources)]) {
      if (use.email === undefined) {
        report(
          `Cloud Run service ${use.resource.name} names no service account, so it runs as the Compute Engine default account.`,
          use.resource.urn,
        );
        continue;
      }
      const problem = googleManagedAccountProblem(use.email);
      if (problem !== undefined) {
        report(`The ${use.role} identity ${use.email} ${problem}.`, use.resource.urn);
        continue;
      }
      const other = firstRole.get(use.email);
      if (other === undefined) firstRole.set(use.email, use.role);
      else if (other !== use.role) {
        report(
          `${use.email} is both the ${other} and the ${use.role} identity; each role needs its own account.`,
          use.resource.urn,
        );
      }
    }
    for (const subscription of args.resources.filter((r) => r.type === TYPES.eventSubscription)) {
      const problem = eventSubscriptionProblem(args.resources, subscription);
      if (problem !== undefined) report(problem, subscription.urn);
    }
  },
};
