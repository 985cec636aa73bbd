import { z } from "zod";
import { COMPANY_EVENT_TYPES, EVENT_TYPES, PROPERTY_CHANGE_EVENT_TYPES, SEED_EVENT_TYPES } from "../events";
import { ALWAYS, describeValue, oneOf, resourceName, section, stringList, text, uniqueEntries } from "./fields";
import { DESCRIPTION, HUBSPOT_PROPERTY, INTEGRATION_NAME, TRIGGER_ID } from "./rules";

/** Seed, on editing a trigger: keep ("Conserver") or delete ("Supprimer") the previous event subscription. */
export const ON_REMOVE = ["keep", "delete"] as const;

const EVENT_TYPE_RULE = `one of ${EVENT_TYPES.join(", ")}`;

function code(types: readonly string[]): string {
  return types.map((t) => `\`${t}\``).join(", ");
}

const eventTypesSchema = z
  .array(
    z.enum(EVENT_TYPES, {
      error: (iss) => `${describeValue(iss.input)} is not a supported event type; must be ${EVENT_TYPE_RULE}`,
    }),
    {
      error: (iss) =>
        iss.input === undefined
          ? `missing; required: a list of at least one event type, ${EVENT_TYPE_RULE}`
          : `got ${describeValue(iss.input)}; must be a list; ${EVENT_TYPE_RULE}`,
    },
  )
  .check(
    z.superRefine((types: unknown[], ctx) => {
      if (Array.isArray(types) && types.length === 0) {
        ctx.addIssue({ code: "custom", message: `is empty; list at least one event type: ${EVENT_TYPE_RULE}` });
      }
    }, ALWAYS),
    uniqueEntries("each event type at most once per trigger"),
  );

/** One trigger: which HubSpot events start which Application Integration. Seed: "Type d'événement". */
export const triggerSchema = section({
  name: resourceName().meta({ rule: "seed naming rule (as `connectionName`); unique" }),
  eventTypes: eventTypesSchema.meta({
    docType: "list",
    rule: `at least one of ${code(SEED_EVENT_TYPES)} (the seed's six) or, opt-in, ${code(COMPANY_EVENT_TYPES)}; no duplicates`,
  }),
  propertyNames: stringList(HUBSPOT_PROPERTY).meta({
    docType: "list or comma string",
    rule: "HubSpot internal names `[a-z][a-z0-9_]{0,99}`; at least one when a `*.propertyChange` type is listed, none otherwise; no duplicates",
  }),
  integration: text(INTEGRATION_NAME)
    .optional()
    .meta({ docDefault: "`integration.name`", rule: "as `integration.name`" }),
  triggerId: text(TRIGGER_ID)
    .optional()
    .meta({ docDefault: "`api_trigger/<integration>`", rule: "the integration's API trigger id" }),
  description: text(DESCRIPTION).optional().meta({ rule: "at most 256 characters" }),
  onRemove: oneOf(ON_REMOVE, "is not a removal choice", "keep or delete").optional().meta({
    docDefault: "`keep` when `registration.retainOnDelete`, else `delete`",
    rule: 'seed "Conserver" / "Supprimer": what happens in HubSpot to this trigger\'s subscriptions when the stack stops declaring them; a shared subscription is kept when any trigger says keep',
  }),
}).check(
  z.superRefine((trigger: Record<string, unknown>, ctx) => {
    // Judged on the listed types, so an unsupported "ticket.propertyChange" does not also break this rule.
    const types = Array.isArray(trigger.eventTypes) ? trigger.eventTypes : [];
    const watchesProperties = types.some((t) => typeof t === "string" && t.endsWith(".propertyChange"));
    const count = Array.isArray(trigger.propertyNames) ? trigger.propertyNames.length : 0;
    if (watchesProperties && count === 0 && Array.isArray(trigger.propertyNames)) {
      ctx.addIssue({
        code: "custom",
        path: ["propertyNames"],
        message:
          "is empty; *.propertyChange event types need at least one HubSpot property name (one HubSpot subscription per property)",
      });
    }
    if (!watchesProperties && count > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["propertyNames"],
        message: `lists ${count} properties but the trigger has no *.propertyChange event type; propertyNames apply only to ${PROPERTY_CHANGE_EVENT_TYPES.join(", ")}`,
      });
    }
  }, ALWAYS),
);

/** At least one trigger, names unique (duplicate definitions need integration.name: see the namespace's rules). */
export const triggersSchema = z
  .array(triggerSchema, {
    error: (iss) =>
      iss.input === undefined
        ? "missing; declare at least one trigger: [{name, eventTypes, ...}]"
        : `got ${describeValue(iss.input)}; must be a list; a list of triggers {name, eventTypes, propertyNames, integration, triggerId, description}`,
  })
  .check(
    z.superRefine((triggers: unknown[], ctx) => {
      if (!Array.isArray(triggers)) return;
      if (triggers.length === 0) ctx.addIssue({ code: "custom", message: "is empty; declare at least one trigger" });
      const names = triggers.map((t) =>
        typeof t === "object" && t !== null ? (t as { name?: unknown }).name : undefined,
      );
      names.forEach((name, index) => {
        if (typeof name === "string" && names.indexOf(name) < index) {
          ctx.addIssue({
            code: "custom",
            path: [index, "name"],
            message: `${describeValue(name)} is used by another trigger; trigger names must be unique`,
          });
        }
      });
    }, ALWAYS),
  );
