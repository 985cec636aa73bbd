// The pack as `pulumi policy publish` ships it and the CLI runs it: policies/ alone in a temporary folder, its own
// dependencies installed from its shrinkwrap, started by @pulumi/pulumi's run-policy-pack from that folder, and
// driven over the analyzer gRPC protocol by this test playing the engine (support/analyzer.ts cites the CLI source it
// mirrors). Its verdicts on the repository's plans must be the offline evaluator's, message for message.
//
// Slow (an npm install, then ts-node type-checking the pack at start-up): CI runs `npm ci` first, so the npm cache
// is warm and the install reads the registry for metadata only.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import {
  evaluatePolicies,
  fromPlanResources,
  loadPolicyConfig,
  policyConfigPath,
  type PolicyViolation,
} from "../../policies/offline";
import { rules } from "../../policies/rules";
import {
  AnalyzerSession,
  levelName,
  type PackProcess,
  reconcilePolicyConfig,
  type RecordingEngine,
  startEngine,
  startPack,
} from "./support/analyzer";
import { BAD_POLICY_STACK, plan } from "./support/plans";

const POLICIES = path.resolve(__dirname, "../../policies");
const PROJECT = "hubspot-trigger";
const run = promisify(execFile);

/** The three plans the pack is compared on: no violation (prod), advisory ones (dev), mandatory ones (bad-policy). */
const STACKS = [
  { stack: "prod", args: ["--stack", "prod"] },
  { stack: "dev", args: ["--stack", "dev"] },
  { stack: "bad-policy", args: ["--config-file", BAD_POLICY_STACK] },
];

const line = (v: PolicyViolation) => `${v.level} ${v.policy} ${v.resource ?? "(stack)"}: ${v.message}`;
const lines = (violations: PolicyViolation[]) => violations.map(line).sort();

describe("policy pack published alone and run as the Pulumi CLI runs it", function () {
  // The before hook installs and compiles; the tests themselves are gRPC round trips.
  this.timeout(120_000);
  let tmp: string;
  let dir: string;
  let engine: RecordingEngine | undefined;
  let pack: PackProcess | undefined;
  let session: AnalyzerSession | undefined;
  let info: pb.AnalyzerInfo;

  before(async function () {
    this.timeout(20 * 60_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hubspot-trigger-pack-"));
    dir = path.join(tmp, "policies");
    fs.cpSync(POLICIES, dir, { recursive: true, filter: (source) => path.basename(source) !== "node_modules" });
    // `npm ci`, not `npm install`: it fails when npm-shrinkwrap.json no longer matches package.json.
    await run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    engine = await startEngine();
    pack = await startPack(dir, engine.address);
    session = new AnalyzerSession(`127.0.0.1:${pack.port}`);
    // The CLI's first calls: Handshake (this SDK answers Unimplemented, and the CLI carries on), then GetAnalyzerInfo.
    await session.handshake(engine.address, dir);
    info = await session.info();
  });

  after(async () => {
    session?.close();
    await pack?.stop();
    await engine?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("publishes the sources, manifest, tsconfig and shrinkwrap, and never node_modules", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json"], { cwd: dir });
    const [tarball] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = tarball.files.map((f) => f.path);
    const sources = ["rules", "lib", "vendor/contract"].flatMap((sub) =>
      fs
        .readdirSync(path.join(POLICIES, sub), { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `${sub}/${entry.name}`),
    );
    assert.ok(sources.includes("vendor/contract/events.ts"), "the generated contract copy is among the sources");
    for (const file of ["PulumiPolicy.yaml", "package.json", "npm-shrinkwrap.json", "tsconfig.json", "index.ts"]) {
      assert.ok(files.includes(file), `the tarball holds ${file}`);
    }
    assert.deepEqual(
      sources.filter((file) => !files.includes(file)),
      [],
    );
    assert.deepEqual(
      files.filter((file) => file.startsWith("node_modules/")),
      [],
    );
  });

  it("describes the pack and every rule as the rules declare them", () => {
    assert.deepEqual([info.getName(), info.getVersion(), info.getSupportsconfig()], [PROJECT, "0.1.0", true]);
    const described = info.getPoliciesList().map((p) => ({
      name: p.getName(),
      level: levelName(p.getEnforcementlevel()),
      description: p.getDescription(),
      remediation: p.getRemediationSteps(),
    }));
    assert.deepEqual(
      described,
      rules.map((r) => ({
        name: r.name,
        level: r.enforcementLevel,
        description: r.description,
        remediation: r.remediationSteps,
      })),
    );
    const minInstances = info.getPoliciesList().find((p) => p.getName() === "hubspot-trigger-cloudrun-min-instances");
    assert.deepEqual(minInstances?.getConfigschema()?.getProperties()?.toJavaScript(), {
      minimum: { type: "integer", minimum: 0, default: 1 },
    });
  });

  for (const { stack, args } of STACKS) {
    it(`reports on the ${stack} plan exactly what the offline evaluator reports`, async () => {
      const planned = plan(args);
      const resources = fromPlanResources(stack, PROJECT, planned.resources);
      const file = JSON.parse(fs.readFileSync(policyConfigPath(planned.environment), "utf8")) as Record<
        string,
        unknown
      >;
      assert.ok(session);
      await session.configureStack("acme", PROJECT, stack);
      await session.configure(reconcilePolicyConfig(info, file));
      const served = await session.violations(resources);
      const offline = evaluatePolicies(resources, loadPolicyConfig(planned.environment));
      assert.deepEqual(lines(served), lines(offline));
      // The comparison is not vacuous where the plan has violations: the same ones `npm run plan` printed.
      assert.deepEqual(lines(served).length, planned.violations.length);
      if (stack === "bad-policy")
        assert.ok(
          served.some((v) => v.level === "mandatory"),
          "bad-policy is refused",
        );
      if (stack === "dev")
        assert.ok(
          served.some((v) => v.level === "advisory"),
          "dev gets advisories",
        );
    });
  }

  it("needs nothing from the engine: run-policy-pack drops its address, so the pack never logs to it", () => {
    assert.deepEqual(engine?.logs, []);
  });
});
