// Generated from contract/events.ts by scripts/generate/policies-contract.ts: do not edit, change contract/ and
// run `npm run generate`. The policy pack is published alone, so it carries its own copy of the contract.
/** The HubSpot CRM events a trigger can take: the seed's six "types d'événements acceptés". */
export const EVENT_TYPES = [
  "deal.creation",
  "deal.propertyChange",
  "deal.deletion",
  "contact.creation",
  "contact.propertyChange",
  "contact.deletion",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}
