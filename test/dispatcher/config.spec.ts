import assert from "node:assert/strict";
import { readDispatcherConfig } from "../../runtime/dispatcher/config";
import { parseTriggerTable, serializeTriggerTable, type TriggerTableEntry } from "../../contract/runtime-env-triggers";
import { dispatcherConfigProblems } from "./helpers";

const TRIGGERS = JSON.stringify([
  {
    name: "deal-created",
    subscription: "deals-created",
    eventTypes: ["deal.creation"],
    integration: "on-deal",
    triggerId: "api_trigger/on-deal",
  },
]);

const BASE: NodeJS.ProcessEnv = {
  ROLE: "dispatcher",
  GOOGLE_CLOUD_PROJECT: "demo-project",
  DEAD_LETTER_TOPIC: "projects/other-project/topics/hubspot-dead-letter",
  DISPATCHER_TRIGGERS: TRIGGERS,
  INTEGRATION_LOCATION: "europe-west1",
};

describe("dispatcher configuration", () => {
  it("applies the documented defaults", () => {
    const config = readDispatcherConfig(BASE);
    assert.equal(config.port, 8080);
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.integrationsEndpoint, "https://integrations.googleapis.com");
    assert.equal(config.integrationProject, "demo-project");
    assert.equal(config.maxConcurrentExecutions, 50);
    assert.equal(config.executionTimeoutMs, 45_000);
    assert.equal(config.enrichment, undefined);
    assert.deepEqual(config.triggers[0].eventTypes, ["deal.creation"]);
  });

  it("listens on all interfaces on Cloud Run", () => {
    assert.equal(readDispatcherConfig({ ...BASE, K_SERVICE: "dispatcher" }).host, "0.0.0.0");
  });

  it("turns enrichment on when a property list is set, with the token", () => {
    const config = readDispatcherConfig({
      ...BASE,
      HUBSPOT_ACCESS_TOKEN: "pat-eu1-secret",
      ENRICHMENT_DEAL_PROPERTIES: "dealname, amount,dealstage",
    });
    assert.deepEqual(config.enrichment?.properties, {
      contact: [],
      company: [],
      deal: ["dealname", "amount", "dealstage"],
    });
    assert.equal(config.enrichment?.apiBaseUrl, "https://api.hubapi.com");
  });

  const rejected: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ["a missing trigger list", { DISPATCHER_TRIGGERS: undefined }, /^DISPATCHER_TRIGGERS: is missing/],
    ["a trigger list that is not JSON", { DISPATCHER_TRIGGERS: "[{" }, /^DISPATCHER_TRIGGERS: is not valid JSON/],
    ["an empty trigger list", { DISPATCHER_TRIGGERS: "[]" }, /non-empty JSON array/],
    [
      "a full subscription path instead of its short name",
      { DISPATCHER_TRIGGERS: TRIGGERS.replace('"deals-created"', '"projects/p/subscriptions/deals-created"') },
      /\[0\]\.subscription .* the rule is a short Pub\/Sub subscription id/,
    ],
    [
      "an unknown event type",
      { DISPATCHER_TRIGGERS: TRIGGERS.replace("deal.creation", "deal.created") },
      /^DISPATCHER_TRIGGERS: \[0\]\.eventTypes\[0\] "deal\.created" is not an event type; the rule is one of deal\.creation, /,
    ],
    [
      "a trigger id with a space",
      { DISPATCHER_TRIGGERS: TRIGGERS.replace("api_trigger/on-deal", "api_trigger/on deal") },
      /^DISPATCHER_TRIGGERS: \[0\]\.triggerId "api_trigger\/on deal" is invalid; the rule is an integration trigger id such as api_trigger\//,
    ],
    [
      "a trigger name the stack config would refuse (the contract's name rule)",
      { DISPATCHER_TRIGGERS: TRIGGERS.replace('"deal-created"', '"goog-deal"') },
      /^DISPATCHER_TRIGGERS: \[0\]\.name "goog-deal" starts with "goog"; the rule is lowercase letters, digits and hyphens/,
    ],
    [
      "a trigger name longer than 49 characters",
      { DISPATCHER_TRIGGERS: TRIGGERS.replace('"deal-created"', `"${"d".repeat(50)}"`) },
      /^DISPATCHER_TRIGGERS: \[0\]\.name "d+" is 50 characters long; .*at most 49 characters/,
    ],
    [
      "an invalid log level",
      { LOG_LEVEL: "LOUD" },
      /^LOG_LEVEL: "LOUD" is not allowed; the rule is one of DEBUG\|INFO\|WARN\|WARNING\|ERROR/,
    ],
    [
      "a bare dead-letter topic",
      { DEAD_LETTER_TOPIC: "hubspot-dead-letter" },
      /^DEAD_LETTER_TOPIC: .* projects\/PROJECT\/topics\/TOPIC/,
    ],
    ["a zero concurrency cap", { MAX_CONCURRENT_EXECUTIONS: "0" }, /^MAX_CONCURRENT_EXECUTIONS: 0 is out of range/],
    [
      "a timeout above Pub/Sub's longest ack deadline",
      { EXECUTION_TIMEOUT_MS: "600000" },
      /^EXECUTION_TIMEOUT_MS: 600000 is out of range/,
    ],
    [
      "a plain-http endpoint off loopback",
      { INTEGRATIONS_ENDPOINT: "http://integrations.example.com" },
      /^INTEGRATIONS_ENDPOINT: .* plain http/,
    ],
    [
      "enrichment without a token",
      { ENRICHMENT_CONTACT_PROPERTIES: "email" },
      /^HUBSPOT_ACCESS_TOKEN: is missing; .*ENRICHMENT/,
    ],
    [
      "a property name with a space",
      { HUBSPOT_ACCESS_TOKEN: "t", ENRICHMENT_CONTACT_PROPERTIES: "first name" },
      /^ENRICHMENT_CONTACT_PROPERTIES: items "first name"/,
    ],
  ];
  for (const [what, change, expected] of rejected) {
    it(`rejects ${what}, naming the variable and the rule`, () => {
      const problems = dispatcherConfigProblems({ ...BASE, ...change });
      assert.ok(
        problems.some((problem) => expected.test(problem)),
        `no problem matches ${expected}: ${problems.join(" | ")}`,
      );
    });
  }

  it("lists every problem at once", () => {
    const problems = dispatcherConfigProblems({
      ...BASE,
      INTEGRATION_LOCATION: undefined,
      PORT: "http",
      DISPATCHER_TRIGGERS: "{}",
    });
    assert.equal(problems.length, 3, problems.join(" | "));
  });

  it("never echoes the access token in an error", () => {
    const problems = dispatcherConfigProblems({ ...BASE, HUBSPOT_ACCESS_TOKEN: "pat secret with spaces" });
    assert.ok(problems.some((problem) => problem.startsWith("HUBSPOT_ACCESS_TOKEN:")));
    assert.ok(!problems.join(" ").includes("secret with spaces"));
  });

  it("lists each problem of the trigger table on its own line, naming the entry and the field", () => {
    const table = JSON.stringify([
      { name: "Deal", subscription: "s", eventTypes: [], integration: "on-deal", triggerId: "t" },
      "not an entry",
    ]);
    assert.deepEqual(
      dispatcherConfigProblems({ ...BASE, DISPATCHER_TRIGGERS: table }).map((problem) => problem.split(";")[0]),
      [
        'DISPATCHER_TRIGGERS: [0].name "Deal" contains uppercase letters',
        'DISPATCHER_TRIGGERS: [0].subscription "s" is invalid',
        "DISPATCHER_TRIGGERS: [0].eventTypes is empty",
        'DISPATCHER_TRIGGERS: [1] "not an entry" is not an object',
      ],
    );
  });

  it("rejects a duplicated subscription", () => {
    const twice = JSON.stringify([...JSON.parse(TRIGGERS), { ...JSON.parse(TRIGGERS)[0], name: "other" }]);
    assert.ok(dispatcherConfigProblems({ ...BASE, DISPATCHER_TRIGGERS: twice }).some((p) => /used twice/.test(p)));
  });
});

