// What an edit of a trigger does to its Pub/Sub subscription, under Pulumi mocks: which edits rename it (and so make
// Pulumi create the new one before deleting the old), which keep it, and how the handover and the listener are ordered.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { HubSpotTrigger, type HubSpotTriggerArgs } from "../../components/hubspot-trigger";
import { subscriptionHandoverProvider } from "../../components/subscription-handover";
import { subscriptionKey } from "../../contract/subscription-key";
import { mocks } from "../support/setup";
import { build, PROJECT, recorded, triggerArgs, type Seen } from "./support";

const SUBSCRIPTION = "gcp:pubsub/subscription:Subscription";
const TOPIC = "gcp:pubsub/topic:Topic";
const SERVICE = "gcp:cloudrunv2/service:Service";
const HANDOVER = "pulumi-nodejs:dynamic/pubsub:SubscriptionHandover";

type Trigger = HubSpotTriggerArgs["triggers"][number];

/** Deploys the args under mocks; returns each trigger's subscription name and what the transformations hook saw. */
async function deploy(args: HubSpotTriggerArgs): Promise<{ names: Record<string, string>; seen: Seen[] }> {
  mocks.reset();
  const { seen } = await build((opts) => new HubSpotTrigger("hs", args, opts));
  const names = Object.fromEntries(
    args.triggers.map((t) => [t.name, String(recorded(SUBSCRIPTION, `hs-events-${t.name}`).inputs.name)]),
  );
  return { names, seen };
}

/** The default args with the first trigger ("deal-pipeline") edited. */
function withFirstTrigger(edit: Partial<Trigger>, overrides: Partial<HubSpotTriggerArgs> = {}): HubSpotTriggerArgs {
  const base = triggerArgs(overrides);
  return { ...base, triggers: [{ ...base.triggers[0], ...edit }, ...base.triggers.slice(1)] };
}

function dependsOnOf(entry: Seen): pulumi.Resource[] {
  const dependsOn = entry.opts.dependsOn;
  return (Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) as pulumi.Resource[];
}

function seenOne(seen: Seen[], type: string, name: string): Seen {
  const found = seen.filter((s) => s.type === type && s.name === name);
  assert.equal(found.length, 1, `expected one ${type} named ${name}, saw ${found.length}`);
  return found[0];
}

