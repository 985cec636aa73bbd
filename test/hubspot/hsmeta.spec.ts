import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { hsmetaText, renderHsmeta } from "../../components/hubspot/hsmeta";
import { manualSteps } from "../../components/hubspot/manual-steps";
import { subscriptionsFromTriggers, type TriggerSubscriptions } from "../../components/hubspot/subscriptions";
import { main as hsmetaMain } from "../../scripts/hsmeta";
import { LISTENER_URL, SIX_SUBSCRIPTIONS } from "./support";

/**
 * The `*-hsmeta.json` webhooks component as HubSpot documents it
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks): required uid, type,
 * config.settings {targetUrl, maxConcurrentRequests}; subscriptions in crmObjects (with objectType),
 * legacyCrmObjects (propertyName for propertyChange) and hubEvents. Written from the page's field table.
 */
const entry = (required: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: "object",
  required: ["subscriptionType", "active", ...required],
  additionalProperties: false,
  properties: {
    subscriptionType: { type: "string" },
    active: { type: "boolean" },
    propertyName: { type: "string" },
    ...extra,
  },
});
const HSMETA_SCHEMA = {
  type: "object",
  required: ["uid", "type", "config"],
  additionalProperties: false,
  properties: {
    uid: { type: "string", minLength: 1 },
    type: { const: "webhooks" },
    config: {
      type: "object",
      required: ["settings", "subscriptions"],
      additionalProperties: false,
      properties: {
        settings: {
          type: "object",
          required: ["targetUrl", "maxConcurrentRequests"],
          additionalProperties: false,
          properties: {
            targetUrl: { type: "string", pattern: "^https://" },
            maxConcurrentRequests: { type: "integer", minimum: 5 },
          },
        },
        subscriptions: {
          type: "object",
          additionalProperties: false,
          properties: {
            crmObjects: {
              type: "array",
              items: entry(["objectType"], {
                objectType: { type: "string" },
                subscriptionType: { type: "string", pattern: "^object\\." },
              }),
            },
            legacyCrmObjects: {
              type: "array",
              items: entry([], {
                subscriptionType: { type: "string", pattern: "^(contact|company|deal|ticket|product|line_item)\\." },
              }),
            },
            hubEvents: { type: "array", items: entry([]) },
          },
        },
      },
    },
  },
};
const hsmetaValidator = new Ajv({ allErrors: true }).compile(HSMETA_SCHEMA);
/** A plain boolean (not a type guard), so the documents keep their own types. */
const STACK_FILE = join(__dirname, "../fixtures/hubspot-webhooks-stand-in/Pulumi.hsmeta-test.yaml");
const validateHsmeta = Object.assign((document: unknown): boolean => hsmetaValidator(document), {
  get errors() {
    return hsmetaValidator.errors;
  },
});