describe("trigger table (DISPATCHER_TRIGGERS)", () => {
  const entries: TriggerTableEntry[] = [
    {
      name: "deal-stage",
      subscription: "deal-stage",
      eventTypes: ["deal.propertyChange"],
      propertyNames: ["dealstage"],
      integration: "on-stage",
      triggerId: "api_trigger/on-stage",
    },
    {
      name: "deal-created",
      subscription: "deals-created",
      eventTypes: ["deal.creation", "deal.deletion"],
      propertyNames: [],
      integration: "on-deal",
      triggerId: "api_trigger/on-deal",
    },
  ];

  it("writes entries in order with a fixed key order, propertyNames only when it lists some", () => {
    assert.equal(
      serializeTriggerTable(entries),
      '[{"name":"deal-stage","subscription":"deal-stage","eventTypes":["deal.propertyChange"],"propertyNames":["dealstage"],"integration":"on-stage","triggerId":"api_trigger/on-stage"},' +
        '{"name":"deal-created","subscription":"deals-created","eventTypes":["deal.creation","deal.deletion"],"integration":"on-deal","triggerId":"api_trigger/on-deal"}]',
    );
  });

  it("reads back what it writes", () => {
    const parsed = parseTriggerTable(serializeTriggerTable(entries));
    assert.ok("value" in parsed, JSON.stringify(parsed));
    assert.deepEqual(parsed.value, [entries[0], { ...entries[1], propertyNames: undefined }].map(withoutUndefined));
  });

  it("reports text that is not JSON", () => {
    assert.deepEqual(parseTriggerTable("[{"), {
      problems: [`is not valid JSON (${errorOf(() => JSON.parse("[{"))})`],
    });
  });
});

function withoutUndefined(entry: TriggerTableEntry): TriggerTableEntry {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as TriggerTableEntry;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}
