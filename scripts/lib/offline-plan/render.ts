import type { Plan, PlannedResource } from "./run-program";

/**
 * Human form of a plan: the resource tree with the inputs a reviewer checks (names, roles, members, filters,
 * policies, ingress, scaling) and the outputs. The JSON form carries every input; this one stays readable.
 */
const KEY_INPUTS = [
  "name",
  "accountId",
  "secretId",
  "project",
  "location",
  "region",
  "role",
  "member",
  "topic",
  "subscription",
  "secret",
  "service",
  "filter",
  "pushConfig.pushEndpoint",
  "pushConfig.oidcToken.serviceAccountEmail",
  "deadLetterPolicy",
  "retryPolicy",
  "messageRetentionDuration",
  "expirationPolicy",
  "enableMessageOrdering",
  "ingress",
  "deletionProtection",
  "template.serviceAccount",
  "template.scaling",
  "template.containers.0.image",
  "network",
  "ipCidrRange",
  "purpose",
  "networkEndpointType",
  "cloudRun",
  "loadBalancingScheme",
  "target",
  "connectionPreference",
  "consumerAcceptLists",
  "natSubnets",
  "targetService",
  "appId",
  "targetUrl",
  "maxConcurrentRequests",
  "eventType",
  "propertyName",
  "active",
  "labels",
  "repository",
  "repositoryId",
  "format",
  "cleanupPolicies",
  "tags",
  "platforms",
  "push",
];

function pick(inputs: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = inputs;
  for (const part of dotted.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function compact(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 140 ? `${text.slice(0, 137)}...` : text;
}

function renderResource(
  resource: PlannedResource,
  depth: number,
  lines: string[],
  children: Map<string | null, PlannedResource[]>,
): void {
  const indent = "  ".repeat(depth);
  lines.push(`${indent}+ ${resource.type}  ${resource.name}`);
  for (const key of KEY_INPUTS) {
    const value = pick(resource.inputs, key);
    if (value !== undefined && value !== null) lines.push(`${indent}    ${key}: ${compact(value)}`);
  }
  for (const child of children.get(`${resource.type}::${resource.name}`) ?? []) {
    renderResource(child, depth + 1, lines, children);
  }
}

export function renderPlan(plan: Plan): string {
  const known = new Set(plan.resources.map((r) => `${r.type}::${r.name}`));
  const children = new Map<string | null, PlannedResource[]>();
  for (const resource of plan.resources) {
    const parent = resource.parent !== null && known.has(resource.parent) ? resource.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  const lines = [
    `Offline plan of stack "${plan.stack}" (project ${plan.project}): ${plan.resources.length} resources`,
    "",
  ];
  for (const root of children.get(null) ?? []) renderResource(root, 0, lines, children);
  lines.push("", "Outputs:", JSON.stringify(plan.outputs, null, 2));
  if (plan.placeholders.length > 0) {
    lines.push("", `Secrets given offline stand-in values (shown as [secret]): ${plan.placeholders.join(", ")}`);
  }
  return lines.join("\n");
}
