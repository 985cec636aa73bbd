// The Pulumi CLI's stack-config rules, pinned with fixed vectors. Each expected message is the CLI's own text, copied
// from pulumi/pulumi (not produced by the code under test):
// - sdk/go/common/workspace/config.go: `missingStackConfigurationKeysError` / `formatMissingKeys`, `mergeConfig`
//   (defaults applied as plaintext), `validateStackConfigValue` ("must be encrypted as it's secret", "must be of type")
// - sdk/go/common/workspace/project.go: `(*Project).Validate`, `ValidateConfigValue`, `InferFullTypeName`.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, loadStackConfig } from "../../infra/config";
import {
  mergeStackConfig,
  stackValueFromYaml,
  validateProjectConfig,
  type ProjectConfigType,
} from "../../scripts/lib/offline-plan/cli-config";
import { loadStackFile, StackFileError } from "../../scripts/lib/offline-plan/stack-file";

const ROOT = path.resolve(__dirname, "../..");

function merge(projectConfig: Record<string, ProjectConfigType>, stack: Record<string, unknown>) {
  return mergeStackConfig({
    projectName: "hubspot-trigger",
    stackName: "dev",
    projectConfig,
    stackConfig: new Map(Object.entries(stack).map(([key, value]) => [key, stackValueFromYaml(value)])),
    decrypt: () => "decrypted",
  });
}

describe("the Pulumi CLI's stack-config rules (offline mirror)", () => {
  it("names one missing required key, and several sorted in one message", () => {
    assert.deepEqual(merge({ image: { type: "string" } }, {}).problems, [
      "Stack 'dev' is missing configuration value 'image'",
    ]);
    assert.deepEqual(merge({ triggers: {}, image: { type: "string" }, admins: { description: "x" } }, {}).problems, [
      "Stack 'dev' is missing configuration values 'admins', 'image' and 'triggers'",
    ]);
  });

  it("requires no key of another namespace, and applies its value", () => {
    const merged = merge({ "gcp:region": { value: "europe-west1" } }, {});
    assert.deepEqual(merged.problems, []);
    assert.deepEqual(merged.values.get("gcp:region"), { text: "europe-west1", secure: false, object: false });
  });

  it("applies a missing key's default as a plaintext value, objects as JSON", () => {
    const merged = merge({ region: { type: "string", default: "" }, labels: { default: {} } }, {});
    assert.deepEqual(merged.problems, []);
    assert.deepEqual(merged.values.get("hubspot-trigger:region"), { text: "", secure: false, object: false });
    assert.deepEqual(merged.values.get("hubspot-trigger:labels"), { text: "{}", secure: false, object: true });
  });

  it("refuses a typed secret key whose default fills it: the declaration that broke every stack", () => {
    const declaration = { type: "string", default: "", secret: true };
    assert.deepEqual(merge({ previousClientSecret: declaration }, {}).problems, [
      "Stack 'dev' with configuration key 'previousClientSecret' must be encrypted as it's secret",
    ]);
    assert.deepEqual(
      merge({ previousClientSecret: declaration }, { "hubspot-trigger:previousClientSecret": { secure: "v1:x" } })
        .problems,
      [],
    );
  });

  it("refuses plaintext for a typed secret key, but cannot see an untyped one", () => {
    assert.deepEqual(
      merge({ token: { type: "string", secret: true } }, { "hubspot-trigger:token": "clear" }).problems,
      ["Stack 'dev' with configuration key 'token' must be encrypted as it's secret"],
    );
    // Only explicitly typed keys are validated (IsExplicitlyTyped): why the program checks secrets itself.
    assert.deepEqual(
      merge({ token: { secret: true, default: "" } }, { "hubspot-trigger:token": "clear" }).problems,
      [],
    );
  });

  it("checks types the way ValidateConfigValue does, and reports every mismatch", () => {
    const project: Record<string, ProjectConfigType> = {
      flag: { type: "boolean" },
      count: { type: "integer" },
      name: { type: "string" },
      members: { type: "array", items: { type: "string" } },
    };
    const good = { flag: "true", count: "900", name: "123", members: ["user:a@b.c"] };
    const prefixed = (values: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(values).map(([k, v]) => [`hubspot-trigger:${k}`, v]));
    assert.deepEqual(merge(project, prefixed(good)).problems, []);
    assert.deepEqual(
      merge(project, prefixed({ ...good, flag: true, count: 900 })).problems,
      [],
      "YAML scalars as text",
    );
    assert.deepEqual(
      merge(project, prefixed({ flag: "yes", count: "12.5", name: { a: 1 }, members: "user:a@b.c" })).problems,
      [
        "Stack 'dev' with configuration key 'count' must be of type 'integer'",
        "Stack 'dev' with configuration key 'flag' must be of type 'boolean'",
        "Stack 'dev' with configuration key 'members' must be of type 'array<string>'",
        "Stack 'dev' with configuration key 'name' must be of type 'string'",
      ],
    );
    assert.deepEqual(merge(project, prefixed({ ...good, members: [1] })).problems, [
      "Stack 'dev' with configuration key 'members' must be of type 'array<string>'",
    ]);
  });

  it("refuses the project's own declarations that the CLI refuses", () => {
    assert.deepEqual(
      validateProjectConfig("hubspot-trigger", {
        count: { type: "integer", default: "many" },
        members: { type: "array" },
        both: { default: 1, value: 2 },
        "gcp:region": { type: "string", value: "x" },
        "gcp:project": { default: "p" },
        "gcp:zone": {},
      }),
      [
        "The default value specified for configuration key 'count' is not of the expected type 'integer'",
        "The configuration key 'members' declares an array but does not specify the underlying type via the 'items' attribute",
        "project config 'both' cannot have both a 'default' and 'value' attribute",
        "Configuration key 'gcp:region' is not namespaced by the project and should not define a type",
        "Configuration key 'gcp:project' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?",
        "Configuration key 'gcp:zone' is namespaced and must provide an attribute 'value'",
      ],
    );
  });
});

