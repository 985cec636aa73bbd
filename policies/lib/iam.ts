/**
 * One view over every IAM resource type this pack inspects: which role, which members, on what. Covers the
 * additive `*IAMMember`, the per-role authoritative `*IAMBinding` and the fully authoritative `*IAMPolicy` (its
 * `policyData` JSON parsed into one grant per binding), so a public member or a basic role cannot slip through by
 * choosing another resource kind.
 */
import type { PolicyResource } from "@pulumi/policy";
import { read, readArray, readString, UNKNOWN, type Unknown } from "./values";

export type IamScope =
  "project" | "secret" | "topic" | "subscription" | "cloudRunService" | "serviceAccount" | "artifactRepository";

interface IamType {
  scope: IamScope;
  /** Input naming the resource the role is bound on. */
  target: string;
  /** `member` (one), `members` (a list) or `policyData` (a whole policy as JSON). */
  form: "member" | "members" | "policy";
}

const FAMILIES: [IamScope, string, Record<IamType["form"], string>][] = [
  [
    "project",
    "project",
    {
      member: "gcp:projects/iAMMember:IAMMember",
      members: "gcp:projects/iAMBinding:IAMBinding",
      policy: "gcp:projects/iAMPolicy:IAMPolicy",
    },
  ],
  [
    "secret",
    "secretId",
    {
      member: "gcp:secretmanager/secretIamMember:SecretIamMember",
      members: "gcp:secretmanager/secretIamBinding:SecretIamBinding",
      policy: "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
    },
  ],
  [
    "topic",
    "topic",
    {
      member: "gcp:pubsub/topicIAMMember:TopicIAMMember",
      members: "gcp:pubsub/topicIAMBinding:TopicIAMBinding",
      policy: "gcp:pubsub/topicIAMPolicy:TopicIAMPolicy",
    },
  ],
  [
    "subscription",
    "subscription",
    {
      member: "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
      members: "gcp:pubsub/subscriptionIAMBinding:SubscriptionIAMBinding",
      policy: "gcp:pubsub/subscriptionIAMPolicy:SubscriptionIAMPolicy",
    },
  ],
  [
    "cloudRunService",
    "name",
    {
      member: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
      members: "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding",
      policy: "gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy",
    },
  ],
  [
    "serviceAccount",
    "serviceAccountId",
    {
      member: "gcp:serviceaccount/iAMMember:IAMMember",
      members: "gcp:serviceaccount/iAMBinding:IAMBinding",
      policy: "gcp:serviceaccount/iAMPolicy:IAMPolicy",
    },
  ],
  [
    "artifactRepository",
    "repository",
    {
      member: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
      members: "gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding",
      policy: "gcp:artifactregistry/repositoryIamPolicy:RepositoryIamPolicy",
    },
  ],
];

export const IAM_TYPES: Readonly<Record<string, IamType>> = Object.fromEntries(
  FAMILIES.flatMap(([scope, target, tokens]) =>
    (Object.keys(tokens) as IamType["form"][]).map((form) => [tokens[form], { scope, target, form }]),
  ),
);

export interface IamGrant {
  scope: IamScope;
  role: string | Unknown | undefined;
  /** Each member, UNKNOWN where the engine does not know it yet (an account's email before it exists). */
  members: (string | Unknown)[];
  /** The topic, secret, service... the role is bound on. */
  target: string | Unknown | undefined;
  /** The `project` input, where the target is named by a short name. */
  project: string | Unknown | undefined;
  /** The IAM condition's expression (`condition.expression`), undefined when the grant is unconditional. */
  condition: string | Unknown | undefined;
}

function memberList(value: unknown[] | Unknown | undefined): (string | Unknown)[] {
  if (value === UNKNOWN) return [UNKNOWN];
  return (value ?? []).map((m) => (typeof m === "string" ? m : UNKNOWN));
}

type PolicyBinding = [string | Unknown | undefined, (string | Unknown)[], string | Unknown | undefined];

/** The expression of a `condition` input or policy binding's condition; UNKNOWN while the condition is. */
function conditionExpression(holder: unknown): string | Unknown | undefined {
  const condition = read(holder, "condition");
  if (condition === undefined || condition === null) return undefined;
  if (condition === UNKNOWN) return UNKNOWN;
  return readString(condition, "expression");
}

/** `policyData` bindings as [role, members, condition]; one unknown grant when the policy is not known or valid. */
function policyBindings(props: unknown): PolicyBinding[] {
  const data = readString(props, "policyData");
  if (data === undefined) return [];
  if (data === UNKNOWN) return [[UNKNOWN, [UNKNOWN], undefined]];
  let policy: unknown;
  try {
    policy = JSON.parse(data);
  } catch {
    return [[UNKNOWN, [UNKNOWN], undefined]];
  }
  const bindings = readArray(policy, "bindings");
  if (bindings === UNKNOWN || bindings === undefined) return [];
  return bindings.map((binding) => [
    readString(binding, "role"),
    memberList(readArray(binding, "members")),
    conditionExpression(binding),
  ]);
}

/** The grants an IAM resource makes ([] when `type` is not an IAM type of this pack). */
export function iamGrants(type: string, props: unknown): IamGrant[] {
  const iam = IAM_TYPES[type];
  if (!iam) return [];
  const where: Pick<IamGrant, "scope" | "target" | "project"> = {
    scope: iam.scope,
    target: readString(props, iam.target),
    project: readString(props, "project"),
  };
  if (iam.form === "policy") {
    return policyBindings(props).map(([role, members, condition]) => ({ ...where, role, members, condition }));
  }
  const members =
    iam.form === "members"
      ? memberList(readArray(props, "members"))
      : read(props, "member") === undefined
        ? []
        : memberList([read(props, "member")]);
  return [{ ...where, role: readString(props, "role"), members, condition: conditionExpression(props) }];
}

/** The last path segment: `projects/p/topics/t` -> `t`; a bare name stays as is. */
export function shortName(value: string): string {
  const parts = value.split("/");
  return parts[parts.length - 1];
}

/** Every grant made by the stack's IAM resources, with the resource making it. */
export function stackGrants(resources: PolicyResource[]): { resource: PolicyResource; grant: IamGrant }[] {
  return resources.flatMap((resource) =>
    iamGrants(resource.type, resource.props).map((grant) => ({ resource, grant })),
  );
}
