// `npm run preflight` end to end: the real CLI, the real offline plans, the real Google clients, against the
// discovery-built stand-in on 127.0.0.1 (test/preflight/google-stand-in.ts).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { neededApis } from "../../scripts/lib/preflight/apis";
import { neededPermissions } from "../../scripts/lib/preflight/permissions";
import type { PreflightReport } from "../../scripts/lib/preflight/report";
import { startGoogleStandIn, type GoogleStandIn, type StandInState } from "./google-stand-in";
import { credentialFreeEnv, NO_APIS_STACK, planOf, run, type Run, type StackPlan } from "./support";

/** Every permission and API the plan needs, granted and on. */
function everything(plan: StackPlan): StandInState {
  const granted: Record<string, string[]> = {};
  for (const [project, permissions] of neededPermissions(plan.resources, plan.project)) {
    granted[project] = [...permissions.keys(), "serviceusage.services.get"];
  }
  const enabled: Record<string, string[]> = {};
  for (const need of neededApis(plan.resources, plan.project)) (enabled[need.project] ??= []).push(need.api);
  return { granted, enabled };
}

function withoutPermission(state: StandInState, project: string, ...permissions: string[]): StandInState {
  return {
    ...state,
    granted: { ...state.granted, [project]: state.granted[project].filter((p) => !permissions.includes(p)) },
  };
}

function withoutApi(state: StandInState, project: string, api: string): StandInState {
  return { ...state, enabled: { ...state.enabled, [project]: state.enabled[project].filter((a) => a !== api) } };
}

const missingOf = (report: PreflightReport) =>
  report.projects.flatMap((p) => p.missingPermissions.map((m) => `${p.project} ${m.permission} ${m.role}`));
const apiProblemsOf = (report: PreflightReport) =>
  report.projects.flatMap((p) => p.apis.filter((a) => a.problem !== null).map((a) => `${p.project} ${a.api}`));

