import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ACCOUNT_ROLES, type AccountRole } from "../vendor/contract";
import { TYPES } from "./conventions";
import { readString, readStringMap, type Unknown, UNKNOWN } from "./values";

/** What every rule of the pack documents besides its check (rendered in the README and by `pulumi policy ls`). */
interface Documented {
  /** One sentence ending with a period. */
  description: string;
  enforcementLevel: EnforcementLevel;
  severity: Severity;
  remediationSteps: string;
  url: string;
}

/** A resource rule with exactly one validation function, so the SDK can skip other types without calling it. */
export type ResourceRule = ResourceValidationPolicy & Documented & { validateResource: ResourceValidation };
export type StackRule = StackValidationPolicy & Documented;
export type Rule = ResourceRule | StackRule;

export function isStackRule(rule: Rule): rule is StackRule {
  return "validateStack" in rule && typeof rule.validateStack === "function";
}

/** Value of a resource's `component` label (the convention that says which part of the trigger it is). */
export function componentOf(resource: PolicyResource): string | Unknown | undefined {
  const labels = readStringMap(resource.props, "labels");
  return labels.entries.component ?? (labels.partlyUnknown ? UNKNOWN : undefined);
}

/**
 * The email GCP gives an account, `<accountId>@<project>.iam.gserviceaccount.com`, from inputs known before it
 * exists (the `email` output is unknown during a first preview, and absent from an offline plan's inputs).
 */
function derivedEmail(account: PolicyResource): string | undefined {
  const accountId = readString(account.props, "accountId");
  const project = readString(account.props, "project");
  return typeof accountId === "string" && typeof project === "string"
    ? `${accountId}@${project}.iam.gserviceaccount.com`
    : undefined;
}

/**
 * The emails `role` is used as, read where it is used: the service account a Cloud Run service runs as (the listener,
 * or the dispatcher for the trigger account), the service account of an Integration Connectors connection (backend
 * `managed`: the connection is the listener, and runs as the listener account or `hubspot-trigger:managed.serviceAccount`)
 * and the OIDC identity of push subscriptions (the push account). This finds existing accounts
 * (`hubspot-trigger:serviceAccounts`), which are not resources of the stack; a service without one runs as the
 * Compute Engine default account (hubspot-trigger-iam-runtime-accounts-dedicated).
 */
export function usedIdentities(resources: PolicyResource[], role: AccountRole): (string | Unknown)[] {
  const emails =
    role === "push"
      ? resources
          .filter((r) => r.type === TYPES.subscription)
          .map((r) => readString(r.props, "pushConfig.oidcToken.serviceAccountEmail"))
      : role === "listener"
        ? [
            ...servicesOf(resources, "listener").map((r) => readString(r.props, "template.serviceAccount")),
            ...connectionsOf(resources).map((r) => readString(r.props, "serviceAccount")),
          ]
        : servicesOf(resources, "dispatcher").map((r) => readString(r.props, "template.serviceAccount"));
  return emails.filter((email): email is string | Unknown => email !== undefined && email !== "");
}

/**
 * The member strings (`serviceAccount:<email>`) of the accounts playing `role`: this stack's accounts marked with
 * the role in their `description`, and the accounts the role is used as (existing ones included). Where the stack
 * creates the account, an identity used but not yet known is that account's email, known here already from its
 * inputs, so it does not make the role doubtful.
 */
export function accountMembers(resources: PolicyResource[], role: AccountRole): (string | Unknown)[] {
  const marked = resources
    .filter((r) => r.type === TYPES.serviceAccount && readString(r.props, "description") === ACCOUNT_ROLES[role])
    .map((r) => {
      const output = readString(r.props, "email");
      const email = typeof output === "string" ? output : derivedEmail(r);
      return email === undefined ? UNKNOWN : `serviceAccount:${email}`;
    });
  const used = usedIdentities(resources, role)
    .filter((email) => email !== UNKNOWN || marked.length === 0)
    .map((email) => (email === UNKNOWN ? UNKNOWN : `serviceAccount:${email}`));
  return [...new Set([...marked, ...used])];
}

/** Every service account member of this stack's runtime accounts (listener, trigger, push). */
export function runtimeAccountMembers(resources: PolicyResource[]): (string | Unknown)[] {
  return (Object.keys(ACCOUNT_ROLES) as AccountRole[]).flatMap((role) => accountMembers(resources, role));
}

/** Integration Connectors connections of this stack (backend `managed`, where one replaces the Cloud Run listener). */
export function connectionsOf(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.type === TYPES.connection);
}

/**
 * The connection of this stack that a ConnectionEventing or EventSubscription names by `connectionName`
 * (`projects/<project>/locations/<location>/connections/<name>`): the one whose name, location and project (where
 * both sides say them) match. While the name is not known (a generated suffix during a first preview) the stack's only
 * connection, UNKNOWN when it has several; undefined when none matches (a connection the stack does not create).
 */
export function connectionNamed(
  resources: PolicyResource[],
  connectionName: string | Unknown | undefined,
): PolicyResource | Unknown | undefined {
  const connections = connectionsOf(resources);
  const single = connections.length === 1 ? connections[0] : connections.length === 0 ? undefined : UNKNOWN;
  if (typeof connectionName !== "string") return connectionName === UNKNOWN ? single : undefined;
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\/connections\/([^/]+)$/.exec(connectionName);
  if (!match) return undefined;
  const [, project, location, name] = match;
  let unknownName = false;
  for (const connection of connections) {
    const own = readString(connection.props, "name");
    if (own === UNKNOWN) {
      unknownName = true;
      continue;
    }
    const agrees = (key: string, value: string) => {
      const given = readString(connection.props, key);
      return typeof given !== "string" || given === value;
    };
    if (own === name && agrees("location", location) && agrees("project", project)) return connection;
  }
  return unknownName ? single : undefined;
}

/** Cloud Run services of this stack labelled with `component`. */
export function servicesOf(resources: PolicyResource[], component: "listener" | "dispatcher"): PolicyResource[] {
  return resources.filter((r) => r.type === TYPES.cloudRunService && componentOf(r) === component);
}

/**
 * `validateResourceOfType` by type token instead of resource class. The pack names GCP types by token (TYPES,
 * checked against @pulumi/gcp by test/policies/conventions.spec.ts) rather than importing @pulumi/gcp: the published
 * pack then installs without that 86 MB package, and the CLI's ts-node does not type-check its 13 MB of typings each
 * time the pack starts. Marks the function with `__pulumiType` like the SDK does when there is one token, so the
 * analyzer skips other types without calling it.
 */
export function validateResourceOfTypes(
  types: readonly string[],
  validate: (props: Record<string, unknown>, args: ResourceValidationArgs, report: (message: string) => void) => void,
): ResourceValidation {
  const fn: ResourceValidation = (args, reportViolation) => {
    if (!types.includes(args.type)) args.notApplicable(`Policy only applies to resources of type ${types.join(", ")}`);
    validate(args.props, args, (message) => reportViolation(message));
  };
  if (types.length === 1) Object.assign(fn, { __pulumiType: types[0] });
  return fn;
}
