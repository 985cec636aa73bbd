// The README and docs/ as a newcomer uses them: every link lands somewhere, every command names a real script, the
// guide stays a guide, and the JSON pipe it shows yields JSON.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const README = path.join(ROOT, "README.md");
const DOCS = readdirSync(path.join(ROOT, "docs"))
  .filter((name) => name.endsWith(".md"))
  .map((name) => path.join(ROOT, "docs", name));

/** Markdown outside fenced code blocks, where links and headings live. */
function prose(file: string): string {
  return readFileSync(file, "utf8").replace(/^```[\s\S]*?^```/gm, "");
}

/**
 * GitHub's heading anchors: lower-case, punctuation other than `-` and `_` dropped, spaces to hyphens, repeats
 * numbered. Written here because the maintained implementation (github-slugger) is ESM-only and this is six lines.
 */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(file).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe("README and docs/", () => {
  it("keep the README a guide of at most 400 lines", () => {
    const lines = readFileSync(README, "utf8").split("\n").length;
    assert.ok(lines <= 400, `README.md has ${lines} lines`);
  });

  for (const file of [README, ...DOCS]) {
    it(`${path.relative(ROOT, file)}: every relative link reaches a file, and its anchor a heading`, () => {
      for (const [, target] of prose(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [relative, anchor] = target.split("#");
        const resolved = relative === "" ? file : path.resolve(path.dirname(file), relative);
        assert.ok(existsSync(resolved), `${target}: no such file`);
        assert.ok(!path.relative(ROOT, resolved).startsWith(".."), `${target} leaves the repository`);
        if (anchor && resolved.endsWith(".md")) assert.ok(anchors(resolved).has(anchor), `${target}: no such heading`);
      }
    });
  }

  it("name only repository files that exist, where they write a path to one", () => {
    const folders = "runtime|contract|testing|components|scripts|infra|policies|examples|bench|test";
    const pattern = new RegExp(`\`((?:${folders})/[A-Za-z0-9_./-]+\\.(?:ts|json|yaml|md))\``, "g");
    for (const file of [README, ...DOCS]) {
      for (const [, named] of readFileSync(file, "utf8").matchAll(pattern)) {
        assert.ok(
          existsSync(path.join(ROOT, named)),
          `${path.relative(ROOT, file)} names ${named}, which does not exist`,
        );
      }
    }
  });

  it("name only npm scripts that exist", () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
        .scripts,
    );
    for (const file of [README, ...DOCS]) {
      for (const [, script] of readFileSync(file, "utf8").matchAll(/npm run (?:-s )?([a-z][a-z:-]*)/g)) {
        assert.ok(scripts.includes(script), `${path.relative(ROOT, file)}: npm run ${script} is not a script`);
      }
    }
  });

  it("show a JSON pipe of the plan that yields JSON on stdout, as typed", () => {
    const shown = readFileSync(README, "utf8").match(/`(npm run -s plan -- --json) \\\|/);
    assert.ok(shown, "the README shows the plan piped to a JSON tool");
    const [command, ...args] = shown[1].split(" ");
    const stdout = execFileSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const plan = JSON.parse(stdout) as { resources: unknown[] };
    assert.ok(plan.resources.length > 20);
  });
});
