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

  it("takes company events end to end only on the trigger that lists them", async () => {
    const stackFile = path.join(REPO_ROOT, "test", "fixtures", "stacks", "Pulumi.companies.yaml");
    const outputs = await runProgram("companies", stackFile);
    const triggers = outputs.triggers as { name: string; eventTypes: string[]; subscription: string }[];
    assert.deepEqual(
      triggers.map((t) => [t.name, t.eventTypes]),
      [
        ["deal-pipeline", ["deal.creation", "deal.propertyChange"]],
        ["company-sync", ["company.creation", "company.propertyChange", "company.deletion"]],
      ],
    );
    // Push subscriptions: the company trigger's filter takes the company types, the deal trigger's none of them.
    const filterOf = (trigger: { subscription: string }) => {
      const id = trigger.subscription.split("/").pop();
      const found = mocks.ofType("gcp:pubsub/subscription:Subscription").find((r) => r.inputs.name === id);
      assert.ok(found, `subscription ${id}`);
      return String(found.inputs.filter);
    };
    assert.match(filterOf(triggers[1]), /hasPrefix\(attributes\.eventType, "company\."\)/);
    assert.doesNotMatch(filterOf(triggers[0]), /company/);
    // The dispatcher routes and enriches them.
    const dispatcher = mocks
      .ofType("gcp:cloudrunv2/service:Service")
      .find((r) => JSON.stringify(r.inputs).includes("DISPATCHER_TRIGGERS"));
    assert.ok(dispatcher, "the dispatcher service");
    const envs = (dispatcher.inputs.template as { containers: { envs: { name: string; value?: string }[] }[] })
      .containers[0].envs;
    const env = (name: string) => envs.find((e) => e.name === name)?.value;
    const table = JSON.parse(String(env("DISPATCHER_TRIGGERS"))) as { name: string; eventTypes: string[] }[];
    assert.deepEqual(
      table.map((t) => [t.name, t.eventTypes]),
      triggers.map((t) => [t.name, t.eventTypes]),
    );
    assert.equal(env("ENRICHMENT_COMPANY_PROPERTIES"), "name,domain,industry");
    // HubSpot is asked for the company subscriptions (project mode: the hsmeta file).
    const registration = outputs.registration as { hsmeta: string };
    const hsmeta = JSON.parse(registration.hsmeta) as {
      config: { subscriptions: { legacyCrmObjects: { subscriptionType: string; propertyName?: string }[] } };
    };
    assert.deepEqual(
      hsmeta.config.subscriptions.legacyCrmObjects.map(
        (s) => `${s.subscriptionType}${s.propertyName ? "/" : ""}${s.propertyName ?? ""}`,
      ),
      [
        "company.creation",
        "company.deletion",
        "company.propertyChange/domain",
        "company.propertyChange/industry",
        "deal.creation",
        "deal.propertyChange/dealstage",
      ],
    );
  });

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