describe("trigger edits and their subscriptions", () => {
  let baseline: { names: Record<string, string>; seen: Seen[] };

  before(async () => {
    baseline = await deploy(triggerArgs());
  });

  // filter and enableMessageOrdering force replacement (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions:
  // "filter ... cannot be changed"; registry.terraform.io google_pubsub_subscription marks both ForceNew). With a new
  // name Pulumi creates the replacement before deleting the old one (pulumi.com/docs/iac/concepts/options/deletebeforereplace).
  const renamingEdits: [string, () => HubSpotTriggerArgs][] = [
    [
      "an event type added",
      () => withFirstTrigger({ eventTypes: ["deal.creation", "deal.propertyChange", "deal.deletion"] }),
    ],
    ["message ordering turned on", () => triggerArgs({ messageOrdering: true })],
  ];
  for (const [edit, args] of renamingEdits) {
    it(`renames the subscription (same key, new hash) when ${edit}`, async () => {
      const { names } = await deploy(args());
      const before = baseline.names["deal-pipeline"];
      assert.notEqual(names["deal-pipeline"], before);
      assert.equal(subscriptionKey(names["deal-pipeline"]), subscriptionKey(before));
    });
  }

  it("renames the subscription when a watched property changes and the filter names properties", async () => {
    // One propertyChange type: the filter has room (Pub/Sub allows 256 bytes) to name the property.
    const watching = (property: string) =>
      withFirstTrigger({ eventTypes: ["deal.propertyChange"], propertyNames: [property] });
    const { names: before } = await deploy(watching("dealstage"));
    assert.match(String(recorded(SUBSCRIPTION, "hs-events-deal-pipeline").inputs.filter), /"dealstage"/);
    const { names: after } = await deploy(watching("amount"));
    assert.match(String(recorded(SUBSCRIPTION, "hs-events-deal-pipeline").inputs.filter), /"amount"/);
    assert.notEqual(after["deal-pipeline"], before["deal-pipeline"]);
    assert.equal(subscriptionKey(after["deal-pipeline"]), subscriptionKey(before["deal-pipeline"]));
  });

  it("keeps the name when a property edit leaves the filter as it was (too long to name properties)", async () => {
    // The default deal trigger's filter with its property would pass 256 bytes, so it filters on types only and the
    // dispatcher checks the property: an edit of the properties changes the dispatcher's routes, not the filter.
    await deploy(triggerArgs());
    const filter = String(recorded(SUBSCRIPTION, "hs-events-deal-pipeline").inputs.filter);
    const { names } = await deploy(withFirstTrigger({ propertyNames: ["dealstage", "amount"] }));
    assert.ok(!filter.includes("propertyName"));
    assert.equal(String(recorded(SUBSCRIPTION, "hs-events-deal-pipeline").inputs.filter), filter);
    assert.deepEqual(names, baseline.names);
  });

  it("renames only the edited trigger's subscription when its filter changes", async () => {
    const { names } = await deploy(withFirstTrigger({ eventTypes: ["deal.creation"] }));
    assert.notEqual(names["deal-pipeline"], baseline.names["deal-pipeline"]);
    assert.equal(names["all-contacts"], baseline.names["all-contacts"]);
  });

  it("renames every subscription when ordering changes: it is one setting for all of them", async () => {
    const { names } = await deploy(triggerArgs({ messageOrdering: true }));
    for (const trigger of Object.keys(names)) assert.notEqual(names[trigger], baseline.names[trigger]);
  });

  const inPlaceEdits: [string, () => HubSpotTriggerArgs][] = [
    ["nothing changes", () => triggerArgs()],
    [
      "the integration and trigger id change",
      () => withFirstTrigger({ integration: "other", triggerId: "api_trigger/other" }),
    ],
    [
      "retry and dead-letter settings change",
      () =>
        triggerArgs({
          retry: { minimumBackoff: "20s", maximumBackoff: "300s" },
          deadLetter: { maxDeliveryAttempts: 20, retentionDays: 7 },
        }),
    ],
    ["the ack deadline changes (execution timeout)", () => ({ ...triggerArgs(), executionTimeoutSeconds: 300 })],
  ];
  for (const [edit, args] of inPlaceEdits) {
    it(`keeps every subscription name when ${edit}`, async () => {
      const { names } = await deploy(args());
      assert.deepEqual(names, baseline.names);
    });
  }

  it("never asks for delete-before-replace on a subscription", () => {
    for (const entry of baseline.seen.filter((s) => s.type === SUBSCRIPTION)) {
      assert.notEqual((entry.opts as pulumi.CustomResourceOptions).deleteBeforeReplace, true, entry.name);
    }
  });

  it("gives each trigger a handover that depends on its subscription and is fed its path", async () => {
    mocks.reset();
    const { seen } = await build((opts) => new HubSpotTrigger("hs", triggerArgs(), opts));
    for (const trigger of ["deal-pipeline", "all-contacts"]) {
      const subscription = seenOne(seen, SUBSCRIPTION, `hs-events-${trigger}`);
      const handover = seenOne(seen, HANDOVER, `hs-events-${trigger}-handover`);
      assert.ok(dependsOnOf(handover).includes(subscription.resource), `${trigger}: handover does not depend on it`);
      const name = String(recorded(SUBSCRIPTION, `hs-events-${trigger}`).inputs.name);
      const inputs = recorded(HANDOVER, `hs-events-${trigger}-handover`).inputs;
      assert.equal(inputs.subscription, `projects/${PROJECT}/subscriptions/${name}`);
      // Stacks deployed before names carried a hash hand their old subscription's backlog over once.
      assert.equal(inputs.legacySubscription, `projects/${PROJECT}/subscriptions/${subscriptionKey(name)}`);
    }
  });

  it("routes the dispatcher by the same names the subscriptions get", async () => {
    mocks.reset();
    await build((opts) => new HubSpotTrigger("hs", withFirstTrigger({ propertyNames: ["amount"] }), opts));
    const dispatcher = recorded(SERVICE, "hs-services-dispatcher");
    const envs = (dispatcher.inputs.template as { containers: { envs: { name: string; value?: string }[] }[] })
      .containers[0].envs;
    const routes = JSON.parse(envs.find((e) => e.name === "DISPATCHER_TRIGGERS")?.value ?? "[]") as {
      name: string;
      subscription: string;
    }[];
    for (const route of routes) {
      assert.equal(route.subscription, String(recorded(SUBSCRIPTION, `hs-events-${route.name}`).inputs.name));
    }
    assert.equal(routes.length, 2);
  });

  it("starts the listener only after the events topic exists, keeping the topic's and subscriptions' URNs", async () => {
    const topic = seenOne(baseline.seen, TOPIC, "hs-events-topic");
    const listener = seenOne(baseline.seen, SERVICE, "hs-services-listener");
    assert.ok(dependsOnOf(listener).includes(topic.resource), "the listener does not depend on the events topic");
    // The URNs deployed stacks already have, so an update neither replaces nor re-creates the topic and subscriptions:
    // same parent, same names. (The mock engine puts only the parent's type in a URN; the real one puts the whole
    // chain, which the components keep as well.)
    const urn = (type: string, name: string) =>
      `urn:pulumi:test::hubspot-trigger::hubspot-trigger:eventbus:EventBus$${type}::${name}`;
    assert.equal(await resolveUrn(topic.resource), urn(TOPIC, "hs-events-topic"));
    const subscription = seenOne(baseline.seen, SUBSCRIPTION, "hs-events-deal-pipeline");
    assert.equal(await resolveUrn(subscription.resource), urn(SUBSCRIPTION, "hs-events-deal-pipeline"));
  });

  it("serializes the handover provider without any credential from the environment", async () => {
    const planted = "ya29.planted-token-that-must-not-leak";
    const saved = process.env.GOOGLE_OAUTH_ACCESS_TOKEN;
    process.env.GOOGLE_OAUTH_ACCESS_TOKEN = planted;
    try {
      const serialized = await pulumi.runtime.serializeFunction(() => subscriptionHandoverProvider, {
        allowSecrets: true,
      });
      assert.ok(!serialized.text.includes(planted), "the serialized provider carries a credential");
      assert.ok(!serialized.containsSecrets);
      // The client is required when a method runs (bare module name), so it reads credentials at that time.
      assert.match(serialized.text, /require\("@google-cloud\/pubsub"\)/);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_OAUTH_ACCESS_TOKEN;
      else process.env.GOOGLE_OAUTH_ACCESS_TOKEN = saved;
    }
  });
});

function resolveUrn(resource: pulumi.Resource): Promise<string> {
  return new Promise((done) => resource.urn.apply((urn) => done(urn)));
}
