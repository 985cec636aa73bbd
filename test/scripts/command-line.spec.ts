import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseCommandLine, UsageError } from "../../scripts/lib/command-line";

const ROOT = path.resolve(__dirname, "../..");
const USAGE = "usage: npm run demo -- [--stack NAME] [--json]";
const OPTIONS = { stack: { type: "string" as const, default: "dev" }, json: { type: "boolean" as const } };

function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("no UsageError");
}

describe("command-line parsing of the npm scripts", () => {
  it("parses the options it declares", () => {
    assert.deepEqual(
      { ...parseCommandLine(USAGE, OPTIONS, ["--stack", "prod", "--json"], {}) },
      {
        stack: "prod",
        json: true,
      },
    );
  });

  it("names an unknown option, then the usage, on two lines", () => {
    const message = usageErrorOf(() => parseCommandLine(USAGE, OPTIONS, ["--stak", "prod"], {}));
    assert.deepEqual(message.split("\n"), ["Unknown option '--stak'", USAGE]);
  });

  it("explains a doubled `--` (everything after it arrives as arguments)", () => {
    const message = usageErrorOf(() => parseCommandLine(USAGE, OPTIONS, ["--", "--json"], {}));
    assert.match(message, /^Unexpected argument '--json'.*a second `--` passes what follows as arguments\)\n/);
  });

  it("explains a forgotten `--`: npm keeps the option and exports it as npm_config_<name>", () => {
    // npm's documented behaviour: unknown `--name` flags before the script's `--` become npm config, which npm
    // passes to the script's environment as npm_config_<name> (docs.npmjs.com/cli/v11/using-npm/scripts).
    const script = path.basename(process.argv[1]);
    const env = { npm_lifecycle_event: "demo", npm_lifecycle_script: `tsx ${script}`, npm_config_json: "true" };
    const message = usageErrorOf(() => parseCommandLine(USAGE, OPTIONS, [], env));
    assert.match(message, /^npm kept --json for itself: put the script's options after a lone `--`/);
    assert.doesNotThrow(() => parseCommandLine(USAGE, OPTIONS, [], { ...env, npm_lifecycle_script: "other.ts" }));
  });

  it("through npm itself: `npm run plan -- --bogus` exits 2 with one line and the usage, no stack trace", () => {
    const run = spawnSync("npm", ["run", "-s", "plan", "--", "--bogus"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(run.status, 2, run.stderr);
    assert.deepEqual(run.stderr.trim().split("\n"), [
      "Unknown option '--bogus'",
      "usage: npm run plan -- [--stack NAME] [--json] [--config-file PATH] [--program PATH]",
    ]);
  });
});
