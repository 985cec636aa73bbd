import { strict as assert } from "node:assert";
import { describeRedrive } from "../../scripts/lib/redrive-report";
import { resolveRedriveTarget } from "../../scripts/lib/redrive-target";

const OUTPUTS = {
  eventsTopic: "projects/acme-prod/topics/hubspot-prod-events",
  deadLetterSubscription: "projects/acme-dlq/subscriptions/hubspot-prod-dead-letter-retention",
};

describe("redrive target: flags, then the stack's outputs", () => {
  it("takes the dead letter, the events topic and the events topic's project from the stack", () => {
    assert.deepEqual(resolveRedriveTarget({}, OUTPUTS, {}), {
      project: "acme-prod",
      subscription: OUTPUTS.deadLetterSubscription,
      topic: OUTPUTS.eventsTopic,
      sources: { project: "stack", subscription: "stack", topic: "stack" },
    });
  });

  it("explicit flags win over the stack, one by one", () => {
    const target = resolveRedriveTarget({ topic: "replay", project: "acme-sandbox" }, OUTPUTS, {});
    assert.equal(target.topic, "replay");
    assert.equal(target.project, "acme-sandbox");
    assert.equal(target.subscription, OUTPUTS.deadLetterSubscription);
    assert.deepEqual(target.sources, { project: "flag", subscription: "stack", topic: "flag" });
  });

  it("the stack's project beats GOOGLE_CLOUD_PROJECT, which still serves without a stack", () => {
    assert.equal(resolveRedriveTarget({}, OUTPUTS, { GOOGLE_CLOUD_PROJECT: "elsewhere" }).project, "acme-prod");
    const bare = resolveRedriveTarget({ subscription: "dlq", topic: "events" }, undefined, {
      GOOGLE_CLOUD_PROJECT: "elsewhere",
    });
    assert.deepEqual(bare.sources, { project: "environment", subscription: "flag", topic: "flag" });
    assert.equal(bare.project, "elsewhere");
  });

  it("without flags or a stack everything is missing (validateRedriveOptions names each)", () => {
    assert.deepEqual(resolveRedriveTarget({}, undefined, {}).sources, {
      project: "missing",
      subscription: "missing",
      topic: "missing",
    });
  });
});

describe("redrive report", () => {
  const reasons = { "(none)": 4, "integration-rejected": 2, "invalid-event": 3 };

  it("a dry run says what would be republished and what would stay, per reason", () => {
    const lines = describeRedrive(
      { pulled: 9, republished: 0, acknowledged: 0, skipped: 9, failed: 0, reasons, dryRun: true },
      ["invalid-event"],
    );
    assert.deepEqual(lines, [
      "dry run: read 9; would republish 6, would leave 3 (excluded reasons); nothing republished or acknowledged",
      "  reason (none): 4 (would republish)",
      "  reason invalid-event: 3 (excluded: stays)",
      "  reason integration-rejected: 2 (would republish)",
    ]);
  });

  it("a real run keeps its counts line", () => {
    const lines = describeRedrive(
      { pulled: 9, republished: 6, acknowledged: 6, skipped: 3, failed: 0, reasons, dryRun: false },
      ["invalid-event"],
    );
    assert.equal(lines[0], "pulled 9, republished 6, acknowledged 6, skipped 3, failed 0");
    assert.equal(lines[2], "  reason invalid-event: 3 (excluded: stays)");
  });
});
