/**
 * The Pub/Sub subscription filter of one trigger. Internal. Exported for testing.
 *
 * The filter only saves deliveries: the dispatcher re-checks event type, property and redrive target on every
 * message (the emulator applies no filter, and a filter cannot change without replacing the subscription). So the
 * most precise filter that fits Pub/Sub's 256 bytes wins, coarsening step by step when it does not:
 *   1. event types + property names of propertyChange + "redriven messages only for this subscription";
 *   2. the same without property names;
 *   3. event types only.
 * Pub/Sub has no `IN`: an object type whose three event types are all wanted collapses to one `hasPrefix` clause.
 */
export const FILTER_MAX_BYTES = 256;

const VERBS = ["creation", "propertyChange", "deletion"] as const;

export interface TriggerFilterArgs {
  eventTypes: readonly string[];
  /** Properties watched by the trigger's propertyChange types; none = every property. */
  propertyNames?: readonly string[];
  /**
   * The key of the trigger's subscription (contract/subscription-key.ts): redriven dead letters name it in
   * `redriveSubscription`, and it stays the same when an edit renames the subscription.
   */
  subscriptionName?: string;
}

function typeClauses(eventTypes: readonly string[], propertyNames: readonly string[]): string[] {
  const wanted = new Set(eventTypes);
  const objectTypes = [...new Set(eventTypes.map((type) => type.split(".")[0]))];
  const properties = propertyNames.map((name) => `attributes.propertyName = "${name}"`).join(" OR ");
  const clauses: string[] = [];
  for (const objectType of objectTypes) {
    if (properties === "" && VERBS.every((verb) => wanted.has(`${objectType}.${verb}`))) {
      clauses.push(`hasPrefix(attributes.eventType, "${objectType}.")`);
      continue;
    }
    for (const type of eventTypes.filter((t) => t.startsWith(`${objectType}.`))) {
      clauses.push(
        type.endsWith(".propertyChange") && properties !== ""
          ? `(attributes.eventType = "${type}" AND (${properties}))`
          : `attributes.eventType = "${type}"`,
      );
    }
  }
  return clauses;
}

function compose(eventTypes: readonly string[], propertyNames: readonly string[], subscriptionName?: string): string {
  const types = typeClauses(eventTypes, propertyNames).join(" OR ");
  if (!subscriptionName) return types;
  return `(${types}) AND (NOT attributes:redriveSubscription OR attributes.redriveSubscription = "${subscriptionName}")`;
}

export function triggerFilter(args: TriggerFilterArgs): string {
  if (args.eventTypes.length === 0) throw new Error("a trigger needs at least one event type to build its filter");
  const candidates = [
    compose(args.eventTypes, args.propertyNames ?? [], args.subscriptionName),
    compose(args.eventTypes, [], args.subscriptionName),
    compose(args.eventTypes, []),
  ];
  const fitting = candidates.find((filter) => Buffer.byteLength(filter) <= FILTER_MAX_BYTES);
  if (!fitting) {
    throw new Error(
      `subscription filter for [${args.eventTypes.join(", ")}] is over Pub/Sub's ${FILTER_MAX_BYTES} bytes`,
    );
  }
  return fitting;
}

/** Event types only: for consumers of the events topic that are not triggers. */
export function eventTypeFilter(eventTypes: readonly string[]): string {
  return triggerFilter({ eventTypes });
}
