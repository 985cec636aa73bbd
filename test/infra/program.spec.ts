import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { STACK_OUTPUT_NAMES } from "../../components/outputs";
import { ConfigValidationError } from "../../infra/config";
import { loadStackFile, REPO_ROOT } from "../../scripts/lib/offline-plan/stack-file";
import { mocks } from "../support/setup";
import { resolve, settle } from "../support/mock-engine";

const PROGRAM = require.resolve(path.join(REPO_ROOT, "infra", "index.ts"));

/** Runs infra/index.ts afresh against a stack file's config, as `pulumi up` would, and resolves its exports. */
async function runProgram(stack: string, configFile?: string): Promise<Record<string, unknown>> {
  const stackFile = loadStackFile(stack, { configFile });
  pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
  delete require.cache[PROGRAM];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(PROGRAM) as Record<string, pulumi.Output<unknown>>;
  const resolved: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(exports)) resolved[name] = await resolve(output);
  await settle();
  return resolved;
}

describe("infra/index.ts (the program)", () => {
  beforeEach(() => mocks.reset());
  after(() => pulumi.runtime.setAllConfig({}, []));

  for (const stack of ["dev", "prod"]) {
    it(`exports exactly the outputs contract for the ${stack} stack, with no secret value`, async () => {
      const stackFile = loadStackFile(stack);
      const outputs = await runProgram(stack);
      assert.deepEqual(Object.keys(outputs).sort(), [...STACK_OUTPUT_NAMES].sort());
      assert.match(String(outputs.webhookUrl), /^https:\/\/.+\.run\.app\/webhooks\/hubspot$/);
      assert.match(String(outputs.eventsTopic), /^projects\/[^/]+\/topics\/[^/]+$/);
      assert.match(String(outputs.deadLetterTopic), /^projects\/[^/]+\/topics\/[^/]+$/);
      assert.match(String(outputs.serviceAttachment), /\/serviceAttachments\//, "PSC is on in both stacks");
      const accounts = outputs.serviceAccounts as Record<string, string>;
      assert.deepEqual(Object.keys(accounts).sort(), ["listener", "push", "trigger"]);
      const triggers = outputs.triggers as { name: string; eventTypes: string[]; subscription: string }[];
      assert.ok(triggers.length >= 3);
      assert.equal(mocks.ofType("gcp:pubsub/subscription:Subscription").length, triggers.length + 1);
      const text = JSON.stringify(outputs);
      for (const key of stackFile.secretKeys) {
        const value = stackFile.config[key];
        if (value) assert.ok(!text.includes(value), `output carries the value of ${key}`);
      }
      assert.equal(mocks.ofType("gcp:cloudrunv2/service:Service").length, 2);
      assert.equal(mocks.ofType("gcp:compute/serviceAttachment:ServiceAttachment").length, 1);
    });
  }

  it("stops with every config problem before creating anything", async () => {
    const badConfig = path.join(REPO_ROOT, "test", "fixtures", "stacks", "Pulumi.bad-config.yaml");
    await assert.rejects(
      () => runProgram("bad-config", badConfig),
      (error: unknown) =>
        error instanceof ConfigValidationError &&
        /Deal_Pipeline/.test(error.message) &&
        /ticket\.propertyChange/.test(error.message),
    );
    assert.equal(mocks.resources.length, 0);
  });
});
