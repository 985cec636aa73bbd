// Meta-checks over the whole pack: names, documentation, the per-environment configs, and the pack's entry file.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { checkPolicyConfig, effectiveLevel, loadPolicyConfig } from "../../policies/offline";
import { rules } from "../../policies/rules";

const POLICIES = path.resolve(__dirname, "../../policies");
const RULES_DIR = path.join(POLICIES, "rules");
const SERVICES = ["hubspot", "iam", "secretmanager", "pubsub", "cloudrun", "psc", "gcp", "monitoring", "managed"];

describe("policy pack", () => {
  it("names every rule hubspot-trigger-<service>-<what>, uniquely", () => {
    const pattern = new RegExp(`^hubspot-trigger-(${SERVICES.join("|")})-[a-z0-9]+(-[a-z0-9]+)*$`);
    for (const rule of rules) assert.match(rule.name, pattern);
    assert.equal(new Set(rules.map((r) => r.name)).size, rules.length);
  });

  it("has one file per rule, named after it, and every rule file is in the pack", () => {
    const files = fs.readdirSync(RULES_DIR).filter((f) => f !== "index.ts");
    assert.deepEqual(files.sort(), rules.map((r) => `${r.name}.ts`).sort());
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path.join(RULES_DIR, file)) as Record<string, { name?: string }>);
      assert.deepEqual(
        exported.map((e) => e.name),
        [file.replace(/\.ts$/, "")],
        `${file} must export exactly its rule`,
      );
    }
  });

  it("describes every rule in one sentence ending with a period", () => {
    for (const rule of rules) {
      assert.match(rule.description, /^[A-Z][^\n]*\.$/, rule.name);
      assert.equal(rule.description.split(/\.\s/).length, 1, `${rule.name}: "${rule.description}" is one sentence`);
    }
  });

  it("documents severity, remediation and a link, in the rule and in its JSDoc", () => {
    for (const rule of rules) {
      assert.ok(rule.remediationSteps.length > 20 && rule.remediationSteps.endsWith("."), rule.name);
      assert.match(rule.url, /^https:\/\//, rule.name);
      const source = fs.readFileSync(path.join(RULES_DIR, `${rule.name}.ts`), "utf8");
      const jsdoc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export const/.exec(source)?.[1] ?? "";
      assert.match(jsdoc, new RegExp(`Severity: ${rule.severity}\\.`), `${rule.name}: JSDoc states the severity`);
      assert.match(jsdoc, /Protects against/, `${rule.name}: JSDoc says what it protects against`);
      assert.match(jsdoc, /https:\/\/\S+/, `${rule.name}: JSDoc links the reference`);
    }
  });

  it("lists every rule in both environment configs, which the CLI format accepts", () => {
    for (const env of ["dev", "prod"]) {
      const file = path.join(POLICIES, "config", `${env}.json`);
      const config = checkPolicyConfig(JSON.parse(fs.readFileSync(file, "utf8")), file);
      assert.deepEqual(
        Object.keys(config)
          .filter((k) => k !== "all")
          .sort(),
        rules.map((r) => r.name).sort(),
        env,
      );
      assert.ok(typeof config.all === "string", `${env}: "all" sets the pack-wide level`);
    }
  });

  it("makes prod mandatory throughout and dev mostly advisory", () => {
    const prod = loadPolicyConfig("prod");
    const dev = loadPolicyConfig("dev");
    assert.deepEqual(
      rules.filter((r) => effectiveLevel(r, prod) !== "mandatory").map((r) => r.name),
      [],
    );
    const devMandatory = rules.filter((r) => effectiveLevel(r, dev) === "mandatory");
    assert.ok(devMandatory.length < rules.length / 2, `${devMandatory.length} of ${rules.length} mandatory in dev`);
    // What is never acceptable, even in dev: public access, basic roles, clear-text secrets, an open PSC endpoint.
    for (const name of [
      "iam-no-public-members",
      "iam-no-basic-roles",
      "secretmanager-secret-material",
      "psc-accept-manual",
    ]) {
      assert.equal(
        effectiveLevel(
          rules.find((r) => r.name === `hubspot-trigger-${name}`)!,
          dev,
        ),
        "mandatory",
        name,
      );
    }
  });

  it("keeps the entry file to the PolicyPack alone, for a nodejs runtime with a versioned package", () => {
    const entry = fs.readFileSync(path.join(POLICIES, "index.ts"), "utf8");
    const imports = [...entry.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(imports, ["@pulumi/policy", "./rules"]);
    assert.equal(entry.match(/new PolicyPack\(/g)?.length, 1);
    assert.equal(parse(fs.readFileSync(path.join(POLICIES, "PulumiPolicy.yaml"), "utf8")).runtime, "nodejs");
    // PolicyPack reads its version from the package.json of the directory the CLI runs it in.
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICIES, "package.json"), "utf8"));
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  });
});
