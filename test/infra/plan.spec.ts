import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

interface Resource {
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
}
interface PlanJson {
  resources: Resource[];
  outputs: Record<string, unknown>;
}
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run plan -- ARGS` as a user does (a child process: the plan replaces Pulumi's process-wide mock runtime).
 * A plan that hangs is caught by the suite's mocha timeout; how fast it runs is a benchmark's question, not a test's.
 */
async function plan(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ["scripts/plan.ts", ...args], {
      cwd: ROOT,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? -1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? "",
    };
  }
}

const ofType = (json: PlanJson, type: string): Resource[] => json.resources.filter((r) => r.type === type);
const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);

/**
 * What every stack's plan must hold: the three runtime accounts and the seed's two roles, one accessor per secret,
 * one push subscription with a dead letter per trigger, the events and dead-letter topics with a retention
 * subscription, both services, the Private Service Connect chain, and the documented outputs.
 */
function assertAcceptance(json: PlanJson, triggerCount: number): void {
  assert.equal(ofType(json, "gcp:serviceaccount/account:Account").length, 3, "listener, trigger and push accounts");
  const roles = json.resources.map((r) => r.inputs.role);
  assert.ok(roles.includes("roles/integrations.integrationInvoker"));
  assert.ok(roles.includes("roles/connectors.admin"));

  const secrets = ofType(json, "gcp:secretmanager/secret:Secret");
  assert.ok(secrets.length >= 2, "client secret and access token");
  const accessors = ofType(json, "gcp:secretmanager/secretIamMember:SecretIamMember");
  for (const secret of secrets) {
    const own = accessors.filter((a) => a.inputs.secretId === secret.inputs.secretId);
    assert.equal(own.length, 1, `one accessor binding on ${String(secret.inputs.secretId)}`);
    assert.equal(own[0].inputs.role, "roles/secretmanager.secretAccessor");
  }

  const subscriptions = ofType(json, "gcp:pubsub/subscription:Subscription");
  const push = subscriptions.filter((s) => get(s.inputs, "pushConfig", "pushEndpoint"));
  assert.equal(push.length, triggerCount, "one push subscription per trigger");
  for (const subscription of push) {
    assert.match(String(get(subscription.inputs, "deadLetterPolicy", "deadLetterTopic")), /^projects\/.+\/topics\/.+/);
    assert.match(String(subscription.inputs.filter), /attributes\.eventType = "/);
  }
  const topics = ofType(json, "gcp:pubsub/topic:Topic").map((t) => get(t.inputs, "labels", "component"));
  assert.deepEqual(topics.sort(), ["dead-letter", "events"]);
  const retention = subscriptions.filter((s) => get(s.inputs, "labels", "component") === "dead-letter");
  assert.equal(retention.length, 1, "the dead-letter retention subscription");
  assert.equal(get(retention[0].inputs, "pushConfig"), undefined, "pull: it keeps what lands there");

  assert.equal(ofType(json, "gcp:cloudrunv2/service:Service").length, 2);
  for (const type of [
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    "gcp:compute/regionBackendService:RegionBackendService",
    "gcp:compute/forwardingRule:ForwardingRule",
    "gcp:compute/serviceAttachment:ServiceAttachment",
  ]) {
    assert.equal(ofType(json, type).length, 1, type);
  }
  assert.equal(
    ofType(json, "gcp:compute/serviceAttachment:ServiceAttachment")[0].inputs.connectionPreference,
    "ACCEPT_MANUAL",
  );

  for (const key of [
    "webhookUrl",
    "eventsTopic",
    "deadLetterTopic",
    "deadLetterSubscription",
    "dispatcherUrl",
    "serviceAttachment",
    "secrets",
    "triggers",
  ]) {
    assert.ok(json.outputs[key] !== undefined, `output ${key}`);
  }
  assert.deepEqual(Object.keys(json.outputs.serviceAccounts as object).sort(), ["listener", "push", "trigger"]);
  assert.equal((json.outputs.triggers as unknown[]).length, triggerCount);

  const ids = new Set(json.resources.map((r) => `${r.type}::${r.name}`));
  for (const resource of json.resources) {
    assert.ok(
      resource.parent !== null && (ids.has(resource.parent) || resource.parent.startsWith("pulumi:pulumi:Stack::")),
      `${resource.name} has a known parent`,
    );
  }
}

describe("offline plan (npm run plan)", function () {
  this.timeout(240_000);
  let dev: Run;
  let devJson: Run;
  let prodJson: Run;

  before(async () => {
    // Sequential: the machine's cores are shared, and each run loads @pulumi/gcp.
    devJson = await plan("--json");
    prodJson = await plan("--stack", "prod", "--json");
    dev = await plan();
  });

  it("prints only JSON of the documented shape on stdout with --json", () => {
    assert.equal(devJson.code, 0, devJson.stderr);
    const json = JSON.parse(devJson.stdout) as PlanJson;
    assert.deepEqual(Object.keys(json).sort(), ["outputs", "policy", "resources"]);
    for (const resource of json.resources) {
      assert.deepEqual(Object.keys(resource).sort(), ["inputs", "name", "parent", "type"]);
    }
  });

  it("plans the dev stack with everything a stack must hold, for its three triggers", () => {
    const json = JSON.parse(devJson.stdout) as PlanJson;
    assertAcceptance(json, 3);
    const eventTypes = json.resources
      .filter((r) => r.type === "gcp:pubsub/subscription:Subscription")
      .flatMap((r) => [...String(r.inputs.filter ?? "").matchAll(/"([a-z]+\.[a-zA-Z]+)"/g)].map((m) => m[1]));
    assert.equal(new Set(eventTypes).size, 6, "all six event types across the triggers");
  });

  it("plans the prod stack: external dead letter, PSC accept list, deletion protection, 2 min instances", () => {
    assert.equal(prodJson.code, 0, prodJson.stderr);
    const json = JSON.parse(prodJson.stdout) as PlanJson;
    assertAcceptance(json, 3);
    const deadLetter = ofType(json, "gcp:pubsub/topic:Topic").find(
      (t) => get(t.inputs, "labels", "component") === "dead-letter",
    );
    assert.equal(deadLetter?.inputs.project, "acme-ops-deadletters");
    const attachment = ofType(json, "gcp:compute/serviceAttachment:ServiceAttachment")[0];
    assert.equal((attachment.inputs.consumerAcceptLists as unknown[]).length, 2);
    for (const service of ofType(json, "gcp:cloudrunv2/service:Service")) {
      assert.equal(service.inputs.deletionProtection, true);
      assert.equal(get(service.inputs, "template", "scaling", "minInstanceCount"), 2);
    }
  });

  it("shows no secret value anywhere, only [secret]", () => {
    for (const run of [devJson, prodJson, dev]) {
      assert.ok(!run.stdout.includes("offline-placeholder"), "a stand-in secret value leaked");
      assert.ok(!run.stderr.includes("offline-placeholder"));
    }
    assert.match(devJson.stdout, /"\[secret\]"/, "secret inputs are still visible as such");
  });

  it("prints a readable tree and the outputs without --json", () => {
    assert.equal(dev.code, 0, dev.stderr);
    assert.match(dev.stdout, /^Offline plan of stack "dev" \(project acme-hubspot-dev\): \d+ resources/);
    assert.match(
      dev.stdout,
      /\n\+ hubspot-trigger:index:HubSpotTrigger {2}hubspot\n {2}\+ /,
      "children indented under the component",
    );
    assert.match(dev.stdout, /role: roles\/integrations\.integrationInvoker/);
    assert.match(dev.stdout, /\nOutputs:\n\{/);
  });

  it("exits 1 on bad config and names both bad keys on stderr", async () => {
    const run = await plan("--config-file", "test/fixtures/stacks/Pulumi.bad-config.yaml");
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /hubspot-trigger:triggers\[0\]\.name: "Deal_Pipeline" contains uppercase letters/);
    assert.match(
      run.stderr,
      /hubspot-trigger:triggers\[1\]\.eventTypes\[0\]: "ticket\.propertyChange" is not a supported event type; must be one of deal\.creation/,
    );
  });

  it("hides a secret even where a program turned it into plain text", async () => {
    const run = await plan("--program", "test/fixtures/stacks/program.ts", "--json");
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stdout.includes("offline-placeholder"));
    const json = JSON.parse(run.stdout) as PlanJson;
    assert.equal(json.outputs.secretOutput, "[secret]");
    assert.equal(json.outputs.leakedOutput, "token=[secret]");
    assert.equal(get(ofType(json, "gcp:pubsub/topic:Topic")[0].inputs, "labels", "note"), "[secret]");
    assert.equal(ofType(json, "gcp:secretmanager/secretVersion:SecretVersion")[0].inputs.secretData, "[secret]");
  });
});
