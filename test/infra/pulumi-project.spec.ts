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

// The rules the Pulumi CLI applies to a project's config block (sdk/go/common/workspace/project.json and
// ValidateStackConfigAndApplyProjectConfig): a real `pulumi up` must accept this project and these stacks.
const CLI_TYPES = ["string", "integer", "boolean", "array"];
const REQUIRED_KEYS = ["image", "triggers"];

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

  it("declares exactly the keys the program reads, each with a description", () => {
    assert.deepEqual(Object.keys(project.config).sort(), [...ALL_KEYS].sort());
    for (const [key, declaration] of Object.entries(project.config)) {
      assert.ok((declaration.description ?? "").length > 20, `${key} needs a description`);
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

  it("gives every optional key a default, since the CLI requires declared keys that have none", () => {
    for (const [key, declaration] of Object.entries(project.config)) {
      if (REQUIRED_KEYS.includes(key)) assert.equal(declaration.default, undefined, key);
      else assert.notEqual(declaration.default, undefined, `${key} would be required by the CLI on every stack`);
    }
  });

  it("marks the secret keys secret, with an empty (unset) default", () => {
    for (const key of SECRET_KEYS) {
      assert.equal(project.config[key].secret, true, key);
      assert.equal(project.config[key].default, "", key);
    }
  });
});

describe("stack files", () => {
  for (const { stack, config } of stacks) {
    it(`Pulumi.${stack}.yaml sets only declared keys, with the declared types, and no secret in clear`, () => {
      for (const [fullKey, value] of Object.entries(config)) {
        const [namespace, key] = fullKey.split(":");
        if (namespace !== "hubspot-trigger") continue;
        const declaration = project.config[key];
        assert.ok(declaration, `${fullKey} is not declared in Pulumi.yaml`);
        assert.ok(!SECRET_KEYS.includes(key as (typeof SECRET_KEYS)[number]), `${fullKey} must be set with --secret`);
        if (declaration.type === "integer") assert.ok(Number.isInteger(value), fullKey);
        if (declaration.type === "boolean") assert.equal(typeof value, "boolean", fullKey);
        if (declaration.type === "string") assert.equal(typeof value, "string", fullKey);
        if (declaration.type === "array") assert.ok(Array.isArray(value), fullKey);
      }
      for (const key of REQUIRED_KEYS)
        assert.ok(config[`hubspot-trigger:${key}`] !== undefined, `${stack} sets ${key}`);
    });
  }
});
