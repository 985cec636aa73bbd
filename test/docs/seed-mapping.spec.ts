// docs/seed-mapping.md maps each field of Google's HubSpot trigger to this package; its "Proven by" column must keep
// naming specs that exist, and every status must be one a reader can act on.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const DOC = fs.readFileSync(path.join(ROOT, "docs/seed-mapping.md"), "utf8");

/** The mapping table's rows as cells, header and separator left out. */
const rows = DOC.split("\n")
  .filter((line) => line.startsWith("| "))
  .slice(2)
  .map((line) => line.slice(2, -2).split(" | "));

describe("docs/seed-mapping.md", () => {
  it("has a row per seed field, each with its key, a status and its proof", () => {
    assert.ok(rows.length >= 30, `${rows.length} rows`);
    for (const row of rows) assert.equal(row.length, 4, row[0]);
  });

  it("says works, or partial with what is missing", () => {
    for (const [field, , status] of rows) assert.match(status, /^(works|partial: .{10,})$/, field);
  });

  it("names only spec files that exist, and a spec for every field that works", () => {
    for (const [field, , status, proof] of rows) {
      const specs = [...proof.matchAll(/`(test\/[^`]+)`/g)].map((match) => match[1]);
      for (const spec of specs) assert.ok(fs.existsSync(path.join(ROOT, spec)), `${field}: ${spec} exists`);
      if (status === "works") assert.ok(specs.length > 0, `${field} names the spec that proves it`);
      else if (specs.length === 0) assert.equal(proof, "none: nothing to prove", field);
    }
  });
});
