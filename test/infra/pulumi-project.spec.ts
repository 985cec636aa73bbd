import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ALL_KEYS, SECRET_KEYS } from "../../infra/config";

const ROOT = path.resolve(__dirname, "..", "..");
type Declaration = {
  type?: string;
  items?: { type: string };
  description?: string;
  default?: unknown;
  secret?: boolean;
};
const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string; options?: { typescript?: boolean; tsconfig?: string } };
  config: Record<string, Declaration>;
};
const stacks = ["dev", "prod"].map((stack) => ({
  stack,
  config: (parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> })
    .config,
}));

// The rules the Pulumi CLI applies to a project's config block (pulumi/pulumi sdk/go/common/workspace/project.json,
// project.go `(*Project).Validate` and config.go `mergeConfig`): a real `pulumi up` must accept this project and
// these stacks. The offline loader applies the same rules to any stack file (test/infra/cli-config.spec.ts).
const CLI_TYPES = ["string", "integer", "boolean", "array"];
const requiredKeys = Object.entries(project.config)
  .filter(([, declaration]) => declaration.default === undefined)
  .map(([key]) => key);

describe("Pulumi.yaml", () => {
  it("is the hubspot-trigger nodejs project running infra/index.ts through ts-node", () => {
    assert.equal(project.name, "hubspot-trigger");
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.main, "infra/index.ts");
  });

  it("points ts-node at the repository's tsconfig from the program's working directory (main's folder)", () => {
    // The nodejs host chdirs to main's directory and resolves runtime.options.tsconfig from there.
    const tsconfig = project.runtime.options?.tsconfig;
    assert.ok(tsconfig, "runtime.options.tsconfig");
    assert.equal(path.resolve(ROOT, path.dirname(project.main), tsconfig), path.join(ROOT, "tsconfig.json"));
    assert.ok(existsSync(path.join(ROOT, "tsconfig.json")));
  });

  it("declares exactly the non-secret keys the program reads, each with a description", () => {
    const plainKeys = ALL_KEYS.filter((key) => !(SECRET_KEYS as readonly string[]).includes(key));
    assert.deepEqual(Object.keys(project.config).sort(), [...plainKeys].sort());
    for (const [key, declaration] of Object.entries(project.config)) {
      assert.ok((declaration.description ?? "").length > 20, `${key} needs a description`);
    }
  });

  it("leaves the optional secret keys undeclared, since a declared key needs a default and defaults are plaintext", () => {
    // config.go mergeConfig: a missing key gets its default as a plaintext value; validateStackConfigValue then
    // refuses a `secret: true` key whose value is not encrypted. Declaring them without a default makes them
    // required on every stack instead.
    for (const key of SECRET_KEYS) assert.equal(project.config[key], undefined, key);
    for (const [key, declaration] of Object.entries(project.config)) {
      if (declaration.secret) assert.ok(declaration.default === undefined || declaration.type === undefined, key);
    }
  });

  it("uses only types the CLI knows, with items for arrays", () => {
    for (const [key, declaration] of Object.entries(project.config)) {
      if (declaration.type === undefined) continue;
      assert.ok(CLI_TYPES.includes(declaration.type), `${key}: type ${declaration.type}`);
      if (declaration.type === "array") assert.ok(declaration.items && CLI_TYPES.includes(declaration.items.type), key);
    }
    const untyped = Object.entries(project.config)
      .filter(([, d]) => d.type === undefined)
      .map(([k]) => k);
    for (const key of untyped) assert.match(project.config[key].description ?? "", /^(Object|List of objects)/, key);
  });

  it("requires only the keys a stack cannot do without", () => {
    assert.ok(requiredKeys.includes("triggers"), "a stack without triggers has nothing to do");
    for (const key of requiredKeys) assert.ok(["image", "triggers"].includes(key), `${key} would be required`);
  });
});

describe("stack files", () => {
  for (const { stack, config } of stacks) {
    it(`Pulumi.${stack}.yaml sets only declared keys and every required one, no secret in clear`, () => {
      for (const fullKey of Object.keys(config)) {
        const [namespace, key] = fullKey.split(":");
        if (namespace !== "hubspot-trigger") continue;
        assert.ok(project.config[key], `${fullKey} is not declared in Pulumi.yaml`);
        assert.ok(!SECRET_KEYS.includes(key as (typeof SECRET_KEYS)[number]), `${fullKey} must be set with --secret`);
      }
      for (const key of requiredKeys) assert.ok(config[`hubspot-trigger:${key}`] !== undefined, `${stack} sets ${key}`);
    });
  }
});
