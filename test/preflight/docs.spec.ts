// docs/deployer-permissions.md carries the raw permission list generated from the preflight table: they must not drift.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { allTablePermissions } from "../../scripts/lib/preflight/permissions";
import { BEGIN, DOC_PATH, END, permissionsSection, regenerated } from "../../scripts/lib/preflight/docs";

describe("docs/deployer-permissions.md", () => {
  const document = fs.readFileSync(DOC_PATH, "utf8");

  it("holds the permission list of the table (regenerate with npx tsx scripts/lib/preflight/docs.ts)", () => {
    assert.equal(document, regenerated(document), "the generated section differs from the table");
  });

  it("lists every permission preflight can check, each once per need, and nothing else", () => {
    const section = document.slice(document.indexOf(BEGIN), document.indexOf(END));
    const listed = new Set([...section.matchAll(/\| `([a-z]+\.[A-Za-z.]+)` \|/g)].map((m) => m[1]));
    assert.deepEqual([...listed].sort(), allTablePermissions());
    assert.equal(section, permissionsSection().slice(0, section.length));
  });
});
