/**
 * A stand-in for the two Google APIs preflight calls, built from their discovery documents
 * (test/fixtures/google-discovery, see SOURCE.md): requests are routed by each method's `flatPath` and `httpMethod`,
 * path parameters checked against their `pattern`, query parameters against the method's and the document's
 * `parameters` (unknown names refused, as Google's front end does: "Cannot bind query parameter"), bodies against the
 * request schema converted to JSON Schema (ajv; unknown fields refused: "Invalid JSON payload received. Unknown name"),
 * and every answer against the response schema before it leaves. Requests without `Authorization: Bearer` get 401.
 *
 * Answers come from `state`: the permissions granted and the services enabled, per project id.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import {
  ajvMessage,
  checkParameter,
  discoveryRoute,
  findRoute,
  GoogleError,
  methodsOf,
  pathParameters,
  requestBody,
  toJsonSchema,
  unknownQueryParameter,
  type DiscoveryParameter,
  type DiscoveryRoute,
  type DiscoveryResources,
  type DiscoverySchema,
  type JsonSchema,
} from "../../testing/discovery-schema";

export { GoogleError } from "../../testing/discovery-schema";

const DISCOVERY_DIR = path.resolve(__dirname, "../fixtures/google-discovery");
export const DISCOVERY_FILES = ["cloudresourcemanager-v3.json", "serviceusage-v1.json"] as const;

interface DiscoveryDocument extends DiscoveryResources {
  id: string;
  servicePath: string;
  parameters: Record<string, DiscoveryParameter>;
  schemas: Record<string, DiscoverySchema>;
}

interface Route extends DiscoveryRoute {
  document: DiscoveryDocument;
  request?: ValidateFunction;
  response?: ValidateFunction;
}

export function loadRoutes(): Route[] {
  const routes: Route[] = [];
  for (const file of DISCOVERY_FILES) {
    const document = JSON.parse(fs.readFileSync(path.join(DISCOVERY_DIR, file), "utf8")) as DiscoveryDocument;
    const ajv = new Ajv({ allErrors: true, strict: true });
    const definitions: Record<string, JsonSchema> = {};
    for (const [name, schema] of Object.entries(document.schemas)) definitions[name] = toJsonSchema(schema);
    const compile = (ref: string) => ajv.compile({ $ref: `#/definitions/${ref}`, definitions });
    for (const method of methodsOf(document)) {
      routes.push({
        ...discoveryRoute(document.servicePath, method),
        document,
        request: method.request ? compile(method.request.$ref) : undefined,
        response: method.response ? compile(method.response.$ref) : undefined,
      });
    }
  }
  return routes;
}

export interface StandInState {
  /** Per project id: the permissions the caller holds there. A project missing here answers 403, as for a stranger. */
  granted: Record<string, readonly string[]>;
  /** Per project id: the enabled services. */
  enabled: Record<string, readonly string[]>;
}

export interface RecordedCall {
  methodId: string;
  params: Record<string, string>;
  query: Record<string, string[]>;
  body: unknown;
}

export interface Refusal {
  status: number;
  message: string;
}

/** Google's error body (https://cloud.google.com/apis/design/errors#http_mapping). */
function errorBody(error: GoogleError) {
  return { error: { code: error.code, message: error.message, status: error.status } };
}

/** A fake project number, stable per id: Service Usage names services by number whatever the request used. */
function projectNumber(project: string): string {
  let hash = 7;
  for (const char of project) hash = (hash * 31 + char.charCodeAt(0)) % 900_000_000_000;
  return String(100_000_000_000 + hash);
}

const TEST_IAM_PERMISSIONS_MAX = 100;
const BATCH_GET_MAX = 30;

type Handler = (call: RecordedCall, state: StandInState) => unknown;

