import * as assert from "node:assert/strict";
import { eventTypes } from "../../../policies/rules/hubspot-trigger-hubspot-event-types";
import { messages } from "../support/harness";
import { DISPATCHER_TRIGGERS, one } from "../support/stack";

// Written out, not read from the contract: the list users see in these messages is what this spec pins.
const SUPPORTED =
  "deal.creation, deal.propertyChange, deal.deletion, contact.creation, contact.propertyChange, contact.deletion, " +
  "company.creation, company.propertyChange, company.deletion";

describe("hubspot-trigger-hubspot-event-types", () => {
  it("accepts the supported types on triggers and HubSpot subscriptions", () => {
    assert.deepEqual(messages(eventTypes, [one("dispatcher"), one("dealCreation"), one("dealStage")]), []);
  });

  it("reports an unsupported HubSpot subscription type", () => {
    // Both are subscription types HubSpot offers (SubscriptionCreateRequest.eventType in
    // /work/shared/reference/hubspot/webhooks-v3.openapi.json), neither is one a trigger takes.
    const ticket = one("dealCreation", (inputs) => {
      inputs.eventType = "ticket.creation";
    });
    const merge = one("dealCreation", (inputs) => {
      inputs.eventType = "company.merge";
    });
    assert.deepEqual(messages(eventTypes, [ticket, merge]), [
      `HubSpot subscription event type "ticket.creation" is not supported (supported: ${SUPPORTED}): fix eventTypes in hubspot-trigger:triggers.`,
      `HubSpot subscription event type "company.merge" is not supported (supported: ${SUPPORTED}): fix eventTypes in hubspot-trigger:triggers.`,
    ]);
  });

  it("accepts the opt-in company types on triggers, HubSpot subscriptions and filters (whole or by prefix)", () => {
    const subscriptions = ["company.creation", "company.deletion"].map((eventType) =>
      one("dealCreation", (inputs) => {
        inputs.eventType = eventType;
      }),
    );
    const companyIndustry = one("dealStage", (inputs) => {
      inputs.eventType = "company.propertyChange";
      inputs.propertyName = "industry";
    });
    const dispatcher = one("dispatcher", (inputs) => {
      const triggers = [
        { ...DISPATCHER_TRIGGERS[0], eventTypes: ["company.creation", "company.propertyChange", "company.deletion"] },
      ];
      inputs.template.containers[0].envs[1] = { name: "DISPATCHER_TRIGGERS", value: JSON.stringify(triggers) };
    });
    const filters = [
      'attributes.eventType = "company.creation" OR attributes.eventType = "company.propertyChange"',
      'hasPrefix(attributes.eventType, "company.") OR attributes.eventType = "deal.creation"',
    ].map((filter) =>
      one("triggerSubscription", (inputs) => {
        inputs.filter = filter;
      }),
    );
    assert.deepEqual(messages(eventTypes, [...subscriptions, companyIndustry, dispatcher, ...filters]), []);
  });

  it("reports a filter matching a whole object type no trigger supports", () => {
    const tickets = one("triggerSubscription", (inputs) => {
      inputs.filter = 'hasPrefix(attributes.eventType, "ticket.") OR hasPrefix(attributes.eventType, "deal.")';
    });
    assert.deepEqual(messages(eventTypes, [tickets]), [
      `Subscription filter matches event types starting with "ticket.", none of which the trigger supports (supported: ${SUPPORTED}): fix the trigger's eventTypes in hubspot-trigger:triggers.`,
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
