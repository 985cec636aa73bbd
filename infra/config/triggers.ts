import { resourceNameProblems } from "../../contract/names";
import { EVENT_TYPES, type EventType, type TriggerConfig } from "../config-types";
import { readArray, readObject, readString, readStringList } from "./fields";
import { describeValue, type ConfigPath, type Problems } from "./problems";
import { DESCRIPTION, HUBSPOT_PROPERTY, INTEGRATION_NAME, RESOURCE_NAME, TRIGGER_ID } from "./rules";

const TRIGGER_KEYS = ["name", "eventTypes", "propertyNames", "integration", "triggerId", "description"] as const;
const EVENT_TYPE_RULE = `one of ${EVENT_TYPES.join(", ")}`;

/** Precise problem for a seed-rule name (connection or trigger), or undefined when valid. */
/** Every rule a name breaks, in one message, so one edit can fix them all. */
export function nameProblem(name: string): string | undefined {
  const broken = resourceNameProblems(name);
  if (broken.length === 0) return undefined;
  return name.length === 0 ? broken[0] : `${describeValue(name)} ${broken.join(", ")}`;
}

export function readName(problems: Problems, path: ConfigPath, value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") {
    problems.add(path, "missing", `required; ${RESOURCE_NAME.rule}`);
    return undefined;
  }
  if (typeof value !== "string") {
    problems.add(path, `got ${describeValue(value)}`, `must be a string; ${RESOURCE_NAME.rule}`);
    return undefined;
  }
  const problem = nameProblem(value);
  if (problem) {
    problems.add(path, problem, RESOURCE_NAME.rule);
    return undefined;
  }
  return value;
}

function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

function readEventTypes(problems: Problems, path: ConfigPath, value: unknown): EventType[] {
  const items = readArray(problems, path, value, EVENT_TYPE_RULE);
  if (value !== undefined && Array.isArray(value) && items.length === 0) {
    problems.add(path, "is empty", `list at least one event type: ${EVENT_TYPE_RULE}`);
  } else if (value === undefined || value === null) {
    problems.add(path, "missing", `required: a list of at least one event type, ${EVENT_TYPE_RULE}`);
  }
  const result: EventType[] = [];
  items.forEach((item, index) => {
    if (!isEventType(item)) {
      problems.add(
        [...path, index],
        `${describeValue(item)} is not a supported event type`,
        `must be ${EVENT_TYPE_RULE}`,
      );
    } else if (result.includes(item)) {
      problems.add(
        [...path, index],
        `${describeValue(item)} is listed twice`,
        "each event type at most once per trigger",
      );
    } else {
      result.push(item);
    }
  });
  return result;
}

/**
 * `triggers`: at least one; names unique; two triggers with the same events, properties, integration and trigger id
 * would execute the same integration twice per event, so they are rejected as duplicates.
 */
export function readTriggers(
  problems: Problems,
  value: unknown,
  defaultIntegration: string | undefined,
): TriggerConfig[] {
  const path = ["triggers"];
  if (value === undefined || value === null) {
    problems.add(path, "missing", "declare at least one trigger: [{name, eventTypes, ...}]");
    return [];
  }
  const items = readArray(
    problems,
    path,
    value,
    "a list of triggers {name, eventTypes, propertyNames, integration, triggerId, description}",
  );
  if (Array.isArray(value) && items.length === 0) problems.add(path, "is empty", "declare at least one trigger");

  const triggers: TriggerConfig[] = [];
  const signatures = new Map<string, string>();
  items.forEach((item, index) => {
    const at = [...path, index];
    const raw = readObject(problems, at, item, TRIGGER_KEYS);
    const name = readName(problems, [...at, "name"], raw.name);
    const eventTypes = readEventTypes(problems, [...at, "eventTypes"], raw.eventTypes);
    const propertyNames = readStringList(problems, [...at, "propertyNames"], raw.propertyNames, HUBSPOT_PROPERTY);
    // Judged on the raw list, so an unsupported "company.propertyChange" does not also trigger the rule below.
    const watchesProperties =
      Array.isArray(raw.eventTypes) &&
      raw.eventTypes.some((t) => typeof t === "string" && t.endsWith(".propertyChange"));
    if (watchesProperties && propertyNames.length === 0) {
      problems.add(
        [...at, "propertyNames"],
        "is empty",
        "*.propertyChange event types need at least one HubSpot property name (one HubSpot subscription per property)",
      );
    }
    if (!watchesProperties && propertyNames.length > 0) {
      problems.add(
        [...at, "propertyNames"],
        `lists ${propertyNames.length} properties but the trigger has no *.propertyChange event type`,
        "propertyNames apply only to deal.propertyChange and contact.propertyChange",
      );
    }
    const integration =
      readString(problems, [...at, "integration"], raw.integration, INTEGRATION_NAME) ?? defaultIntegration;
    if (integration === undefined && raw.integration === undefined) {
      problems.add(
        [...at, "integration"],
        "missing and integration.name is not set",
        `set one; ${INTEGRATION_NAME.rule}`,
      );
    }
    const triggerId =
      readString(problems, [...at, "triggerId"], raw.triggerId, TRIGGER_ID) ??
      (integration ? `api_trigger/${integration}` : undefined);
    const description = readString(problems, [...at, "description"], raw.description, DESCRIPTION);

    if (name === undefined || integration === undefined || triggerId === undefined) return;
    if (triggers.some((t) => t.name === name)) {
      problems.add(
        [...at, "name"],
        `${describeValue(name)} is used by another trigger`,
        "trigger names must be unique",
      );
      return;
    }
    const signature = JSON.stringify([[...eventTypes].sort(), [...propertyNames].sort(), integration, triggerId]);
    const twin = signatures.get(signature);
    if (twin !== undefined && eventTypes.length > 0) {
      problems.add(
        at,
        `duplicates trigger ${describeValue(twin)} (same event types, properties, integration and trigger id)`,
        "each trigger must differ, or the integration would run twice per event",
      );
      return;
    }
    signatures.set(signature, name);
    triggers.push({ name, eventTypes, propertyNames, integration, triggerId, ...(description ? { description } : {}) });
  });
  return triggers;
}
