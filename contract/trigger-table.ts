/**
 * The dispatcher's trigger table (the DISPATCHER_TRIGGERS variable) as data: which push subscription's messages
 * execute which integration trigger. Dependency-free, so the policy pack's copy of the contract carries it; the
 * rules each value must keep are zod schemas in ./runtime-env-triggers.
 */
import type { EventType } from "./events";

/** The variable that holds the table, in the dispatcher's environment. */
export const TRIGGER_TABLE_VARIABLE = "DISPATCHER_TRIGGERS";

/** One trigger the dispatcher serves. */
export interface TriggerTableEntry {
  /** The trigger's name in the stack config. */
  name: string;
  /** Short subscription name: a push body carries the full path, the dispatcher matches its last segment. */
  subscription: string;
  eventTypes: EventType[];
  /** Properties its propertyChange types watch; absent (or empty) = every property. */
  propertyNames?: string[];
  integration: string;
  triggerId: string;
}

/** One entry with its keys in the wire order and an empty property list left out, as written and as read. */
export function canonicalEntry(entry: TriggerTableEntry): TriggerTableEntry {
  return {
    name: entry.name,
    subscription: entry.subscription,
    eventTypes: entry.eventTypes,
    ...(entry.propertyNames && entry.propertyNames.length > 0 ? { propertyNames: entry.propertyNames } : {}),
    integration: entry.integration,
    triggerId: entry.triggerId,
  };
}

/** The table as the components write it: JSON, keys in the wire order. */
export function serializeTriggerTable(entries: readonly TriggerTableEntry[]): string {
  return JSON.stringify(entries.map(canonicalEntry));
}
