// The pack is published and run on its own: `pulumi policy publish` packs policies/ alone (`npm pack`), and the CLI
// runs it from that folder with that folder's node_modules (pulumi/pulumi pkg/backend/httpstate/policypack.go:
// Publish and installRequiredPolicy). Nothing it loads may come from the rest of the repository, and what it needs
// must be declared in policies/package.json.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";
import * as contract from "../../policies/vendor/contract";
import { CONTRACT_MODULES, TARGET } from "../../scripts/generate/policies-contract";

const ROOT = path.resolve(__dirname, "../..");
const POLICIES = path.join(ROOT, "policies");

/**
 * Packages the pack needs without importing them: the CLI's `pulumi-analyzer-policy` script runs
 * `@pulumi/pulumi/cmd/run-policy-pack` resolved from the pack's folder, which compiles index.ts with the `ts-node`
 * and `typescript` it finds there (falling back to a vendored TypeScript 3.8 that cannot read these sources;
 * @pulumi/pulumi tsutils.js typeScriptRequireStrings).
 */
const RUNNER = ["@pulumi/pulumi", "ts-node", "typescript"];

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** The pack's TypeScript sources (not an installed node_modules). */
function sources(dir = POLICIES): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every module specifier a file names: imports (type-only too), re-exports, require() and import(). */
function specifiers(file: string): string[] {
  return ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);

describe("policy pack is self-contained", () => {
  const manifest = readJson<Manifest>(path.join(POLICIES, "package.json"));
  const root = readJson<Manifest>(path.join(ROOT, "package.json"));

  it("has sources to check (the scan below would pass vacuously on an empty list)", () => {
    const names = sources().map((file) => path.relative(POLICIES, file));
    assert.ok(names.includes("index.ts") && names.includes(path.join("lib", "conventions.ts")), names.join(", "));
  });

  it("imports nothing by a relative path that leaves policies/", () => {
    const escapes = sources().flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith("."))
        .filter((s) => !path.resolve(path.dirname(file), s).startsWith(POLICIES + path.sep))
        .map((s) => `${path.relative(ROOT, file)} imports ${s}`),
    );
    assert.deepEqual(escapes, []);
  });

  it("declares exactly the packages it imports plus what the CLI's runner needs, at the root's versions", () => {
    const imported = new Set(
      sources()
        .flatMap(specifiers)
        .filter((s) => !s.startsWith(".") && !isBuiltin(s))
        .map(packageName),
    );
    const declared = manifest.dependencies ?? {};
    assert.deepEqual(Object.keys(declared).sort(), [...new Set([...imported, ...RUNNER])].sort());
    const rootVersions = { ...root.devDependencies, ...root.dependencies };
    for (const [name, version] of Object.entries(declared)) {
      assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned to an exact version`);
      assert.equal(version, rootVersions[name], `${name} matches the root package.json, which the tests run with`);
    }
    assert.equal(manifest.devDependencies, undefined, "everything the pack needs at run time is a dependency");
  });

  it("ships a shrinkwrap in step with its package.json, so the enforced pack installs the tested tree", () => {
    // npm pack leaves package-lock.json out of the tarball but keeps npm-shrinkwrap.json, and the CLI's `npm install`
    // of a downloaded pack honours it.
    const shrinkwrap = readJson<{
      name: string;
      version: string;
      packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
    }>(path.join(POLICIES, "npm-shrinkwrap.json"));
    assert.equal(fs.existsSync(path.join(POLICIES, "package-lock.json")), false, "one lock file: the shrinkwrap");
    assert.deepEqual([shrinkwrap.name, shrinkwrap.version], [manifest.name, manifest.version]);
    assert.deepEqual(shrinkwrap.packages[""].dependencies, manifest.dependencies);
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
      assert.equal(shrinkwrap.packages[`node_modules/${name}`]?.version, version, `${name} locked at ${version}`);
    }
  });

  it("is compiled by the CLI with the repository's language options", () => {
    const options = (file: string) =>
      (ts.parseConfigFileTextToJson(file, fs.readFileSync(file, "utf8")).config as { compilerOptions: object })
        .compilerOptions as Record<string, unknown>;
    const pack = options(path.join(POLICIES, "tsconfig.json"));
    const repo = options(path.join(ROOT, "tsconfig.json"));
    for (const key of [
      "target",
      "module",
      "moduleResolution",
      "strict",
      "useDefineForClassFields",
      "esModuleInterop",
    ]) {
      assert.deepEqual(pack[key], repo[key], `compilerOptions.${key}`);
    }
  });

  it("reads the contract only through its generated copy (test/scripts/generated.spec.ts keeps it current)", () => {
    const copy = path.join(ROOT, TARGET);
    const copied = fs.readdirSync(copy).filter((name) => name.endsWith(".ts"));
    assert.deepEqual(copied.sort(), [...CONTRACT_MODULES.map((module) => `${module}.ts`), "index.ts"].sort());
    for (const name of copied) {
      assert.match(fs.readFileSync(path.join(copy, name), "utf8"), /^\/\/ Generated .* do not edit/, name);
    }
    const importers = sources()
      .filter((file) => !file.startsWith(copy + path.sep))
      .filter((file) => specifiers(file).some((s) => path.resolve(path.dirname(file), s).startsWith(copy)));
    assert.ok(importers.length > 0, "some rule reads the contract");
    // No second copy by hand: nothing else in the pack declares a name the contract exports.
    const contractNames = Object.keys(contract);
    const redeclared = sources()
      .filter((file) => !file.startsWith(copy + path.sep))
      .flatMap((file) =>
        [...fs.readFileSync(file, "utf8").matchAll(/^export (?:const|function|type|interface) (\w+)/gm)]
          .map((match) => match[1])
          .filter((name) => contractNames.includes(name))
          .map((name) => `${path.relative(ROOT, file)} declares ${name}`),
      );
    assert.deepEqual(redeclared, []);
  });
});
