// `npm run redrive` end to end: the script run as the operator runs it, its stack read through the pulumi CLI
// stand-in, against the Pub/Sub emulator.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { Subscription } from "@google-cloud/pubsub";
import { drain } from "./drain";
import { createPulumiCliStandIn, sampleStackOutputs, type PulumiCliStandIn } from "../../testing/pulumi-cli-stand-in";
import { emulatorForSuite } from "../../testing/pubsub-emulator";
import { runProcess, type Run } from "../support/run-process";

const PROJECT = "redrive-cli";
const ROOT = path.resolve(__dirname, "../..");
const SUMMARY_KEYS = ["pulled", "republished", "acknowledged", "skipped", "failed", "reasons", "dryRun"];

const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;

describe("npm run redrive -- --stack S (end to end)", function () {
  this.timeout(60_000);
  const suite = emulatorForSuite(PROJECT);
  let pulumi: PulumiCliStandIn;
  let events: Subscription;
  let otherEvents: Subscription;
  let deadLetter: Subscription;

  /** The script as `npm run redrive` starts it (tsx), with the stand-in first on PATH; piped unless `pty`. */
  function redrive(args: string[], options: { pty?: boolean } = {}): Promise<Run> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${pulumi.binDir}:${process.env.PATH ?? ""}`,
      PUBSUB_EMULATOR_HOST: suite.emulator.host,
      GOOGLE_CLOUD_PROJECT: "",
    };
    const node = [process.execPath, "--import", "tsx", "scripts/redrive.ts", ...args];
    // util-linux `script` runs the command on a pseudo-terminal: both its stdout and stderr are then TTYs.
    const quoted = node.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(" ");
    const [command, ...commandArgs] = options.pty ? ["script", "-qfec", quoted, "/dev/null"] : node;
    return runProcess(command, commandArgs, { cwd: ROOT, env });
  }

  before(async () => {
    const pubsub = suite.pubsub;
    const [eventsTopic] = await pubsub.createTopic("hubspot-dev-events");
    [events] = await eventsTopic.createSubscription("events-capture");
    const [otherTopic] = await pubsub.createTopic("replay-events");
    [otherEvents] = await otherTopic.createSubscription("replay-capture");
    const [deadLetterTopic] = await pubsub.createTopic("hubspot-dev-dead-letter");
    [deadLetter] = await deadLetterTopic.createSubscription("hubspot-dev-dead-letter-retention");
    pulumi = createPulumiCliStandIn({ stacks: { prod: sampleStackOutputs(PROJECT) } });
  });

  after(() => pulumi?.cleanup());

  beforeEach(async () => {
    await drain(events);
    await drain(otherEvents);
    await drain(deadLetter);
    const topic = suite.pubsub.topic("hubspot-dev-dead-letter");
    await topic.publishMessage({
      data: Buffer.from('{"n":1}'),
      attributes: {
        eventType: "deal.creation",
        CloudPubSubDeadLetterSourceSubscription: `projects/${PROJECT}/subscriptions/hubspot-dev-trigger-deals-0a1b2c3d-5e6f7a8`,
      },
    });
    await topic.publishMessage({
      data: Buffer.from('{"n":2}'),
      attributes: { eventType: "contact.deletion", reason: "integration-rejected" },
    });
    await topic.publishMessage({ data: Buffer.from("not json"), attributes: { reason: "invalid-event" } });
  });

  it("reads the dead letter and the events topic from the stack, republishes, then acknowledges; --json unchanged", async () => {
    const run = await redrive(["--stack", "prod", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.equal(lines.length, 1, "one JSON document on stdout, nothing else");
    const summary = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.deepEqual(Object.keys(summary), SUMMARY_KEYS);
    assert.deepEqual(summary, {
      pulled: 3,
      republished: 3,
      acknowledged: 3,
      skipped: 0,
      failed: 0,
      reasons: { "(none)": 1, "integration-rejected": 1, "invalid-event": 1 },
      dryRun: false,
    });
    assert.ok(!run.stderr.includes("\x1B["), "no progress drawn when not on a terminal");
    assert.deepEqual(pulumi.invocations().at(-1)?.args, ["stack", "output", "--json", "--stack", "prod"]);
    const republished = (await drain(events)).sort((a, b) => a.data.localeCompare(b.data));
    assert.deepEqual(
      republished.map((m) => [m.data, m.attributes.redriveCount, m.attributes.redriveSubscription]),
      [
        ['{"n":1}', "1", "hubspot-dev-trigger-deals-0a1b2c3d"],
        ['{"n":2}', "1", undefined],
        ["not json", "1", undefined],
      ],
    );
    assert.deepEqual(await drain(deadLetter), [], "acknowledged once republished");
  });

  it("a flag wins over the stack's output: --topic sends the events elsewhere", async () => {
    const run = await redrive(["--stack", "prod", "--topic", "replay-events", "--exclude-reason", "invalid-event"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /-> replay-events \(flag\), project redrive-cli \(stack prod\)/);
    assert.match(
      run.stderr,
      /dead letter projects\/redrive-cli\/subscriptions\/hubspot-dev-dead-letter-retention \(stack prod\)/,
    );
    assert.match(run.stdout, /^pulled 3, republished 2, acknowledged 2, skipped 1, failed 0$/m);
    assert.equal((await drain(otherEvents)).length, 2);
    assert.deepEqual(await drain(events), []);
    assert.deepEqual(
      (await drain(deadLetter)).map((m) => m.data),
      ["not json"],
    );
  });

  it("acknowledges nothing it could not republish: a topic that does not exist leaves every dead letter", async () => {
    const run = await redrive(["--stack", "prod", "--topic", "no-such-topic", "--json"]);
    assert.equal(run.code, 2, "exit 2 when a republish failed");
    const summary = JSON.parse(run.stdout) as { failed: number; acknowledged: number; republished: number };
    assert.deepEqual([summary.failed, summary.republished, summary.acknowledged], [3, 0, 0]);
    assert.equal((await drain(deadLetter)).length, 3, "released at the end, pullable at once");
  });

  it("a stack the backend does not know: one clear error, exit 1, nothing touched", async () => {
    const run = await redrive(["--stack", "prdo"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^redrive: cannot read the outputs of stack "prdo": the Pulumi backend has no such stack \(pulumi: error: no stack named 'prdo' found\); list the stacks with `pulumi stack ls`/m,
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    assert.equal(run.stdout, "");
    assert.equal((await drain(deadLetter)).length, 3);
  });

  it("--dry-run counts by reason what would be republished and leaves the backlog as it was", async () => {
    const run = await redrive([
      "--stack",
      "prod",
      "--dry-run",
      "--batch-size",
      "1",
      "--exclude-reason",
      "invalid-event",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), [
      "dry run: read 3; would republish 2, would leave 1 (excluded reasons); nothing republished or acknowledged",
      "  reason (none): 1 (would republish)",
      "  reason integration-rejected: 1 (would republish)",
      "  reason invalid-event: 1 (excluded: stays)",
    ]);
    assert.deepEqual(await drain(events), []);
    assert.deepEqual((await drain(deadLetter)).map((m) => m.data).sort(), ["not json", '{"n":1}', '{"n":2}']);
  });

  it("--help says the flags win over the stack", async () => {
    const before = pulumi.invocations().length;
    const run = await redrive(["--help", "--stack", "prod"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--project, --subscription and --topic, when given, win/);
    assert.equal(pulumi.invocations().length, before, "help reads no stack");
  });

  it("draws progress on a terminal: counts against --max, rate and time left", async function () {
    if (!hasScript) {
      console.log("      skipped: util-linux `script` is not installed (the renderer is tested on a fake TTY)");
      this.skip();
    }
    const run = await redrive(["--stack", "prod", "--max", "5"], { pty: true });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // On a pseudo-terminal stdout and stderr arrive together through `script`'s stdout.
    assert.ok(run.stdout.includes("\x1B[?25l"), "cli-progress hid the cursor: it drew");
    assert.match(run.stdout, /redrive [█░]+ 3\/5 \| republished 3, skipped 0, failed 0 \| (-|[\d.]+)\/s \| /);
    assert.match(run.stdout, /pulled 3, republished 3, acknowledged 3, skipped 0, failed 0/);
  });
});
