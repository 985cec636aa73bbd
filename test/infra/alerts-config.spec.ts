import { strict as assert } from "node:assert";
import { ConfigValidationError, validateStackConfig, type RawStackConfig } from "../../infra/config";
import { hubSpotTriggerArgs } from "../../infra/trigger-args";

/** The `alerts` key: defaults, values as `pulumi config set --path` stores them, and every problem at once. */

const CONTEXT = { stack: "prod", project: "acme-hubspot-prod" };
const CHANNEL = "projects/acme-hubspot-prod/notificationChannels/4807265123904519817";

function config(values: RawStackConfig["values"]) {
  const base = {
    image: "europe-west1-docker.pkg.dev/acme-dev/hubspot-trigger/listener:0.1.0",
    integration: { name: "hubspot-crm-sync" },
    triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
  };
  return validateStackConfig({ values: { ...base, ...values }, secrets: { clientSecret: "x" } }, CONTEXT);
}

function problems(values: RawStackConfig["values"]): Map<string, string> {
  try {
    config(values);
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, String(error));
    return new Map(error.problems.map((p) => [p.key.replace("hubspot-trigger:", ""), p.message]));
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config: alerts", () => {
  it("defaults: on, no channel, backlog above 0, 15 minutes, 5 % / 10 % / 10 % over 5 minutes", () => {
    assert.deepEqual(config({}).alerts, {
      enabled: true,
      notificationChannels: [],
      deadLetterBacklog: 0,
      messageAgeSeconds: 900,
      listener5xxPercent: 5,
      signatureRejectionPercent: 10,
      executionFailurePercent: 10,
      windowSeconds: 300,
    });
  });

  it("takes values as the CLI stores them (strings from --path, a comma string of channels) and hands them to the component", () => {
    const parsed = config({
      alerts: {
        enabled: "false",
        notificationChannels: `${CHANNEL}, projects/acme-ops/notificationChannels/77`,
        messageAgeSeconds: "1200",
        listener5xxPercent: "2.5",
      },
    });
    assert.equal(parsed.alerts.enabled, false);
    assert.deepEqual(parsed.alerts.notificationChannels, [CHANNEL, "projects/acme-ops/notificationChannels/77"]);
    assert.equal(parsed.alerts.messageAgeSeconds, 1200);
    assert.equal(parsed.alerts.listener5xxPercent, 2.5);
    assert.deepEqual(hubSpotTriggerArgs(parsed).alerts, parsed.alerts);
  });

  it("reports every bad value at once, each with its key, the value's problem and the rule", () => {
    const found = problems({
      alerts: {
        notificationChannels: ["4807265123904519817", CHANNEL, CHANNEL],
        deadLetterBacklog: -1,
        messageAgeSeconds: 30,
        listener5xxPercent: 0,
        signatureRejectionPercent: 150,
        executionFailurePercent: "ten",
        windowSeconds: 7200,
        thresholds: {},
      },
    });
    assert.match(
      found.get("alerts.notificationChannels[0]") ?? "",
      /"4807265123904519817" does not match; an existing notification channel as projects\/PROJECT\/notificationChannels\/ID/,
    );
    assert.match(found.get("alerts.notificationChannels[2]") ?? "", /is listed twice/);
    assert.match(
      found.get("alerts.deadLetterBacklog") ?? "",
      /-1 is out of range; must be an integer from 0 to 1000000/,
    );
    assert.match(
      found.get("alerts.messageAgeSeconds") ?? "",
      /30 is out of range; must be an integer from 60 to 604800/,
    );
    assert.match(
      found.get("alerts.listener5xxPercent") ?? "",
      /0 is out of range; must be a number of percent above 0 and at most 100/,
    );
    assert.match(found.get("alerts.signatureRejectionPercent") ?? "", /150 is out of range/);
    assert.match(found.get("alerts.executionFailurePercent") ?? "", /got "ten", not a number/);
    assert.match(found.get("alerts.windowSeconds") ?? "", /7200 is out of range; must be an integer from 60 to 3600/);
    assert.match(found.get("alerts.thresholds") ?? "", /unknown key; allowed keys are enabled, notificationChannels/);
    assert.equal(found.size, 9, [...found.keys()].join(", "));
  });
});
