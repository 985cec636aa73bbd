/**
 * The Pub/Sub subscription filter of one trigger. Internal. Exported for testing.
 *
 * Pub/Sub caps a filter at 256 bytes and has no `IN`: six `attributes.eventType = "..."` clauses joined by OR would
 * exceed it, so an object type whose three event types are all wanted collapses to one `hasPrefix` clause.
 */
export const FILTER_MAX_BYTES = 256;

const VERBS = ["creation", "propertyChange", "deletion"] as const;

export function eventTypeFilter(eventTypes: readonly string[]): string {
  if (eventTypes.length === 0) throw new Error("a trigger needs at least one event type to build its filter");
  const wanted = new Set(eventTypes);
  const objectTypes = [...new Set(eventTypes.map((type) => type.split(".")[0]))];
  const clauses: string[] = [];
  for (const objectType of objectTypes) {
    const all = VERBS.every((verb) => wanted.has(`${objectType}.${verb}`));
    if (all) {
      clauses.push(`hasPrefix(attributes.eventType, "${objectType}.")`);
    } else {
      for (const type of eventTypes.filter((t) => t.startsWith(`${objectType}.`))) {
        clauses.push(`attributes.eventType = "${type}"`);
      }
    }
  }
  const filter = clauses.join(" OR ");
  if (Buffer.byteLength(filter) > FILTER_MAX_BYTES) {
    throw new Error(`subscription filter for [${eventTypes.join(", ")}] is over Pub/Sub's ${FILTER_MAX_BYTES} bytes`);
  }
  return filter;
}
