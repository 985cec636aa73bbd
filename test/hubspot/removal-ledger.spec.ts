import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSerializedProvider } from "../support/serialized-provider";
import { manualSteps } from "../../components/hubspot/manual-steps";
import { ledgerTransition, removalLedgerProvider, type LedgerEntry } from "../../components/hubspot/removal-ledger";
import { subscriptionsFromTriggers } from "../../components/hubspot/subscriptions";

const entry = (key: string, onRemove: "keep" | "delete"): LedgerEntry => {
  const [eventType, propertyName] = key.split("/");
  return { key, eventType, ...(propertyName !== undefined && { propertyName }), onRemove };
};

describe("hubspot removal ledger (onRemove in project and manual mode)", () => {
  it("on creation nothing was removed", () => {
    const state = ledgerTransition(undefined, [entry("deal.creation", "delete")]);
    assert.deepEqual(state, { subscriptions: [entry("deal.creation", "delete")], retained: [], toDelete: [] });
  });

  it("a removed subscription goes where its own onRemove (as of the previous run) says", () => {
    const before = ledgerTransition(undefined, [
      entry("deal.creation", "delete"),
      entry("deal.propertyChange/amount", "keep"),
      entry("contact.creation", "delete"),
    ]);
    const after = ledgerTransition(before, [entry("contact.creation", "delete")]);
    assert.deepEqual(after.retained, [entry("deal.propertyChange/amount", "keep")]);
    assert.deepEqual(after.toDelete, [entry("deal.creation", "delete")]);
  });

  it("kept subscriptions accumulate across runs until declared again; deletions are reported by one change only", () => {
    let state = ledgerTransition(undefined, [entry("a.creation", "keep"), entry("b.creation", "delete")]);
    state = ledgerTransition(state, [entry("b.creation", "delete"), entry("c.creation", "delete")]);
    assert.deepEqual(
      state.retained.map((e) => e.key),
      ["a.creation"],
    );
    state = ledgerTransition(state, [entry("c.creation", "keep")]);
    assert.deepEqual(
      state.retained.map((e) => e.key),
      ["a.creation"],
    );
    assert.deepEqual(
      state.toDelete.map((e) => e.key),
      ["b.creation"],
    );
    state = ledgerTransition(state, [entry("a.creation", "delete")]);
    assert.deepEqual(
      state.retained.map((e) => e.key),
      ["c.creation"],
      "a is declared again: no longer retained",
    );
    assert.deepEqual(state.toDelete, []);
  });

  it("the provider diffs on the declared set only (order does not matter) and updates from the old state", async () => {
    const created = await removalLedgerProvider.create({ subscriptions: [entry("a.creation", "delete")] });
    const olds = created.outs;
    const reordered = { subscriptions: [entry("a.creation", "delete")] };
    assert.equal((await removalLedgerProvider.diff!(created.id, olds, reordered)).changes, false);
    const news = { subscriptions: [entry("b.creation", "keep")] };
    assert.equal((await removalLedgerProvider.diff!(created.id, olds, news)).changes, true);
    const updated = await removalLedgerProvider.update!(created.id, olds, news);
    assert.deepEqual(updated.outs.toDelete, [entry("a.creation", "delete")]);
  });

  it("serializes and runs as the dynamic-provider host loads it", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => removalLedgerProvider);
    const provider = loadSerializedProvider(serialized.text);
    const created = await provider.create({ subscriptions: [entry("a.creation", "keep")] });
    assert.deepEqual(created.outs.subscriptions, [entry("a.creation", "keep")]);
  });

  it("manual steps name what to delete and what to leave", () => {
    const steps = manualSteps({
      webhookUrl: "https://listener.example/webhooks/hubspot",
      maxConcurrentRequests: 10,
      subscriptions: [{ eventType: "contact.creation" }],
      toDelete: [{ eventType: "deal.creation" }],
      retained: [{ eventType: "deal.propertyChange", propertyName: "amount" }],
    });
    assert.ok(steps.some((s) => /Delete the subscription deal\.creation\b/.test(s)));
    assert.ok(steps.some((s) => /Leave the subscription deal\.propertyChange\/amount\b/.test(s)));
  });

  it("a subscription shared by triggers is kept when any of them says keep, in either order", () => {
    const keep = { eventTypes: ["deal.creation"], propertyNames: [], onRemove: "keep" as const };
    const remove = { eventTypes: ["deal.creation"], propertyNames: [], onRemove: "delete" as const };
    assert.equal(subscriptionsFromTriggers([keep, remove])[0].onRemove, "keep");
    assert.equal(subscriptionsFromTriggers([remove, keep])[0].onRemove, "keep");
    assert.equal(subscriptionsFromTriggers([remove])[0].onRemove, "delete");
  });
});
