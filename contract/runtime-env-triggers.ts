/**
 * The dispatcher's trigger table, DISPATCHER_TRIGGERS: which push subscription's messages execute which integration
 * trigger. The components write it with `serializeTriggerTable`; the dispatcher and the policy pack read it with
 * `parseTriggerTable`, so the format and its rules exist once.
 */
import { z } from "zod";
import { EVENT_TYPES } from "./events";
import { canonicalEntry, type TriggerTableEntry } from "./trigger-table";

export { serializeTriggerTable, TRIGGER_TABLE_VARIABLE, type TriggerTableEntry } from "./trigger-table";
import { RESOURCE_NAME_RULE, resourceNameProblems } from "./names";
import { HUBSPOT_PROPERTY, INTEGRATION_NAME, TRIGGER_ID, type StringRule } from "./stack-config/rules";
import { patternOf } from "./runtime-env-values";

interface FieldRule {
  pattern: RegExp;
  rule: string;
}

/** A stack config rule as a field rule: the ones used here all have a pattern. */
function fieldRule(rule: StringRule): FieldRule {
  return { pattern: patternOf(rule), rule: rule.rule };
}

// Pub/Sub subscription ids: https://cloud.google.com/pubsub/docs/create-subscription#resource_names
const SUBSCRIPTION: FieldRule = {
  pattern: /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/,
  rule: 'a short Pub/Sub subscription id, not the full path: 3-255 letters, digits or - _ . ~ + %, starting with a letter, not starting with "goog"',
};
// The stack config's own rules, so a stack that validates never deploys a dispatcher that refuses to start.
const INTEGRATION = fieldRule(INTEGRATION_NAME);
const TRIGGER = fieldRule(TRIGGER_ID);
const PROPERTY_NAME = fieldRule(HUBSPOT_PROPERTY);
const EVENT_TYPES_RULE = `a non-empty list of ${EVENT_TYPES.join(", ")}`;

export const TRIGGER_TABLE_RULE =
  "a non-empty JSON array of {name, subscription, eventTypes, propertyNames?, integration, triggerId}, one trigger per subscription";

/** Each entry's fields as the docs list them (scripts/generate/runtime-env.ts). */
export const TRIGGER_TABLE_FIELDS: ReadonlyArray<{ key: keyof TriggerTableEntry; rule: string; description: string }> =
  [
    { key: "name", rule: RESOURCE_NAME_RULE, description: "The trigger's name in the stack config." },
    {
      key: "subscription",
      rule: SUBSCRIPTION.rule,
      description:
        "The push subscription whose messages run this trigger; a push body's subscription path ends with it.",
    },
    {
      key: "eventTypes",
      rule: EVENT_TYPES_RULE,
      description: "The event types the trigger runs for; others are acknowledged.",
    },
    {
      key: "propertyNames",
      rule: `optional; a list, each ${PROPERTY_NAME.rule}`,
      description: "The properties its propertyChange types watch; absent means every property.",
    },
    { key: "integration", rule: INTEGRATION.rule, description: "The Application Integration executed." },
    {
      key: "triggerId",
      rule: TRIGGER.rule,
      description: "The integration's API trigger `:execute` is called with.",
    },
  ];

/** The value in a message, cut at 80 characters. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? text.slice(0, 80) + "..." : text;
}

/** Messages for a value of the wrong type or a missing key, naming the rule. */
function typeError(expected: string, rule: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `is missing; the rule is ${rule}`
      : `${show(issue.input)} is not ${expected}; the rule is ${rule}`;
}

function matching({ pattern, rule }: FieldRule) {
  return z
    .string({ error: typeError("a string", rule) })
    .regex(pattern, { error: (issue) => `${show(issue.input)} is invalid; the rule is ${rule}` });
}

const ENTRY = z
  .object(
    {
      name: z.string({ error: typeError("a string", RESOURCE_NAME_RULE) }).superRefine((name, ctx) => {
        const problems = resourceNameProblems(name);
        if (problems.length > 0) {
          ctx.addIssue({
            code: "custom",
            message: `${show(name)} ${problems.join(", ")}; the rule is ${RESOURCE_NAME_RULE}`,
          });
        }
      }),
      subscription: matching(SUBSCRIPTION),
      eventTypes: z
        .array(
          z.enum(EVENT_TYPES, {
            error: (issue) => `${show(issue.input)} is not an event type; the rule is one of ${EVENT_TYPES.join(", ")}`,
          }),
          { error: typeError("a list", EVENT_TYPES_RULE) },
        )
        .min(1, { error: `is empty; the rule is ${EVENT_TYPES_RULE}` }),
      propertyNames: z.array(matching(PROPERTY_NAME), { error: typeError("a list", PROPERTY_NAME.rule) }).optional(),
      integration: matching(INTEGRATION),
      triggerId: matching(TRIGGER),
    },
    { error: typeError("an object", TRIGGER_TABLE_RULE) },
  )
  .transform(canonicalEntry);

/** The table's schema: every entry valid, at least one, no subscription twice. */
export const TRIGGER_TABLE = z
  .array(ENTRY, { error: typeError("an array", TRIGGER_TABLE_RULE) })
  .min(1, { error: `is an empty list; the rule is ${TRIGGER_TABLE_RULE}` })
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.subscription)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "subscription"],
          message: `${show(entry.subscription)} is used twice; the rule is one trigger per subscription`,
        });
      }
      seen.add(entry.subscription);
    });
  });

/** `[0].eventTypes[1]` from zod's path; "" for the table itself. */
function where(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("");
}

/** The table from its JSON value, or every problem, each naming the entry and field, the value and the rule. */
export function triggerTableFromJson(value: unknown): { value: TriggerTableEntry[] } | { problems: string[] } {
  const result = TRIGGER_TABLE.safeParse(value);
  if (result.success) return { value: result.data };
  return {
    problems: result.error.issues.map((issue) => {
      const at = where(issue.path);
      return at === "" ? issue.message : `${at} ${issue.message}`;
    }),
  };
}

/** DISPATCHER_TRIGGERS' text read back: the table, or every problem (a text that is not JSON has one). */
export function parseTriggerTable(text: string): { value: TriggerTableEntry[] } | { problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [`is not valid JSON (${(error as Error).message})`] };
  }
  return triggerTableFromJson(value);
}

/**
 * DISPATCHER_TRIGGERS' text: entries in order, keys in the order above, `propertyNames` only when it lists some, so
 * an unchanged stack writes an unchanged value (Cloud Run would otherwise deploy a new revision).
 */
