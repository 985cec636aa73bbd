import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSerializedProvider } from "../support/serialized-provider";
import { liveStatusProvider, type LiveStatusState } from "../../components/status/live-status";

describe("LiveStatus dynamic provider: serialization", () => {
  it("serializes, requires Firestore by package name at call time, and runs when loaded", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => liveStatusProvider, { allowSecrets: true });
    assert.ok(serialized.text.includes('require("@google-cloud/firestore")'), "the client is required by name");
    assert.ok(!/require\("\/[^"]*node_modules/.test(serialized.text), "no deep node_modules path");
    const loaded = loadSerializedProvider(serialized.text);
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
