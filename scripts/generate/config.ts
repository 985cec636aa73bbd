/**
 * Pulumi.yaml's `config:` block and the keys table of docs/configuration.md, from the stack config's schema
 * (contract/stack-config.ts). The rest of both files is kept as written.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { z } from "zod";
import {
  itemSchema,
  OTHER_KEY_DOCS,
  SECRET_KEYS,
  STACK_CONFIG_FIELDS,
  valueType,
  type FieldDoc,
} from "../../contract/stack-config";
import type { Generator } from "./index";

const ROOT = path.resolve(__dirname, "../..");
export const PULUMI_YAML = "Pulumi.yaml";
export const CONFIG_DOC = "docs/configuration.md";
const TABLE_START = "<!-- generated: keys (contract/stack-config.ts, `npm run generate`) -->";
const TABLE_END = "<!-- /generated: keys -->";

type Schema = z.core.$ZodType;

function docOf(schema: Schema): FieldDoc {
  return (z.globalRegistry.get(schema) ?? {}) as FieldDoc;
}

/** The schema under defaults, optionality and preprocessing. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def;
  if (def.type === "default" || def.type === "prefault" || def.type === "optional") {
    return unwrap((def as z.core.$ZodDefaultDef).innerType);
  }
  if (def.type === "pipe") {
    const pipe = def as z.core.$ZodPipeDef;
    return unwrap(pipe.in._zod.def.type === "transform" ? pipe.out : pipe.in);
  }
  return schema;
}

/** The default the schema applies to an absent value, if it has one (prefault: an empty object parsed). */
function defaultOf(schema: Schema): { value: unknown } | undefined {
  const def = schema._zod.def;
  if (def.type === "default") return { value: (def as z.core.$ZodDefaultDef).defaultValue };
  if (def.type === "prefault") return { value: (def as z.core.$ZodPrefaultDef).defaultValue };
  return undefined;
}

function isOptional(schema: Schema): boolean {
  return schema._zod.optin === "optional";
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const inner = unwrap(schema);
  return inner._zod.def.type === "object" ? (inner._zod.def as z.core.$ZodObjectDef).shape : undefined;
}

/**
 * One key's declaration under the Pulumi CLI's rules (see the header of Pulumi.yaml): types string, integer, boolean
 * and arrays of those only; object-valued keys untyped with `default: {}`; every optional key has a default, "" or {}
 * meaning "not set" where the schema computes the default after parsing.
 */
function declaration(key: string, schema: Schema): Record<string, unknown> {
  const description = docOf(schema).description;
  if (!description) throw new Error(`hubspot-trigger:${key} has no description: add .meta({ description })`);
  const type = valueType(schema);
  const item = itemSchema(schema);
  const itemType = item ? valueType(item) : undefined;
  const cliType =
    type === "string" || type === "boolean"
      ? type
      : type === "number"
        ? "integer"
        : type === "array" && (itemType === "string" || itemType === "number" || itemType === "boolean")
          ? "array"
          : undefined;
  const declared: Record<string, unknown> = {};
  if (cliType) declared.type = cliType;
  if (cliType === "array") declared.items = { type: itemType === "number" ? "integer" : itemType };
  const fallback = defaultOf(schema);
  if (fallback) declared.default = cliType ? fallback.value : {};
  else if (isOptional(schema)) declared.default = cliType === "string" ? "" : {};
  declared.description = description;
  return declared;
}

export function pulumiConfigBlock(): string {
  const block = Object.fromEntries(
    Object.entries(STACK_CONFIG_FIELDS).map(([key, schema]) => [key, declaration(key, schema)]),
  );
  return stringify({ config: block }, { lineWidth: 0 });
}

/** A table cell: pipes escaped, so a rule quoting `a|b` stays in its column. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function typeName(schema: Schema): string {
  const doc = docOf(schema);
  if (doc.docType) return doc.docType;
  const inner = unwrap(schema);
  if (inner._zod.def.type === "enum") {
    return Object.values((inner._zod.def as z.core.$ZodEnumDef).entries)
      .map((value) => `\`${String(value)}\``)
      .join(" | ");
  }
  const type = valueType(schema);
  if (type === "number") return "integer";
  if (type === "array") {
    const item = itemSchema(schema);
    return item && valueType(item) === "object" ? "list of objects" : "list of strings";
  }
  return type;
}

function defaultText(schema: Schema): string {
  const doc = docOf(schema);
  if (doc.docDefault) return doc.docDefault;
  const fallback = defaultOf(schema);
  if (!fallback) return "-";
  return typeof fallback.value === "string" ? `\`${fallback.value}\`` : `\`${JSON.stringify(fallback.value)}\``;
}

function row(key: string, type: string, fallback: string, rule: string): string {
  return `| \`${key}\` | ${cell(type)} | ${cell(fallback)} | ${cell(rule)} |`;
}

function fieldRows(key: string, schema: Schema): string[] {
  const shape = shapeOf(schema);
  const item = itemSchema(schema);
  const itemShape = item ? shapeOf(item) : undefined;
  const doc = docOf(schema);
  if (shape && !doc.docType) {
    return Object.entries(shape).flatMap(([sub, field]) => fieldRows(`${key}.${sub}`, field));
  }
  const own = row(key, typeName(schema), defaultText(schema), doc.rule ?? "");
  if (itemShape && !doc.docType) {
    return [own, ...Object.entries(itemShape).flatMap(([sub, field]) => fieldRows(`${key}[].${sub}`, field))];
  }
  return [own];
}

export function keysTable(): string {
  const secretRow = (key: string): string => {
    const doc = OTHER_KEY_DOCS[key];
    return row(key, doc.docType, doc.docDefault, doc.rule);
  };
  const rows = [secretRow("gcp:project"), secretRow("gcp:region")];
  const placed = new Set<string>();
  for (const [key, schema] of Object.entries(STACK_CONFIG_FIELDS)) {
    // A secret's row goes just before its `<secret>Ref` alternative.
    const secret = SECRET_KEYS.find((name) => `${name}Ref` === key);
    if (secret) {
      rows.push(secretRow(secret));
      placed.add(secret);
    }
    rows.push(...fieldRows(key, schema));
  }
  for (const secret of SECRET_KEYS) if (!placed.has(secret)) rows.push(secretRow(secret));
  return ["| Key | Type | Default | Rule |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function current(file: string): string {
  return readFileSync(path.join(ROOT, file), "utf8");
}

/** Pulumi.yaml with its `config:` block (the last one, by convention) regenerated; the comments above it kept. */
function pulumiYaml(): string {
  const text = current(PULUMI_YAML);
  const start = text.search(/^config:/m);
  if (start < 0) throw new Error(`${PULUMI_YAML}: no top-level config: block to regenerate`);
  return text.slice(0, start) + pulumiConfigBlock();
}

function configurationDoc(): string {
  const text = current(CONFIG_DOC);
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`${CONFIG_DOC}: the markers ${TABLE_START} ... ${TABLE_END} are missing`);
  return `${text.slice(0, start + TABLE_START.length)}\n\n${keysTable()}\n\n${text.slice(end)}`;
}

export const stackConfigFiles: Generator = () => [
  { file: PULUMI_YAML, content: pulumiYaml() },
  { file: CONFIG_DOC, content: configurationDoc() },
];
