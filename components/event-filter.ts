import { CONNECTOR_EVENT_ATTRIBUTES } from "../contract/connector-events";

/**
 * The Pub/Sub subscription filter of one trigger. Internal. Exported for testing.
 *
 * The filter only saves deliveries: the dispatcher re-checks event type, property and redrive target on every
 * message (the emulator applies no filter, and a filter cannot change without replacing the subscription). So the
 * most precise filter that fits Pub/Sub's 256 bytes wins, coarsening step by step when it does not:
 *   1. event types + property names of propertyChange + "redriven messages only for this subscription";
 *   2. the same without property names;
 *   3. event types only;
 *   4. an object type's listed types widened to all its types (`hasPrefix`), the object with the longest clauses
 *      first, one object more at each step, each with the redrive scope when it still fits, then without.
 * Pub/Sub has no `IN`: an object type whose three event types are all wanted collapses to one `hasPrefix` clause.
 * Step 4 exists since the opt-in company types: some subsets of nine types spread over three objects (two of each)
 * have no exact filter within 256 bytes. Steps 1-3 come first and are unchanged, so a filter that fitted before
 * keeps its exact text (a filter edit replaces the subscription). Widening costs deliveries the dispatcher
 * acknowledges as not ours, never an event: every listed type still matches.
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

/** The trigger's object types in order of first listing: "deal", "contact", "company". */
function objectTypesOf(eventTypes: readonly string[]): string[] {
  return [...new Set(eventTypes.map((type) => type.split(".")[0]))];
}

function prefixClause(objectType: string): string {
  return `hasPrefix(attributes.eventType, "${objectType}.")`;
}

/** One clause per listed type; one `hasPrefix` per object type that is wholly wanted or in `widened`. */
function typeClauses(
  eventTypes: readonly string[],
  propertyNames: readonly string[],
  widened: ReadonlySet<string> = new Set(),
): string[] {
  const wanted = new Set(eventTypes);
  const properties = propertyNames.map((name) => `attributes.propertyName = "${name}"`).join(" OR ");
  const clauses: string[] = [];
  for (const objectType of objectTypesOf(eventTypes)) {
    const whole = properties === "" && VERBS.every((verb) => wanted.has(`${objectType}.${verb}`));
    if (whole || widened.has(objectType)) {
      clauses.push(prefixClause(objectType));
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

function compose(
  eventTypes: readonly string[],
  propertyNames: readonly string[],
  subscriptionName?: string,
  widened?: ReadonlySet<string>,
): string {
  const types = typeClauses(eventTypes, propertyNames, widened).join(" OR ");
  if (!subscriptionName) return types;
  return `(${types}) AND (NOT attributes:redriveSubscription OR attributes.redriveSubscription = "${subscriptionName}")`;
}

/** Step 4's widenings: the object types listed only in part, longest clauses first, one more each time. */
function widenings(eventTypes: readonly string[]): Array<Set<string>> {
  const partial = objectTypesOf(eventTypes)
    .map((objectType) => ({
      objectType,
      bytes: Buffer.byteLength(
        typeClauses(
          eventTypes.filter((t) => t.startsWith(`${objectType}.`)),
          [],
        ).join(" OR "),
      ),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .map(({ objectType }) => objectType);
  return partial.map((_, count) => new Set(partial.slice(0, count + 1)));
}

export function triggerFilter(args: TriggerFilterArgs): string {
  if (args.eventTypes.length === 0) throw new Error("a trigger needs at least one event type to build its filter");
  const candidates = [
    compose(args.eventTypes, args.propertyNames ?? [], args.subscriptionName),
    compose(args.eventTypes, [], args.subscriptionName),
    compose(args.eventTypes, []),
    ...widenings(args.eventTypes).flatMap((widened) => [
      compose(args.eventTypes, [], args.subscriptionName, widened),
      compose(args.eventTypes, [], undefined, widened),
    ]),
  ];
  const fitting = candidates.find((filter) => Buffer.byteLength(filter) <= FILTER_MAX_BYTES);
  if (!fitting) {
    throw new Error(
      `subscription filter for [${args.eventTypes.join(", ")}] is over Pub/Sub's ${FILTER_MAX_BYTES} bytes`,
    );
  }
  return fitting;
}

/**
 * The managed backend's trigger filter: each event subscription of the connection marks its messages with the one
 * trigger it serves (contract/connector-events.ts), so the filter is that mark. A redriven dead letter keeps its
 * attributes and so returns to the same trigger. Property names are not in the filter: connector messages carry no
 * `propertyName` attribute, and the dispatcher checks the property on the event itself.
 */
export function connectorTriggerFilter(subscriptionKey: string): string {
  const filter = `attributes.${CONNECTOR_EVENT_ATTRIBUTES.triggerSubscription} = "${subscriptionKey}"`;
  if (Buffer.byteLength(filter) > FILTER_MAX_BYTES) {
    throw new Error(`subscription filter for ${subscriptionKey} is over Pub/Sub's ${FILTER_MAX_BYTES} bytes`);
  }
  return filter;
}

/** Event types only: for consumers of the events topic that are not triggers. */
export function eventTypeFilter(eventTypes: readonly string[]): string {
  return triggerFilter({ eventTypes });
}
