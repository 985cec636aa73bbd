/**
 * What the stand-ins of Google APIs built from discovery documents share (the preflight APIs' and Connectors v1's):
 * the document's types, its schemas as JSON Schema, and request bodies checked the way Google's front end does.
 */
import type { ValidateFunction } from "ajv";

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

/** A parameter of a discovery method or document. */
export interface DiscoveryParameter {
  type: "string" | "boolean" | "integer" | "number";
  location: "path" | "query";
  required?: boolean;
  repeated?: boolean;
  pattern?: string;
  enum?: string[];
  format?: string;
}

export interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  flatPath: string;
  path: string;
  parameters?: Record<string, DiscoveryParameter>;
  request?: { $ref: string };
  response?: { $ref: string };
}

export interface DiscoveryResources {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResources>;
}

/** Every method of a resource tree. */
export function methodsOf(resources: DiscoveryResources): DiscoveryMethod[] {
  return [...Object.values(resources.methods ?? {}), ...Object.values(resources.resources ?? {}).flatMap(methodsOf)];
}

/** An error as Google's front end answers it (https://cloud.google.com/apis/design/errors#http_mapping). */
export class GoogleError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

/** ajv's errors as one line naming each field and its problem. */
export function ajvMessage(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => {
      const field = e.instancePath || "(body)";
      const extra =
        e.params && "additionalProperty" in e.params
          ? `: ${String(e.params.additionalProperty)}`
          : e.params && "allowedValues" in e.params
            ? `: ${(e.params.allowedValues as unknown[]).join(", ")}`
            : "";
      return `${field} ${e.message ?? ""}${extra}`;
    })
    .join("; ");
}

/**
 * A request's body as a method takes it: JSON validated against the method's request schema, or nothing for a
 * method without one. Throws what Google answers otherwise.
 */
export function requestBody(
  method: DiscoveryMethod,
  validate: ValidateFunction | undefined,
  request: { contentType?: string; body: string },
): unknown {
  if (!validate) {
    if (request.body.length > 0) throw new GoogleError(400, "INVALID_ARGUMENT", `${method.id} takes no body`);
    return undefined;
  }
  if (!request.contentType?.startsWith("application/json")) {
    throw new GoogleError(
      400,
      "INVALID_ARGUMENT",
      `${method.id} takes a JSON body, got content-type ${String(request.contentType)}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    throw new GoogleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
  }
  if (!validate(body)) {
    throw new GoogleError(
      400,
      "INVALID_ARGUMENT",
      `Invalid JSON payload received (${method.request?.$ref}): ${ajvMessage(validate)}`,
    );
  }
  return body;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
}

/** `v1/{+name}:x` -> a regex capturing each variable (`+` = reserved expansion, may span segments) and their names. */
function pathRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = "";
  let rest = template;
  for (;;) {
    const match = /\{(\+?)([^}]+)\}/.exec(rest);
    if (!match) break;
    source += escapeRegex(rest.slice(0, match.index));
    names.push(match[2]);
    source += match[1] === "+" ? "(.+?)" : "([^/]+)";
    rest = rest.slice(match.index + match[0].length);
  }
  return { regex: new RegExp(`^${source}${escapeRegex(rest)}$`), names };
}

/** A method as a stand-in routes it: by its `flatPath` (one segment per variable), then its `path` for parameters. */
export interface DiscoveryRoute {
  method: DiscoveryMethod;
  flat: RegExp;
  full: RegExp;
  /** The `path` variables, in the order `full` captures them. */
  names: string[];
}

export function discoveryRoute(servicePath: string, method: DiscoveryMethod): DiscoveryRoute {
  const full = pathRegex(servicePath + method.path);
  return {
    method,
    flat: new RegExp(`^${escapeRegex(servicePath + method.flatPath).replace(/\{[^}]+\}/g, "[^/]+")}$`),
    full: full.regex,
    names: full.names,
  };
}

/**
 * The route a request takes, as Google's front end finds it: a bearer token first (401 without one), then the HTTP
 * method and the flat path (404 for no method).
 */
export function findRoute<R extends DiscoveryRoute>(
  routes: readonly R[],
  request: { method: string; url: string; authorization?: string },
): { route: R; url: URL; pathname: string } {
  if (!request.authorization || !/^Bearer \S+$/.test(request.authorization)) {
    throw new GoogleError(
      401,
      "UNAUTHENTICATED",
      "Request is missing required authentication credential. Expected OAuth 2 access token.",
    );
  }
  const url = new URL(request.url, "http://stand-in");
  const pathname = decodeURIComponent(url.pathname.replace(/^\//, ""));
  const route = routes.find((r) => r.method.httpMethod === request.method && r.flat.test(pathname));
  if (!route) throw new GoogleError(404, "NOT_FOUND", `no method for ${request.method} /${pathname}`);
  return { route, url, pathname };
}

/** The path parameters of a routed request, by the method's `path` variables. */
export function pathParameters(route: DiscoveryRoute, pathname: string): Record<string, string> {
  const match = route.full.exec(pathname);
  if (!match) throw new GoogleError(404, "NOT_FOUND", `/${pathname} does not match ${route.method.path}`);
  return Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]]));
}

/** What Google answers for a query parameter the method does not declare. */
export function unknownQueryParameter(name: string): GoogleError {
  return new GoogleError(
    400,
    "INVALID_ARGUMENT",
    `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
  );
}

/** One parameter value against its declaration: pattern, enum, boolean, integer. */
export function checkParameter(name: string, spec: DiscoveryParameter, value: string): void {
  const refuse = (problem: string) => {
    throw new GoogleError(400, "INVALID_ARGUMENT", `parameter ${name}="${value}" ${problem}`);
  };
  if (spec.pattern && !new RegExp(spec.pattern).test(value)) refuse(`does not match ${spec.pattern}`);
  if (spec.enum && !spec.enum.includes(value)) refuse(`is not one of ${spec.enum.join(", ")}`);
  if (spec.type === "boolean" && value !== "true" && value !== "false") refuse("is not a boolean");
  if (spec.type === "integer" && !/^-?\d+$/.test(value)) refuse("is not an integer");
}
