import * as assert from "node:assert/strict";
import { propertyChangeProperty } from "../../../policies/rules/hubspot-trigger-hubspot-property-change-property";
import { analyzeResource, messages, UNKNOWN_STRING } from "../support/harness";
import { one } from "../support/stack";

describe("hubspot-trigger-hubspot-property-change-property", () => {
  it("accepts a propertyChange with a property and a creation without one", () => {
    assert.deepEqual(messages(propertyChangeProperty, [one("dealStage"), one("dealCreation")]), []);
  });

  it("reports a propertyChange subscription without propertyName", () => {
    const bare = one("dealStage", (inputs) => {
      delete (inputs as { propertyName?: string }).propertyName;
    });
    assert.deepEqual(messages(propertyChangeProperty, [bare]), [
      `HubSpot subscription "deal.propertyChange" names no property: list the watched properties in the trigger's propertyNames in hubspot-trigger:triggers.`,
    ]);
  });

  it("reports a property on an event type that takes none", () => {
    const creation = one("dealCreation", (inputs) => {
      Object.assign(inputs, { propertyName: "dealstage" });
    });
    assert.deepEqual(messages(propertyChangeProperty, [creation]), [
      'HubSpot subscription "deal.creation" sets propertyName "dealstage", which only propertyChange takes: remove propertyNames from the trigger in hubspot-trigger:triggers or add a *.propertyChange event type.',
    ]);
  });

  it("stays silent while the property name is unknown, and skips other types", () => {
    const type = "pulumi-nodejs:dynamic/hubspot:WebhookSubscription";
    assert.deepEqual(
      analyzeResource(propertyChangeProperty, type, { eventType: "deal.propertyChange", propertyName: UNKNOWN_STRING }),
      [],
    );
    assert.equal(analyzeResource(propertyChangeProperty, "gcp:pubsub/topic:Topic", {}), "n/a");
  });
});
