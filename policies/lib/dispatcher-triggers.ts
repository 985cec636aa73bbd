/**
 * The dispatcher's trigger table (contract/trigger-table.ts): the stack's triggers as the runtime sees them. Read
 * leniently on purpose: an entry needs only the fields these rules judge, and the rules report a bad name or event
 * type each with its own message, which one parse error for the whole table would hide.
 */
import { TRIGGER_TABLE_VARIABLE, type TriggerTableEntry } from "../vendor/contract";
import { envVar } from "./cloud-run";
import { UNKNOWN } from "./values";

/** The fields the rules read, with the values as found (an unknown event type is the rule's to report). */
export type DispatcherTrigger = Pick<TriggerTableEntry, "name" | "subscription"> & { eventTypes: string[] };

export type DispatcherTriggers =
  | { kind: "absent" }
  | { kind: "unknown" }
  | { kind: "invalid"; problem: string }
  | { kind: "parsed"; value: DispatcherTrigger[] };

function asTrigger(entry: unknown, index: number): DispatcherTrigger | string {
  if (entry === null || typeof entry !== "object") return `entry ${index} is not an object`;
  const { name, subscription, eventTypes } = entry as Record<string, unknown>;
  if (typeof name !== "string") return `entry ${index} has no string "name"`;
  if (!Array.isArray(eventTypes) || !eventTypes.every((t) => typeof t === "string")) {
    return `entry ${index} ("${name}") has no "eventTypes" array of strings`;
  }
  return { name, subscription: typeof subscription === "string" ? subscription : "", eventTypes };
}

/** Parses DISPATCHER_TRIGGERS from a Cloud Run service's inputs (absent on services other than the dispatcher). */
export function dispatcherTriggers(props: unknown): DispatcherTriggers {
  const env = envVar(props, TRIGGER_TABLE_VARIABLE);
  if (!env || env.value === undefined) return { kind: "absent" };
  if (env.value === UNKNOWN) return { kind: "unknown" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.value);
  } catch (error) {
    return { kind: "invalid", problem: `is not JSON (${(error as Error).message})` };
  }
  if (!Array.isArray(parsed)) return { kind: "invalid", problem: "is not a JSON array" };
  const triggers: DispatcherTrigger[] = [];
  for (const [index, entry] of parsed.entries()) {
    const trigger = asTrigger(entry, index);
    if (typeof trigger === "string") return { kind: "invalid", problem: trigger };
    triggers.push(trigger);
  }
  return { kind: "parsed", value: triggers };
}
