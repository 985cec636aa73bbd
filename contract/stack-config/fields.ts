import { z } from "zod";
import { resourceNameProblems } from "../names";
import { RESOURCE_NAME, type StringRule } from "./rules";

/**
 * Builders of the stack config's field schemas. Every message they produce reads `<what is wrong with the value>;
 * <the rule>`, so the loader only prefixes the key. Numbers and booleans are also accepted as strings because
 * `pulumi config set --path a.b 3` stores "3". Cross-field rules run even when a sibling is invalid (`ALWAYS`), so one
 * run reports every problem; they check the types they read.
 */

/** What docs/configuration.md and Pulumi.yaml say about a field, attached with `.meta()`. */
export interface FieldDoc {
  /** Pulumi.yaml `description` (top-level keys). Object keys start with "Object" or "List of objects". */
  description?: string;
  /** Type column of the docs table when the schema's own type says too little ("CIDR", "duration"). */
  docType?: string;
  /** Default column for defaults computed after parsing (see parseStackConfig). */
  docDefault?: string;
  /** Rule column of the docs table. */
  rule?: string;
}

export const ALWAYS = { when: (): boolean => true } as const;

/** Short, printable form of a bad value: plain config only (secret values never reach the schema). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function asInteger(value: unknown): unknown {
  return typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** An integer from min to max; absent -> the default. */
export function integer(bounds: { min: number; max: number; default: number }) {
  const rule = `must be an integer from ${bounds.min} to ${bounds.max} (default ${bounds.default})`;
  const notInteger = (iss: { input?: unknown }): string => `got ${describeValue(iss.input)}, not an integer; ${rule}`;
  const outOfRange = (iss: { input?: unknown }): string => `${String(iss.input)} is out of range; ${rule}`;
  return z
    .preprocess(
      asInteger,
      z
        .number({ error: notInteger })
        .int({ error: notInteger })
        .min(bounds.min, { error: outOfRange })
        .max(bounds.max, { error: outOfRange }),
    )
    .default(bounds.default);
}

export function flag(fallback: boolean) {
  return z
    .preprocess(
      (value) => (value === "true" ? true : value === "false" ? false : value),
      z.boolean({ error: (iss) => `got ${describeValue(iss.input)}; must be true or false (default ${fallback})` }),
    )
    .default(fallback);
}

/** An optional boolean whose default depends on other fields (applied by the section's transform). */
export function optionalFlag(fallbackText: string) {
  return z
    .preprocess(
      (value) => (value === "true" ? true : value === "false" ? false : value),
      z.boolean({ error: (iss) => `got ${describeValue(iss.input)}; must be true or false (default ${fallbackText})` }),
    )
    .optional();
}

/** A string matching `spec` (numbers are taken as their text, as the engine may hand a bare `123` over). */
export function text(spec: StringRule) {
  return z
    .preprocess(
      (value) => (typeof value === "number" ? String(value) : value),
      z.string({
        error: (iss) =>
          iss.input === undefined
            ? `missing; required; ${spec.rule}`
            : `got ${describeValue(iss.input)}; must be a string; ${spec.rule}`,
      }),
    )
    .check(
      z.superRefine((value: string, ctx) => {
        if (spec.maxLength !== undefined && value.length > spec.maxLength) {
          ctx.addIssue({
            code: "custom",
            input: value,
            message: `${describeValue(value)} is ${value.length} characters long; ${spec.rule}`,
          });
        } else if (spec.pattern && !spec.pattern.test(value)) {
          ctx.addIssue({
            code: "custom",
            input: value,
            message: `${describeValue(value)} does not match; ${spec.rule}`,
          });
        }
      }),
    );
}

/** The seed's naming rule (connection and trigger names), naming every rule a value breaks at once. */
export function resourceName() {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined || iss.input === ""
          ? `missing; required; ${RESOURCE_NAME.rule}`
          : `got ${describeValue(iss.input)}; must be a string; ${RESOURCE_NAME.rule}`,
    })
    .check(
      z.superRefine((value: string, ctx) => {
        const broken = resourceNameProblems(value);
        if (broken.length === 0) return;
        const problem = value.length === 0 ? `missing; required` : `${describeValue(value)} ${broken.join(", ")}`;
        ctx.addIssue({ code: "custom", input: value, message: `${problem}; ${RESOURCE_NAME.rule}` });
      }),
    );
}

/** Reports entries listed twice, at the index of the repeat. */
export function uniqueEntries(rule: string, when = ALWAYS) {
  return z.superRefine((items: unknown[], ctx) => {
    if (!Array.isArray(items)) return;
    items.forEach((item, index) => {
      if (typeof item === "string" && items.indexOf(item) < index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          input: item,
          message: `${describeValue(item)} is listed twice; ${rule}`,
        });
      }
    });
  }, when);
}

/** A section's lower bound above its upper bound (`minKey <= maxKey`), reported at the lower bound. */
export function minNotAboveMax(minKey: string, maxKey: string) {
  return z.superRefine((section: Record<string, unknown>, ctx) => {
    const min = section[minKey];
    const max = section[maxKey];
    if (typeof min === "number" && typeof max === "number" && min > max) {
      ctx.addIssue({
        code: "custom",
        path: [minKey],
        message: `${min} is above ${maxKey} ${max}; ${minKey} <= ${maxKey}`,
      });
    }
  }, ALWAYS);
}

/** A list of strings, each checked, no duplicates; a comma-separated string (the seed's form) is split. */
export function stringList(spec: StringRule) {
  return z
    .preprocess(
      (value) =>
        typeof value === "string"
          ? value
              .split(",")
              .map((item) => item.trim())
              .filter((item) => item !== "")
          : value,
      z
        .array(text(spec), { error: (iss) => `got ${describeValue(iss.input)}; must be a list; ${spec.rule}` })
        .check(uniqueEntries("entries must be unique", ALWAYS)),
    )
    .default([]);
}

/** A closed list of values, e.g. registration modes. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string, rule: string) {
  return z.enum(values, { error: (iss) => `${describeValue(iss.input)} ${what}; ${rule}` });
}

/**
 * An object with exactly these keys: an unknown sub-key is reported (a typo must not silently fall back to a
 * default). `.prefault({})` on a section parses an absent value as {}, so the sub-keys' defaults apply.
 */
export function section<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const keys = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown key; allowed keys are ${keys}`
        : `got ${describeValue(iss.input)}; must be an object with keys ${keys}`,
  });
}

/**
 * The JSON type a field takes, seen through its defaults, optionality and preprocessing: what Pulumi.yaml declares and
 * whether the engine hands the key over as plain text or as JSON.
 */
export function valueType(schema: z.core.$ZodType): string {
  const def = schema._zod.def;
  switch (def.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
      return valueType((def as z.core.$ZodDefaultDef).innerType);
    case "pipe": {
      const pipe = def as z.core.$ZodPipeDef;
      return pipe.in._zod.def.type === "transform" ? valueType(pipe.out) : valueType(pipe.in);
    }
    case "enum":
      return "string";
    case "record":
      return "object";
    default:
      return def.type;
  }
}

/** The item schema of a list field, or undefined when the field is not a list. */
export function itemSchema(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = schema._zod.def;
  if (def.type === "array") return (def as z.core.$ZodArrayDef).element;
  if (["default", "prefault", "optional", "nullable"].includes(def.type)) {
    return itemSchema((def as z.core.$ZodDefaultDef).innerType);
  }
  if (def.type === "pipe") {
    const pipe = def as z.core.$ZodPipeDef;
    return itemSchema(pipe.in._zod.def.type === "transform" ? pipe.out : pipe.in);
  }
  return undefined;
}
