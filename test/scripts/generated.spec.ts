import { strict as assert } from "node:assert";
import { staleFiles } from "../../scripts/generate";

describe("generated files", () => {
  it("match their sources (run `npm run generate` after changing a schema or a rule)", () => {
    assert.deepEqual(staleFiles(), []);
  });
});