const HANDLERS: Record<string, Handler> = {
  "cloudresourcemanager.projects.testIamPermissions": (call, state) => {
    const project = call.params.resource.slice("projects/".length);
    const asked = (call.body as { permissions?: string[] } | undefined)?.permissions ?? [];
    if (asked.length > TEST_IAM_PERMISSIONS_MAX) {
      throw new GoogleError(400, "INVALID_ARGUMENT", `at most ${TEST_IAM_PERMISSIONS_MAX} permissions per request`);
    }
    const wildcard = asked.find((p) => p.includes("*"));
    if (wildcard) throw new GoogleError(400, "INVALID_ARGUMENT", `Permission ${wildcard} is not valid (wildcard).`);
    const granted = state.granted[project];
    if (!granted) throw new GoogleError(403, "PERMISSION_DENIED", "The caller does not have permission");
    const held = new Set(granted);
    return { permissions: asked.filter((p) => held.has(p)) };
  },
  "serviceusage.services.batchGet": (call, state) => {
    const parent = call.params.parent;
    const project = parent.slice("projects/".length);
    const names = call.query.names ?? [];
    if (names.length > BATCH_GET_MAX) {
      throw new GoogleError(400, "INVALID_ARGUMENT", `at most ${BATCH_GET_MAX} names per request, got ${names.length}`);
    }
    const foreign = names.find((name) => !name.startsWith(`${parent}/services/`));
    if (foreign) throw new GoogleError(400, "INVALID_ARGUMENT", `name ${foreign} is not under parent ${parent}`);
    if (!(state.granted[project] ?? []).includes("serviceusage.services.get")) {
      throw new GoogleError(403, "PERMISSION_DENIED", `Permission 'serviceusage.services.get' denied on ${parent}`);
    }
    const enabled = new Set(state.enabled[project] ?? []);
    const number = projectNumber(project);
    return {
      services: names.map((name) => {
        const api = name.slice(`${parent}/services/`.length);
        return {
          name: `projects/${number}/services/${api}`,
          parent: `projects/${number}`,
          state: enabled.has(api) ? "ENABLED" : "DISABLED",
          config: { name: api, title: api },
        };
      }),
    };
  },
};

/** Every value of a parameter; more than one only for a repeated parameter. */
function checkParameterValues(name: string, spec: DiscoveryParameter, values: string[]): void {
  if (values.length > 1 && !spec.repeated) {
    throw new GoogleError(
      400,
      "INVALID_ARGUMENT",
      `parameter ${name} is not repeated but was given ${values.length} times`,
    );
  }
  for (const value of values) checkParameter(name, spec, value);
}

/** Validates one request and computes the answer; throws GoogleError for what Google would refuse. */
export function handle(
  routes: readonly Route[],
  state: StandInState,
  request: { method: string; url: string; authorization?: string; contentType?: string; body: string },
): { call: RecordedCall; response: unknown } {
  const { route, url, pathname } = findRoute(routes, request);
  const { method, document } = route;
  const params = pathParameters(route, pathname);

  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  for (const [name, values] of Object.entries(query)) {
    const spec = method.parameters?.[name] ?? document.parameters[name];
    if (!spec || spec.location !== "query") throw unknownQueryParameter(name);
    checkParameterValues(name, spec, values);
  }
  for (const [name, spec] of Object.entries(method.parameters ?? {})) {
    if (spec.location === "path" && params[name] !== undefined) checkParameter(name, spec, params[name]);
    if (spec.required && params[name] === undefined && query[name] === undefined) {
      throw new GoogleError(400, "INVALID_ARGUMENT", `required parameter ${name} is missing`);
    }
  }

  const body = requestBody(method, route.request, request);

  const call: RecordedCall = { methodId: method.id, params, query, body };
  const handler = HANDLERS[method.id];
  if (!handler) throw new GoogleError(501, "UNIMPLEMENTED", `${method.id} has no answer in the stand-in`);
  const response = handler(call, state);
  if (route.response && !route.response(response)) {
    // The stand-in's own bug, not the client's: fail loudly rather than answer off-schema.
    throw new Error(`stand-in answered ${method.id} off its response schema: ${ajvMessage(route.response)}`);
  }
  return { call, response };
}

export interface GoogleStandIn {
  url: string;
  state: StandInState;
  /** Every request that passed validation, in order. */
  calls: RecordedCall[];
  /** Every request refused, in order. */
  refusals: Refusal[];
  close(): Promise<void>;
}

export async function startGoogleStandIn(state: StandInState): Promise<GoogleStandIn> {
  const routes = loadRoutes();
  const calls: RecordedCall[] = [];
  const refusals: Refusal[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
        res.end(JSON.stringify(payload));
      };
      try {
        const { call, response } = handle(routes, standIn.state, {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          authorization: req.headers.authorization,
          contentType: req.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
        });
        calls.push(call);
        reply(200, response);
      } catch (error) {
        const googleError =
          error instanceof GoogleError
            ? error
            : new GoogleError(500, "INTERNAL", error instanceof Error ? error.message : String(error));
        refusals.push({ status: googleError.code, message: googleError.message });
        reply(googleError.code, errorBody(googleError));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const standIn: GoogleStandIn = {
    url: `http://127.0.0.1:${port}/`,
    state,
    calls,
    refusals,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  return standIn;
}
