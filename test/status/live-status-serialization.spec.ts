import assert from "node:assert/strict";
import Module from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { liveStatusProvider, type LiveStatusState } from "../../components/status/live-status";

/** Loads serialized provider text the way the dynamic-provider host does (requireFromString), from the repo root. */
function load(text: string): { handler: () => pulumi.dynamic.ResourceProvider } {
  const filename = join(__dirname, "..", "..", "serialized-provider.js");
  const loaded = new Module(filename);
  loaded.filename = filename;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    join(__dirname, "..", ".."),
  );
  (loaded as unknown as { _compile(code: string, file: string): void })._compile(text, filename);
  return loaded.exports as { handler: () => pulumi.dynamic.ResourceProvider };
}

describe("LiveStatus dynamic provider: serialization", () => {
  it("serializes, requires Firestore by package name at call time, and runs when loaded", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => liveStatusProvider, { allowSecrets: true });
    assert.ok(serialized.text.includes('require("@google-cloud/firestore")'), "the client is required by name");
    assert.ok(!/require\("\/[^"]*node_modules/.test(serialized.text), "no deep node_modules path");
    const loaded = load(serialized.text).handler();
    const inputs = {
      projectId: "p",
      databaseId: "status-db",
      triggers: [{ name: "t", eventTypes: ["deal.creation"] }],
    };
    const olds = {
      ...inputs,
      status: "Active",
      statusMessage: "",
      triggerStates: [],
      checkedAt: "",
    } as LiveStatusState;
    assert.deepEqual(await loaded.diff?.("p/status-db", olds, inputs), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});
