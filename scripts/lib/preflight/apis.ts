/**
 * Which Google APIs must be on, in which project, and which of them `pulumi up` turns on itself.
 *
 * The stack's project needs `requiredApis` (components/apis.ts, the table `ProjectApis` enables from). Another project
 * the stack writes to (prod's dead-letter project, a cross-project image repository) needs the APIs serving what is
 * created or read there; `ProjectApis` only manages the stack's own project, so a disabled API there is always a
 * problem, whatever `hubspot-trigger:enableApis` says.
 */
import { API, API_BY_RESOURCE_TYPE, requiredApis } from "../../../components/apis";
import type { PlannedResource } from "./permissions";
import { PERMISSIONS_BY_RESOURCE_TYPE, projectOf, type ResourceContext } from "./permissions";

export interface ApiNeed {
  project: string;
  api: string;
  /** The plan enables it (a `gcp:projects/service:Service` for it in that project): being off now is not a problem. */
  enabledByStack: boolean;
}

/** Permissions whose use in another project needs that project's API on, for the related permissions of the table. */
const API_BY_PERMISSION_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ["artifactregistry.", API.artifactregistry],
  ["pubsub.", API.pubsub],
];

const IMAGE_BUILD_TYPES = new Set(["gcp:artifactregistry/repository:Repository", "docker-build:index:Image"]);

export function neededApis(resources: readonly PlannedResource[], defaultProject: string): ApiNeed[] {
  const context: ResourceContext = { defaultProject, resources };
  const needs = new Map<string, Set<string>>();
  const add = (project: string, api: string) => {
    const apis = needs.get(project) ?? new Set<string>();
    needs.set(project, apis);
    apis.add(api);
  };
  const stackApis = requiredApis({
    privateServiceConnect: resources.some((r) => r.type.startsWith("gcp:compute/")),
    buildsImage: resources.some((r) => IMAGE_BUILD_TYPES.has(r.type)),
    alerts: resources.some((r) => API_BY_RESOURCE_TYPE[r.type] === API.monitoring),
    managed: resources.some((r) => API_BY_RESOURCE_TYPE[r.type] === API.connectors),
  });
  for (const api of stackApis) add(defaultProject, api);
  for (const resource of resources) {
    const api = API_BY_RESOURCE_TYPE[resource.type];
    if (api) add(projectOf(resource, context), api);
    for (const related of PERMISSIONS_BY_RESOURCE_TYPE[resource.type]?.related?.(resource, context) ?? []) {
      const prefix = API_BY_PERMISSION_PREFIX.find(([p]) => related.permission.startsWith(p));
      if (prefix) add(related.project, prefix[1]);
    }
  }
  const enabledByStack = new Set(
    resources
      .filter((r) => r.type === "gcp:projects/service:Service" && typeof r.inputs.service === "string")
      .map((r) => `${projectOf(r, context)}/${String(r.inputs.service)}`),
  );
  return [...needs.keys()].sort().flatMap((project) =>
    [...needs.get(project)!].sort().map((api) => ({
      project,
      api,
      enabledByStack: enabledByStack.has(`${project}/${api}`),
    })),
  );
}
