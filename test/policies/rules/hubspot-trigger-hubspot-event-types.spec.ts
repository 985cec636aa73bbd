import * as assert from "node:assert/strict";
import { eventTypes } from "../../../policies/rules/hubspot-trigger-hubspot-event-types";
import { messages } from "../support/harness";
import { DISPATCHER_TRIGGERS, one } from "../support/stack";

const SUPPORTED =
  "deal.creation, deal.propertyChange, deal.deletion, contact.creation, contact.propertyChange, contact.deletion";

describe("hubspot-trigger-hubspot-event-types", () => {
  it("accepts the supported types on triggers and HubSpot subscriptions", () => {
    assert.deepEqual(messages(eventTypes, [one("dispatcher"), one("dealCreation"), one("dealStage")]), []);
  });

  it("reports an unsupported HubSpot subscription type", () => {
    const company = one("dealCreation", (inputs) => {
      inputs.eventType = "company.creation";
    });
    assert.deepEqual(messages(eventTypes, [company]), [
      `HubSpot subscription event type "company.creation" is not supported (supported: ${SUPPORTED}): fix eventTypes in hubspot-trigger:triggers.`,
    ]);
  });

  it("reads the event types of trigger subscription filters", () => {
    assert.deepEqual(messages(eventTypes, [one("triggerSubscription"), one("deadLetterSubscription")]), []);
    const typo = one("triggerSubscription", (inputs) => {
      inputs.filter = 'attributes.eventType = "deal.creation" OR attributes.eventType="deal.changed"';
    });
    assert.deepEqual(messages(eventTypes, [typo]), [
      `Subscription filter matches event type "deal.changed", which the listener never publishes: fix the trigger's eventTypes in hubspot-trigger:triggers.`,
    ]);
  });

  it("reports a trigger with a typo and a trigger without event types", () => {
    const dispatcher = one("dispatcher", (inputs) => {
      const triggers = [
        { ...DISPATCHER_TRIGGERS[0], eventTypes: ["deal.created"] },
        { ...DISPATCHER_TRIGGERS[0], name: "idle", eventTypes: [] },
      ];
      inputs.template.containers[0].envs[1] = { name: "DISPATCHER_TRIGGERS", value: JSON.stringify(triggers) };
    });
    assert.deepEqual(messages(eventTypes, [dispatcher]), [
      `Trigger "deal-sync" uses event type "deal.created", which is not supported (supported: ${SUPPORTED}): fix its eventTypes in hubspot-trigger:triggers.`,
      'Trigger "idle" has no event type: list at least one in its eventTypes in hubspot-trigger:triggers.',
    ]);
  });
});
