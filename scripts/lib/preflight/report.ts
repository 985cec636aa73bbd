/**
 * Runs the checks for every project the plan touches and turns the answers into the report (text or JSON) and the
 * exit code: 0 nothing missing, 1 something missing, 2 some check could not run (what was found is still reported).
 */
import type { ApiNeed } from "./apis";
import { describeError, grantedPermissions, serviceStates, type GoogleClients, type ServiceState } from "./google";
import { roleFor } from "./permissions";

export interface MissingPermission {
  permission: string;
  /** The predefined role that grants it (scripts/lib/preflight/permissions.ts ROLE_BY_PERMISSION). */
  role: string | null;
  roleTitle: string | null;
  neededBy: string[];
}

export interface ApiStatus {
  api: string;
  state: ServiceState | "UNKNOWN";
  enabledByStack: boolean;
  /** Set when this API blocks the deploy. */
  problem: string | null;
}

export interface ProjectReport {
  project: string;
  checkedPermissions: number;
  missingPermissions: MissingPermission[];
  apis: ApiStatus[];
  /** Checks that could not run, with Google's answer. */
  errors: string[];
}

export interface PreflightReport {
  stack: string;
  credentials: string;
  enableApis: boolean;
  projects: ProjectReport[];
  exitCode: 0 | 1 | 2;
}

export interface PreflightInput {
  stack: string;
  credentials: string;
  enableApis: boolean;
  defaultProject: string;
  permissions: Map<string, Map<string, string[]>>;
  apis: ApiNeed[];
}

function apiProblem(need: ApiNeed, state: ServiceState, input: PreflightInput): string | null {
  if (state === "ENABLED" || need.enabledByStack) return null;
  if (need.project !== input.defaultProject) {
    return "disabled, and the stack manages APIs only in its own project: enable it in this project";
  }
  return input.enableApis
    ? "disabled, and the program does not enable it: enable it, or check components/apis.ts"
    : "disabled, and hubspot-trigger:enableApis is false: enable it (gcloud services enable) or set enableApis true";
}

async function checkProject(clients: GoogleClients, project: string, input: PreflightInput): Promise<ProjectReport> {
  const needed = input.permissions.get(project) ?? new Map<string, string[]>();
  const report: ProjectReport = {
    project,
    checkedPermissions: needed.size,
    missingPermissions: [],
    apis: [],
    errors: [],
  };
  let granted: Set<string> | undefined;
  try {
    granted = await grantedPermissions(clients, project, [...needed.keys()]);
    for (const [permission, neededBy] of needed) {
      if (granted.has(permission)) continue;
      const role = roleFor(permission);
      report.missingPermissions.push({
        permission,
        role: role?.id ?? null,
        roleTitle: role?.title ?? null,
        neededBy,
      });
    }
  } catch (error) {
    const { status, message } = describeError(error);
    report.errors.push(
      `testIamPermissions on projects/${project} failed${status ? ` (HTTP ${status})` : ""}: ${message}`,
    );
  }

  const apiNeeds = input.apis.filter((need) => need.project === project);
  if (apiNeeds.length === 0) return report;
  try {
    const states = await serviceStates(
      clients,
      project,
      apiNeeds.map((need) => need.api),
    );
    for (const need of apiNeeds) {
      const state = states.get(need.api);
      if (state === undefined) {
        report.apis.push({ api: need.api, state: "UNKNOWN", enabledByStack: need.enabledByStack, problem: null });
        report.errors.push(`services.batchGet on projects/${project} did not return ${need.api}`);
        continue;
      }
      report.apis.push({
        api: need.api,
        state,
        enabledByStack: need.enabledByStack,
        problem: apiProblem(need, state, input),
      });
    }
  } catch (error) {
    const { status, message } = describeError(error);
    const unknown = apiNeeds.map((need) => ({
      api: need.api,
      state: "UNKNOWN" as const,
      enabledByStack: need.enabledByStack,
      problem: null,
    }));
    report.apis.push(...unknown);
    // Not a separate failure when the permission check already says why: the deployer lacks services.get here.
    const explained =
      status === 403 && report.missingPermissions.some((m) => m.permission === "serviceusage.services.get");
    if (!explained) {
      report.errors.push(
        `services.batchGet on projects/${project} failed${status ? ` (HTTP ${status})` : ""}: ${message}`,
      );
    }
  }
  return report;
}

export async function runPreflight(clients: GoogleClients, input: PreflightInput): Promise<PreflightReport> {
  const projects = [...new Set([...input.permissions.keys(), ...input.apis.map((need) => need.project)])].sort();
  const reports: ProjectReport[] = [];
  // One project at a time: a handful of calls each, and the order of the output follows the order of the checks.
  for (const project of projects) reports.push(await checkProject(clients, project, input));
  const failed = reports.some((r) => r.errors.length > 0);
  const missing = reports.some((r) => r.missingPermissions.length > 0 || r.apis.some((a) => a.problem !== null));
  return {
    stack: input.stack,
    credentials: input.credentials,
    enableApis: input.enableApis,
    projects: reports,
    exitCode: failed ? 2 : missing ? 1 : 0,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderText(report: PreflightReport): string {
  const lines: string[] = [`preflight ${report.stack} (credentials: ${report.credentials})`];
  const missing = report.projects.flatMap((p) => p.missingPermissions.map((m) => ({ project: p.project, ...m })));
  const checked = report.projects.reduce((sum, p) => sum + p.checkedPermissions, 0);
  if (missing.length === 0) {
    lines.push(`permissions: all ${checked} held, in ${report.projects.length} project(s)`);
  } else {
    lines.push(`permissions: ${missing.length} of ${checked} missing`, "");
    lines.push(
      table([
        ["PROJECT", "MISSING PERMISSION", "GRANTED BY", "NEEDED FOR"],
        ...missing.map((m) => [
          m.project,
          m.permission,
          m.role ? `${m.role} (${m.roleTitle})` : "(no role in the table)",
          m.neededBy.join(", "),
        ]),
      ]),
    );
  }
  const apis = report.projects.flatMap((p) => p.apis.map((a) => ({ project: p.project, ...a })));
  const problems = apis.filter((a) => a.problem !== null);
  const enabling = apis.filter((a) => a.state === "DISABLED" && a.problem === null);
  lines.push("");
  if (problems.length === 0) {
    const on = apis.filter((a) => a.state === "ENABLED").length;
    const unknown = apis.filter((a) => a.state === "UNKNOWN" || a.state === "STATE_UNSPECIFIED").length;
    lines.push(`APIs: ${on} of ${apis.length} on, ${enabling.length} off that pulumi up enables, ${unknown} not read`);
  } else {
    lines.push(`APIs: ${problems.length} off that pulumi up will not turn on`, "");
    lines.push(table([["PROJECT", "API", "PROBLEM"], ...problems.map((a) => [a.project, a.api, a.problem ?? ""])]));
  }
  for (const a of enabling)
    lines.push(`  ${a.project} ${a.api}: off now, pulumi up enables it (hubspot-trigger:enableApis)`);
  const errors = report.projects.flatMap((p) => p.errors);
  if (errors.length > 0) lines.push("", "could not check:", ...errors.map((e) => `  ${e}`));
  lines.push(
    "",
    report.exitCode === 0
      ? "ok: the deployer can run pulumi up for this stack"
      : report.exitCode === 1
        ? "missing: grant the roles above (docs/deployer-permissions.md) and enable the APIs, then run preflight again"
        : "incomplete: some checks could not run (above)",
  );
  return lines.join("\n");
}