describe("stack files against the CLI's rules", () => {
  function caseFile(lines: string): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "cli-rules-")), "Pulumi.case.yaml");
    writeFileSync(file, `config:\n${lines}`);
    return file;
  }
  const required = `  hubspot-trigger:image: europe-west1-docker.pkg.dev/acme/hubspot/listener:1.0.0
  hubspot-trigger:triggers:
    - name: deals
      eventTypes: [deal.creation]
`;

  it("accepts the committed dev and prod stacks", () => {
    for (const stack of ["dev", "prod"]) assert.doesNotThrow(() => loadStackFile(stack), stack);
  });

  it("reports every problem of a stack file at once, in the CLI's words, never echoing a value", () => {
    const file = caseFile(
      `${required}  hubspot-trigger:messageOrdering: "yes"\n  hubspot-trigger:dedupWindowSeconds: soon\n  hubspot-trigger:accessToken: pat-na1-leaked\n`,
    );
    assert.throws(
      () => loadStackFile("case", { configFile: file }),
      (error: Error) =>
        error instanceof StackFileError &&
        error.message.includes("Stack 'case' with configuration key 'messageOrdering' must be of type 'boolean'") &&
        error.message.includes("Stack 'case' with configuration key 'dedupWindowSeconds' must be of type 'integer'") &&
        error.message.includes("hubspot-trigger:accessToken is stored in clear text") &&
        !error.message.includes("pat-na1-leaked"),
    );
  });

  it("fails `npm run plan` on a plaintext secret, naming the key", () => {
    const file = caseFile(`${required}  hubspot-trigger:clientSecret: 0123456789abcdef\n`);
    const run = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/plan.ts", "--stack", "case", "--config-file", file],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /hubspot-trigger:clientSecret is stored in clear text/);
    assert.ok(!run.stderr.includes("0123456789abcdef") && !run.stdout.includes("0123456789abcdef"));
  });

  it("fails `npm run plan` on a missing required key with the CLI's message", () => {
    const file = caseFile("  gcp:project: acme\n");
    const run = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/plan.ts", "--stack", "case", "--config-file", file],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /Stack 'case' is missing configuration value/);
    assert.ok(!/\n\s+at /.test(run.stderr), `no stack trace: ${run.stderr}`);
  });
});

describe("the program refuses a secret key the engine did not mark secret", () => {
  let saved: Record<string, string>;
  before(() => (saved = pulumi.runtime.allConfig()));
  after(() => pulumi.runtime.setAllConfig(saved));

  it("names the key and the fix, not the value; the same value set as a secret is accepted", () => {
    const dev = loadStackFile("dev");
    const config = { ...dev.config, "hubspot-trigger:previousClientSecret": "rotated-out-value" };
    pulumi.runtime.setAllConfig(config, dev.secretKeys);
    assert.throws(
      () => loadStackConfig(),
      (error: Error) =>
        error instanceof ConfigValidationError &&
        /hubspot-trigger:previousClientSecret: stored in clear text/.test(error.message) &&
        error.message.includes("pulumi config set --secret hubspot-trigger:previousClientSecret") &&
        !error.message.includes("rotated-out-value"),
    );
    pulumi.runtime.setAllConfig(config, [...dev.secretKeys, "hubspot-trigger:previousClientSecret"]);
    assert.equal(loadStackConfig().previousClientSecret?.kind, "managed");
  });
});
