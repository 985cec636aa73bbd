// Generated from contract/events.ts by scripts/generate/policies-contract.ts: do not edit, change contract/ and
// run `npm run generate`. The policy pack is published alone, so it carries its own copy of the contract.
/**
 * The HubSpot CRM events a trigger can take. The seed's six "types d'événements acceptés" are the documented set;
 * the three company types go beyond the console and are opt-in: nothing subscribes to, routes or executes a company
 * event unless a trigger lists its type (no type is ever implied, and the listed types are all a trigger gets).
 */

/** The console's six, what the seed offers: deal and contact creation, property change and deletion. */
export const SEED_EVENT_TYPES = [
  "deal.creation",
  "deal.propertyChange",
  "deal.deletion",
  "contact.creation",
  "contact.propertyChange",
  "contact.deletion",
] as const;

/** Beyond the seed (issue 12): HubSpot's company events, taken only by a trigger that lists them. */
export const COMPANY_EVENT_TYPES = ["company.creation", "company.propertyChange", "company.deletion"] as const;

/** Every event type a trigger may list: the seed's six, then the opt-in company types. */
export const EVENT_TYPES = [...SEED_EVENT_TYPES, ...COMPANY_EVENT_TYPES] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type SeedEventType = (typeof SEED_EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

/** The event types whose events name a changed property (and so take `propertyNames`). */
export const PROPERTY_CHANGE_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) =>
  type.endsWith(".propertyChange"),
);
