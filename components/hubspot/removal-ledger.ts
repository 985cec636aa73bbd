import * as pulumi from "@pulumi/pulumi";

/*
 * The seed asks, on each edit of a trigger, whether to keep ("Conserver") or delete ("Supprimer") the event
 * subscription it no longer needs. In api mode each WebhookSubscription carries that choice to its own delete. In
 * project and manual mode the stack cannot act in HubSpot, and a removed subscription is not in the program any more,
 * so this resource remembers the previous run's subscriptions in its state and says what became of the removed ones:
 * kept ones stay declared in the hsmeta file (an upload would otherwise drop them), deleted ones become a manual step.
 * It makes no call anywhere; its provider is pure.
 */

export type OnRemove = "keep" | "delete";

export interface LedgerEntry {
  /** "eventType" or "eventType/propertyName". */
  key: string;
  eventType: string;
  propertyName?: string;
  onRemove: OnRemove;
}

export interface LedgerState {
  subscriptions: LedgerEntry[];
  /** Removed from the stack with onRemove keep, in any earlier run, and not declared again since. */
  retained: LedgerEntry[];
  /** Removed with onRemove delete by the last change of the subscriptions: what to delete in HubSpot by hand. */
  toDelete: LedgerEntry[];
}

const byKey = (a: LedgerEntry, b: LedgerEntry): number => a.key.localeCompare(b.key);

/** The ledger after a run declaring `next`, from the state the previous run left (undefined on creation). */
export function ledgerTransition(previous: LedgerState | undefined, next: readonly LedgerEntry[]): LedgerState {
  const declared = new Set(next.map((entry) => entry.key));
  const removed = (previous?.subscriptions ?? []).filter((entry) => !declared.has(entry.key));
  const retained = new Map<string, LedgerEntry>();
  for (const entry of [...(previous?.retained ?? []), ...removed.filter((e) => e.onRemove === "keep")]) {
    if (!declared.has(entry.key)) retained.set(entry.key, entry);
  }
  return {
    subscriptions: [...next].sort(byKey),
    retained: [...retained.values()].sort(byKey),
    toDelete: removed.filter((entry) => entry.onRemove === "delete").sort(byKey),
  };
}

interface LedgerInputs {
  subscriptions: LedgerEntry[];
}

/** Internal. Exported for testing. */
export const removalLedgerProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: LedgerInputs) {
    return { id: "removal-ledger", outs: ledgerTransition(undefined, inputs.subscriptions) };
  },
  async diff(_id: string, olds: LedgerState, news: LedgerInputs) {
    const same =
      JSON.stringify([...olds.subscriptions].sort(byKey)) === JSON.stringify([...news.subscriptions].sort(byKey));
    return { changes: !same, deleteBeforeReplace: false, replaces: [] };
  },
  async update(_id: string, olds: LedgerState, news: LedgerInputs) {
    return { outs: ledgerTransition(olds, news.subscriptions) };
  },
};

/** `pulumi-nodejs:dynamic/hubspot:RemovalLedger`. */
export class RemovalLedger extends pulumi.dynamic.Resource {
  declare readonly retained: pulumi.Output<LedgerEntry[] | undefined>;
  declare readonly toDelete: pulumi.Output<LedgerEntry[] | undefined>;

  constructor(name: string, args: { subscriptions: LedgerEntry[] }, opts?: pulumi.CustomResourceOptions) {
    super(
      removalLedgerProvider,
      name,
      { subscriptions: args.subscriptions, retained: undefined, toDelete: undefined },
      opts,
      "hubspot",
      "RemovalLedger",
    );
  }
}
