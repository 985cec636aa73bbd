import { strict as assert } from "node:assert";
import * as path from "node:path";
import { EVENT_TYPES } from "../../contract/events";
import { readStackOutputs, StackOutputsError, stackOutputProblems } from "../../scripts/lib/stack-outputs";
import { createPulumiCliStandIn, sampleStackOutputs, type PulumiCliStandIn } from "../../testing/pulumi-cli-stand-in";

describe("stack outputs (pulumi stack output --json)", () => {
  let pulumi: PulumiCliStandIn;
  afterEach(() => pulumi?.cleanup());

  it("runs `pulumi stack output --json --stack S` in the repository root and returns the checked outputs", async () => {
    pulumi = createPulumiCliStandIn({ stacks: { prod: sampleStackOutputs("acme") } });
    const outputs = await readStackOutputs("prod", { pulumiCommand: pulumi.pulumiCommand });
    assert.equal(outputs.eventsTopic, "projects/acme/topics/hubspot-dev-events");
    assert.equal(outputs.deadLetterSubscription, "projects/acme/subscriptions/hubspot-dev-dead-letter-retention");
    // serviceAttachment printed as null (an undefined export) reads as absent.
    assert.equal(outputs.serviceAttachment, undefined);
    const invocations = pulumi.invocations();
    assert.deepEqual(
      invocations.map((call) => call.args),
      [["stack", "output", "--json", "--stack", "prod"]],
    );
    assert.equal(invocations[0].cwd, path.resolve(__dirname, "../.."), "run where Pulumi.yaml is");
  });

  it("finds `pulumi` on PATH when no command is given", async () => {
    pulumi = createPulumiCliStandIn({ stacks: { dev: sampleStackOutputs() } });
    const env = { ...process.env, PATH: `${pulumi.binDir}:${process.env.PATH ?? ""}` };
    const outputs = await readStackOutputs("dev", { env });
    assert.equal(outputs.triggers[0].name, "deals");
    assert.equal(pulumi.invocations().length, 1);
  });

  it("tolerates outputs and fields other issues add", async () => {
    const outputs = { ...sampleStackOutputs(), dashboardUrl: "https://console.cloud.google.com/x", alerting: { n: 3 } };
    pulumi = createPulumiCliStandIn({ stacks: { dev: outputs } });
    const read = await readStackOutputs("dev", { pulumiCommand: pulumi.pulumiCommand });
    assert.equal((read as unknown as Record<string, unknown>).dashboardUrl, "https://console.cloud.google.com/x");
  });

  it("names every problem at once: the output, what is wrong, the rule; a secret says it is one", () => {
    const outputs: Record<string, unknown> = {
      ...sampleStackOutputs(),
      eventsTopic: "hubspot-dev-events",
      deadLetterSubscription: "[secret]",
      triggers: [{ name: "deals", eventTypes: ["deal.creation", "ticket.creation"], subscription: "s" }],
    };
    delete outputs.webhookUrl;
    const problems = stackOutputProblems(outputs);
    assert.deepEqual(problems, [
      "webhookUrl: missing; must be the listener's webhook URL",
      'eventsTopic: "hubspot-dev-events" is not a full topic name projects/P/topics/T',
      "deadLetterSubscription: is a secret output (printed as [secret]); the tools read no secrets, export it in plain text",
      `triggers.0.eventTypes.1: "ticket.creation" is not one of ${EVENT_TYPES.join(", ")}`,
      'triggers.0.subscription: "s" is not a full subscription name projects/P/subscriptions/S',
    ]);
  });

  it("reports outputs that do not match as one error naming the stack", async () => {
    pulumi = createPulumiCliStandIn({ stacks: { old: { eventsTopic: "projects/p/topics/t" } } });
    await assert.rejects(readStackOutputs("old", { pulumiCommand: pulumi.pulumiCommand }), (error: Error) => {
      assert.ok(error instanceof StackOutputsError);
      assert.match(error.message, /^the outputs of stack "old" do not match components\/outputs\.ts/);
      assert.match(error.message, /\n- deadLetterSubscription: missing; must be a full subscription name/);
      assert.match(error.message, /\n- triggers: missing; must be a list of triggers/);
      return true;
    });
  });

  it("a stack the backend does not have: names it and says how to find the right one", async () => {
    pulumi = createPulumiCliStandIn({ stacks: { dev: sampleStackOutputs() } });
    await assert.rejects(
      readStackOutputs("prdo", { pulumiCommand: pulumi.pulumiCommand }),
      (error: Error) =>
        error instanceof StackOutputsError &&
        /^cannot read the outputs of stack "prdo": the Pulumi backend has no such stack \(pulumi: error: no stack named 'prdo' found\); list the stacks with `pulumi stack ls`/.test(
          error.message,
        ),
    );
  });

  it("not logged in: says to run pulumi login", async () => {
    pulumi = createPulumiCliStandIn({ stacks: { dev: sampleStackOutputs() }, loggedIn: false });
    await assert.rejects(
      readStackOutputs("dev", { pulumiCommand: pulumi.pulumiCommand }),
      /stack "dev": not logged in to its Pulumi backend \(pulumi: error: PULUMI_ACCESS_TOKEN must be set .*\); run `pulumi login`/,
    );
  });

  it("no pulumi at all: says to install it or use the flags", async () => {
    await assert.rejects(
      readStackOutputs("dev", { pulumiCommand: "/nonexistent/bin/pulumi" }),
      /stack "dev": `\/nonexistent\/bin\/pulumi` was not found .*install the Pulumi CLI .* or name the resources with the tool's flags/,
    );
  });

  it("an empty stack name is refused before running anything", async () => {
    await assert.rejects(readStackOutputs(" "), /--stack: empty/);
  });
});
