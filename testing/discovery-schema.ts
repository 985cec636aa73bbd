/**
 * Google discovery-document schemas as JSON Schema, for the stand-ins that validate request bodies the way Google's
 * front end does (the preflight APIs' and Connectors v1's).
 */

/** A schema of a discovery document (https://developers.google.com/discovery/v1/reference/apis). */
export interface DiscoverySchema {
  type?: string;
  $ref?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
  enum?: string[];
  format?: string;
  readOnly?: boolean;
}

export type JsonSchema = Record<string, unknown>;

/**
 * Discovery schema → JSON Schema (draft 7, what ajv 8 validates by default). Discovery's `type: "any"` is any value;
 * int64/uint64 are JSON strings in Google's REST mapping (https://protobuf.dev/programming-guides/json/), so `format`
 * never changes the JSON type. Objects refuse unknown properties, as Google's JSON transcoding does ("Invalid JSON
 * payload received. Unknown name"). Output-only fields are accepted in requests: Google ignores them there, and a
 * client echoing a read resource back sends them.
 */
export function toJsonSchema(schema: DiscoverySchema): JsonSchema {
  if (schema.$ref) return { $ref: `#/definitions/${schema.$ref}` };
  switch (schema.type) {
    case "any":
      return {};
    case "array":
      return { type: "array", items: schema.items ? toJsonSchema(schema.items) : {} };
    case "object": {
      const properties: Record<string, JsonSchema> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) properties[name] = toJsonSchema(property);
      return {
        type: "object",
        properties,
        additionalProperties: schema.additionalProperties ? toJsonSchema(schema.additionalProperties) : false,
      };
    }
    case "string":
    case "boolean":
    case "integer":
    case "number":
      return schema.enum ? { type: schema.type, enum: schema.enum } : { type: schema.type };
    default:
      throw new Error(`discovery schema type ${String(schema.type)} is not converted`);
  }
}