describe("npm run preflight (against the Google stand-in)", function () {
  this.timeout(180_000);
  let prod: StackPlan;
  let noApis: StackPlan;
  let standIn: GoogleStandIn;

  before(async () => {
    [prod, noApis] = await Promise.all([
      planOf(["--stack", "prod"], "acme-hubspot-prod"),
      planOf(["--config-file", NO_APIS_STACK], "acme-hubspot-dev"),
    ]);
    standIn = await startGoogleStandIn({ granted: {}, enabled: {} });
  });
  after(() => standIn.close());
  beforeEach(() => {
    standIn.calls.length = 0;
    standIn.refusals.length = 0;
  });

  async function preflight(args: string[]): Promise<Run & { report: PreflightReport }> {
    const env = { ...credentialFreeEnv(os.tmpdir()), GOOGLE_OAUTH_ACCESS_TOKEN: "stand-in-token" };
    const result = await run("scripts/preflight.ts", ["--json", "--api-root", standIn.url, ...args], env);
    assert.deepEqual(standIn.refusals, [], "every request preflight sent passes the discovery validation");
    return { ...result, report: JSON.parse(result.stdout) as PreflightReport };
  }

  it("exits 0 when every permission is held and every API is on, checking each of prod's three projects", async () => {
    standIn.state = everything(prod);
    const { status, report } = await preflight(["--stack", "prod"]);
    assert.equal(status, 0);
    assert.deepEqual(missingOf(report), []);
    assert.deepEqual(
      report.projects.map((p) => p.project),
      ["acme-artifacts", "acme-hubspot-prod", "acme-ops-deadletters"],
    );
    const tested = new Set(
      standIn.calls.filter((c) => c.methodId.endsWith("testIamPermissions")).map((c) => c.params.resource),
    );
    assert.deepEqual([...tested].sort(), [
      "projects/acme-artifacts",
      "projects/acme-hubspot-prod",
      "projects/acme-ops-deadletters",
    ]);
  });

  it("exits 1 and lists exactly the missing permissions, per project, with the role that grants each", async () => {
    standIn.state = withoutPermission(
      withoutPermission(everything(prod), "acme-hubspot-prod", "run.services.create", "iam.serviceAccounts.actAs"),
      "acme-ops-deadletters",
      "pubsub.topics.attachSubscription",
    );
    const { status, report } = await preflight(["--stack", "prod"]);
    assert.equal(status, 1);
    assert.deepEqual(missingOf(report), [
      "acme-hubspot-prod iam.serviceAccounts.actAs roles/iam.serviceAccountUser",
      "acme-hubspot-prod run.services.create roles/run.admin",
      "acme-ops-deadletters pubsub.topics.attachSubscription roles/pubsub.admin",
    ]);
    assert.deepEqual(apiProblemsOf(report), []);
  });

  it("prints the same findings as a table without --json", async () => {
    standIn.state = withoutPermission(everything(prod), "acme-hubspot-prod", "run.services.create");
    const env = { ...credentialFreeEnv(os.tmpdir()), GOOGLE_OAUTH_ACCESS_TOKEN: "stand-in-token" };
    const { status, stdout } = await run("scripts/preflight.ts", ["--stack", "prod", "--api-root", standIn.url], env);
    assert.equal(status, 1);
    assert.match(stdout, /permissions: 1 of \d+ missing/);
    assert.match(
      stdout,
      /acme-hubspot-prod\s+run\.services\.create\s+roles\/run\.admin \(Cloud Run Admin\)\s+gcp:cloudrunv2\/service:Service/,
    );
  });

  it("with enableApis true (prod's default), a disabled API of the stack's project is not a problem: pulumi up enables it", async () => {
    standIn.state = withoutApi(everything(prod), "acme-hubspot-prod", "run.googleapis.com");
    const { status, report } = await preflight(["--stack", "prod"]);
    assert.equal(report.enableApis, true);
    const run = report.projects
      .find((p) => p.project === "acme-hubspot-prod")!
      .apis.find((a) => a.api === "run.googleapis.com")!;
    assert.deepEqual(run, { api: "run.googleapis.com", state: "DISABLED", enabledByStack: true, problem: null });
    assert.equal(status, 0);
  });

  it("a disabled API in the dead-letter project is a problem whatever enableApis says (the stack does not manage it)", async () => {
    standIn.state = withoutApi(everything(prod), "acme-ops-deadletters", "pubsub.googleapis.com");
    const { status, report } = await preflight(["--stack", "prod"]);
    assert.equal(status, 1);
    assert.deepEqual(apiProblemsOf(report), ["acme-ops-deadletters pubsub.googleapis.com"]);
  });

  it("with enableApis false, a disabled API of the stack's project is a problem, and enabling needs no permission", async () => {
    const state = everything(noApis);
    assert.ok(!state.granted["acme-hubspot-dev"].includes("serviceusage.services.enable"), "nothing to enable");
    standIn.state = withoutApi(state, "acme-hubspot-dev", "secretmanager.googleapis.com");
    const { status, report } = await preflight(["--config-file", NO_APIS_STACK]);
    assert.equal(report.enableApis, false);
    assert.equal(status, 1);
    assert.deepEqual(apiProblemsOf(report), ["acme-hubspot-dev secretmanager.googleapis.com"]);
    assert.match(report.projects[0].apis.find((a) => a.problem)!.problem!, /enableApis is false/);
  });

  it("exits 2 with one clear line when there are no credentials, without contacting anything", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-home-"));
    const result = await run(
      "scripts/preflight.ts",
      ["--stack", "dev", "--api-root", standIn.url],
      credentialFreeEnv(home),
    );
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0],
      /^preflight: no Google credentials found .*gcloud auth application-default login.*GOOGLE_APPLICATION_CREDENTIALS/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    assert.equal(standIn.calls.length + standIn.refusals.length, 0);
  });

  it("exits 2 naming an unknown option, with the usage", async () => {
    const result = await run("scripts/preflight.ts", ["--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^preflight: Unknown option '--stak'.*\nusage: npm run preflight -- /);
  });

  it("exits 2 when a project cannot be checked at all (no access to it)", async () => {
    const state = everything(prod);
    delete state.granted["acme-artifacts"];
    standIn.state = state;
    const result = await run("scripts/preflight.ts", ["--stack", "prod", "--json", "--api-root", standIn.url], {
      ...credentialFreeEnv(os.tmpdir()),
      GOOGLE_OAUTH_ACCESS_TOKEN: "stand-in-token",
    });
    assert.equal(result.status, 2);
    const report = JSON.parse(result.stdout) as PreflightReport;
    assert.match(report.projects[0].errors[0], /^testIamPermissions on projects\/acme-artifacts failed \(HTTP 403\)/);
  });
});