describe("hubspot project mode: webhooks-hsmeta.json", () => {
  it("renders the six seed event types as legacyCrmObjects in HubSpot's documented format", () => {
    const document = renderHsmeta({
      uid: "hubspot-webhooks",
      targetUrl: LISTENER_URL,
      maxConcurrentRequests: 10,
      subscriptions: SIX_SUBSCRIPTIONS,
    });
    assert.ok(validateHsmeta(document), JSON.stringify(validateHsmeta.errors));
    assert.deepEqual(document.config.settings, { targetUrl: LISTENER_URL, maxConcurrentRequests: 10 });
    assert.equal(document.config.subscriptions.legacyCrmObjects?.length, 6);
    assert.deepEqual(document.config.subscriptions.legacyCrmObjects?.[1], {
      subscriptionType: "deal.propertyChange",
      propertyName: "dealstage",
      active: true,
    });
    assert.equal(document.config.subscriptions.crmObjects, undefined);
  });

  it("puts generic object.* types in crmObjects with their objectType, privacy deletions in hubEvents", () => {
    const document = renderHsmeta({
      uid: "w",
      targetUrl: LISTENER_URL,
      maxConcurrentRequests: 5,
      subscriptions: [
        { eventType: "object.creation", objectType: "contact" },
        { eventType: "object.propertyChange", objectType: "deal", propertyName: "amount" },
        { eventType: "contact.privacyDeletion" },
      ],
    });
    assert.ok(validateHsmeta(document), JSON.stringify(validateHsmeta.errors));
    assert.deepEqual(document.config.subscriptions.crmObjects, [
      { subscriptionType: "object.creation", objectType: "contact", active: true },
      { subscriptionType: "object.propertyChange", objectType: "deal", propertyName: "amount", active: true },
    ]);
    assert.deepEqual(document.config.subscriptions.hubEvents, [
      { subscriptionType: "contact.privacyDeletion", active: true },
    ]);
  });

  it("refuses what HubSpot would refuse, naming each field", () => {
    assert.throws(
      () =>
        renderHsmeta({
          uid: "bad uid",
          targetUrl: "http://x.example.com",
          maxConcurrentRequests: 2,
          subscriptions: [
            { eventType: "object.creation" },
            { eventType: "contact.propertyChange", propertyName: "hs_lastmodifieddate" },
          ],
        }),
      (error: Error) => {
        for (const field of [
          "targetUrl",
          "maxConcurrentRequests",
          "uid",
          "subscriptions[0].objectType",
          "subscriptions[1].propertyName",
        ]) {
          assert.ok(error.message.includes(`${field}:`), `${field} named in: ${error.message}`);
        }
        return true;
      },
    );
  });

  it("lists the opt-in company types as legacyCrmObjects only when a trigger lists them", () => {
    // company.creation / company.propertyChange / company.deletion are legacy subscription types HubSpot accepts
    // (SubscriptionCreateRequest.eventType in /work/shared/reference/hubspot/webhooks-v3.openapi.json and
    // webhooks-2026-03.openapi.json); the hsmeta page files such types under legacyCrmObjects.
    const seedOnly: TriggerSubscriptions[] = [{ eventTypes: ["deal.creation", "contact.deletion"], propertyNames: [] }];
    const withCompanies = [
      ...seedOnly,
      {
        eventTypes: ["company.creation", "company.propertyChange", "company.deletion"],
        propertyNames: ["industry", "domain"],
      },
    ];
    const render = (triggers: TriggerSubscriptions[]) =>
      renderHsmeta({
        uid: "w",
        targetUrl: LISTENER_URL,
        maxConcurrentRequests: 5,
        subscriptions: subscriptionsFromTriggers(triggers),
      });
    const without = render(seedOnly);
    assert.ok(validateHsmeta(without), JSON.stringify(validateHsmeta.errors));
    assert.ok(
      !JSON.stringify(without).includes("company"),
      "no company subscription unless a trigger lists a company type",
    );
    const document = render(withCompanies);
    assert.ok(validateHsmeta(document), JSON.stringify(validateHsmeta.errors));
    assert.deepEqual(document.config.subscriptions.legacyCrmObjects, [
      { subscriptionType: "company.creation", active: true },
      { subscriptionType: "company.deletion", active: true },
      { subscriptionType: "company.propertyChange", propertyName: "domain", active: true },
      { subscriptionType: "company.propertyChange", propertyName: "industry", active: true },
      { subscriptionType: "contact.deletion", active: true },
      { subscriptionType: "deal.creation", active: true },
    ]);
  });

  it("hsmetaText is two-space JSON with a trailing newline", () => {
    const document = renderHsmeta({
      uid: "w",
      targetUrl: LISTENER_URL,
      maxConcurrentRequests: 5,
      subscriptions: [{ eventType: "deal.creation" }],
    });
    const text = hsmetaText(document);
    assert.deepEqual(JSON.parse(text), document);
    assert.ok(text.endsWith("}\n") && text.includes('\n  "type": "webhooks"'));
  });

  it("subscriptionsFromTriggers: one per event type and property, deduplicated across triggers, sorted", () => {
    const specs = subscriptionsFromTriggers([
      { eventTypes: ["deal.propertyChange", "deal.creation"], propertyNames: ["dealstage", "amount"] },
      { eventTypes: ["deal.creation", "contact.propertyChange"], propertyNames: ["email"] },
    ]);
    assert.deepEqual(specs, [
      { eventType: "contact.propertyChange", propertyName: "email" },
      { eventType: "deal.creation" },
      { eventType: "deal.propertyChange", propertyName: "amount" },
      { eventType: "deal.propertyChange", propertyName: "dealstage" },
    ]);
  });

  describe("npm run hsmeta", () => {
    it("renders a stack's triggers and throttling to --out", function () {
      this.timeout(20_000);
      const dir = mkdtempSync(join(tmpdir(), "hsmeta-"));
      try {
        const out = join(dir, "src/app/webhooks/webhooks-hsmeta.json");
        hsmetaMain(["--stack", "hsmeta-test", "--config", STACK_FILE, "--out", out, "--target-url", LISTENER_URL]);
        const document = JSON.parse(readFileSync(out, "utf8"));
        assert.ok(validateHsmeta(document), JSON.stringify(validateHsmeta.errors));
        assert.equal(document.config.settings.targetUrl, LISTENER_URL);
        assert.equal(document.config.settings.maxConcurrentRequests, 20);
        assert.deepEqual(document.config.subscriptions.legacyCrmObjects, [
          { subscriptionType: "contact.creation", active: true },
          { subscriptionType: "contact.deletion", active: true },
          { subscriptionType: "deal.creation", active: true },
          { subscriptionType: "deal.propertyChange", propertyName: "amount", active: true },
          { subscriptionType: "deal.propertyChange", propertyName: "dealstage", active: true },
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("explains how to pass the URL when neither --target-url nor the Pulumi CLI gives it", () => {
      const saved = process.env.PATH;
      process.env.PATH = "/nonexistent";
      try {
        assert.throws(
          () => hsmetaMain(["--stack", "hsmeta-test", "--config", STACK_FILE]),
          /--target-url is missing and `pulumi stack output webhookUrl --stack hsmeta-test` failed/,
        );
      } finally {
        process.env.PATH = saved;
      }
    });

    it("names the missing --stack", () => {
      assert.throws(() => hsmetaMain([]), /--stack is missing/);
    });
  });
});

describe("hubspot manual mode: numbered steps", () => {
  it("gives the exact URL, throttling and one step per subscription, numbered", () => {
    const steps = manualSteps({
      webhookUrl: LISTENER_URL,
      maxConcurrentRequests: 10,
      subscriptions: SIX_SUBSCRIPTIONS,
    });
    steps.forEach((step, i) => assert.ok(step.startsWith(`${i + 1}. `), step));
    assert.ok(steps.some((s) => s.includes(`set the target URL to exactly ${LISTENER_URL}`)));
    assert.ok(steps.some((s) => s.includes("maximum concurrent requests) to 10")));
    assert.ok(steps.some((s) => s.includes('object type "deal", event "propertyChange", property "dealstage"')));
    assert.equal(steps.filter((s) => s.includes("Create a subscription")).length, 6);
    assert.ok(
      steps.some((s) => /Activate/.test(s)),
      "HubSpot creates subscriptions paused: the steps say to activate them",
    );
  });

  it("lists a company trigger's subscriptions like the others (object type company)", () => {
    const steps = manualSteps({
      webhookUrl: LISTENER_URL,
      maxConcurrentRequests: 10,
      subscriptions: subscriptionsFromTriggers([
        { eventTypes: ["company.creation", "company.propertyChange"], propertyNames: ["industry"] },
      ]),
    });
    assert.deepEqual(
      steps.filter((s) => s.includes("Create a subscription")),
      [
        '4. Create a subscription: object type "company", event "creation" (company.creation).',
        '5. Create a subscription: object type "company", event "propertyChange", property "industry" (company.propertyChange/industry).',
      ],
    );
  });
});
