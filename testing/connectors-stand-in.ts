/**
 * A stand-in for the Integration Connectors v1 REST API (connectors.googleapis.com), as much as the managed backend's
 * dynamic providers use: connections create / get / patch / delete, their eventSubscriptions create / get / list /
 * patch / delete, and operations.get.
 *
 * Built from Google's discovery document, revision 20240701 (testing/google-discovery/connectors-v1.json): requests
 * are routed by each method's `flatPath` and `httpMethod`, path parameters checked against their `pattern`, query
 * parameters against the method's and the document's (unknown names refused: "Cannot bind query parameter"), bodies
 * against the request schema converted to JSON Schema (unknown fields refused: "Unknown name"), `updateMask` paths
 * against the resource's schema, and every answer against the response schema before it leaves. The schemas are
 * extended with exactly what the newer typed client of `googleapis` 188 adds (testing/connectors-schemas.ts says
 * what: among others the Pub/Sub event-subscription destination, `privateConnectivityAllowlistedProjects` and
 * `allowedEventTypes`), because where the two differ the newer wins. Requests without `Authorization: Bearer` get 401.
 *
 * Behaviour: mutations answer a long-running Operation that is done after `pollsUntilDone` operations.get calls and
 * only then takes effect; a created connection gets `eventingRuntimeData.eventsListenerEndpoint` (at once, or after
 * `readsUntilListener` reads, as Google provisions the listener after the connection); an event
 * subscription is CREATING (or UPDATING after a patch) until it has been read `readsUntilActive` times, then ACTIVE —
 * or ERROR when a spec asked for it. Every validated request is recorded in `requests`, every refusal in `rejections`.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { ValidateFunction } from "ajv";
import {
  ajvMessage,
  checkParameter,
  discoveryRoute,
  findRoute,
  GoogleError,
  pathParameters,
  requestBody,
  unknownQueryParameter,
  type DiscoveryRoute,
} from "./discovery-schema";
import {
  extendedSchemas,
  loadDiscovery,
  methodsOf,
  schemaCompiler,
  type DiscoveryDocument,
  type DiscoverySchema,
} from "./connectors-schemas";

export { GoogleError } from "./discovery-schema";

export type Json = Record<string, unknown>;

export interface RecordedRequest {
  methodId: string;
  httpMethod: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export interface Rejection {
  /** The discovery method id, when the request was routed that far. */
  methodId?: string;
  status: number;
  message: string;
}

/** Google's `Status` (https://cloud.google.com/apis/design/errors). */
export interface OperationError {
  code: number;
  message: string;
}

export interface ConnectorsStandInOptions {
  /** operations.get calls before an operation is done (default 1: the first poll sees it done). */
  pollsUntilDone?: number;
  /** Reads (get or list) of an event subscription before it leaves CREATING / UPDATING (default 1). */
  readsUntilActive?: number;
  /** connections.get calls before a new connection's eventing has its listener endpoint (default 0: at once). */
  readsUntilListener?: number;
  /** The clock of createTime / updateTime. */
  now?: () => Date;
}

/** The methods served; every other method of the document answers 501. */
const SERVED = new Set([
  "connectors.projects.locations.connections.create",
  "connectors.projects.locations.connections.get",
  "connectors.projects.locations.connections.patch",
  "connectors.projects.locations.connections.delete",
  "connectors.projects.locations.connections.eventSubscriptions.create",
  "connectors.projects.locations.connections.eventSubscriptions.get",
  "connectors.projects.locations.connections.eventSubscriptions.list",
  "connectors.projects.locations.connections.eventSubscriptions.patch",
  "connectors.projects.locations.connections.eventSubscriptions.delete",
  "connectors.projects.locations.operations.get",
]);

const TYPE_PREFIX = "type.googleapis.com/google.cloud.connectors.v1.";

interface Route extends DiscoveryRoute {
  request?: ValidateFunction;
  response?: ValidateFunction;
}

interface PendingOperation {
  operation: Json;
  polls: number;
  /** Applies the mutation and returns the operation's response; runs once, when the operation is done. */
  complete: () => Json;
  error?: OperationError;
  /** Undoes what the request did at once (a create's placeholder) when the operation ends in error. */
  rollback?: () => void;
}

interface SubscriptionProgress {
  reads: number;
  error?: string;
}

/** The schema a dotted field path names inside `root`, or undefined when the path is not a field. */
function schemaAt(
  schemas: Record<string, DiscoverySchema>,
  root: string,
  fieldPath: string,
): DiscoverySchema | undefined {
  let schema: DiscoverySchema | undefined = schemas[root];
  for (const segment of fieldPath.split(".")) {
    while (schema?.$ref) schema = schemas[schema.$ref];
    schema = schema?.properties?.[segment];
    if (!schema) return undefined;
  }
  return schema;
}

function getPath(object: Json, fieldPath: string): unknown {
  let current: unknown = object;
  for (const segment of fieldPath.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Json)[segment];
  }
  return current;
}

/** FieldMask semantics: the path takes the request's value, and a path absent from the request is cleared. */
function setPath(object: Json, fieldPath: string, value: unknown): void {
  const segments = fieldPath.split(".");
  let current = object;
  for (const segment of segments.slice(0, -1)) {
    if (typeof current[segment] !== "object" || current[segment] === null) current[segment] = {};
    current = current[segment] as Json;
  }
  const last = segments[segments.length - 1];
  if (value === undefined) delete current[last];
  else current[last] = structuredClone(value);
}

/** Output-only fields a client may echo back: Google ignores them in a request, so the stand-in does too. */
const CONNECTION_OUTPUT_ONLY = [
  "name",
  "createTime",
  "updateTime",
  "status",
  "eventingRuntimeData",
  "connectionRevision",
  "connectorVersionLaunchStage",
  "envoyImageLocation",
  "imageLocation",
  "isTrustedTester",
  "serviceDirectory",
  "subscriptionType",
  "billingConfig",
  "connectorVersionInfraConfig",
];
const SUBSCRIPTION_OUTPUT_ONLY = ["name", "createTime", "updateTime", "status"];

function withoutKeys(body: Json, keys: readonly string[]): Json {
  const copy = structuredClone(body);
  for (const key of keys) delete copy[key];
  return copy;
}

export class ConnectorsStandIn {
  /** Every request that passed validation, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every request refused (by validation, by state, or by an injected fault), in order. */
  readonly rejections: Rejection[] = [];
  /** Connections by resource name. Specs may edit them to simulate a change made in the console (drift). */
  readonly connections = new Map<string, Json>();
  /** Event subscriptions by resource name; editable like `connections`. */
  readonly subscriptions = new Map<string, Json>();

  private readonly document: DiscoveryDocument = loadDiscovery();
  private readonly schemas = extendedSchemas(this.document);
  private readonly routes: Route[];
  private readonly operations = new Map<string, PendingOperation>();
  private readonly progress = new Map<string, SubscriptionProgress>();
  private readonly failedOperations = new Map<string, OperationError[]>();
  private readonly faults = new Map<string, number[]>();
  private readonly pollsUntilDone: number;
  private readonly readsUntilActive: number;
  private readonly readsUntilListener: number;
  /** Per connection: the reads left before its listener endpoint appears. */
  private readonly listenerPending = new Map<string, number>();
  private readonly now: () => Date;
  private server?: http.Server;
  private operationCount = 0;

  constructor(options: ConnectorsStandInOptions = {}) {
    this.pollsUntilDone = options.pollsUntilDone ?? 1;
    this.readsUntilActive = options.readsUntilActive ?? 1;
    this.readsUntilListener = options.readsUntilListener ?? 0;
    this.now = options.now ?? (() => new Date());
    const compile = schemaCompiler(this.schemas);
    this.routes = methodsOf(this.document)
      .filter((method) => SERVED.has(method.id))
      .map((method) => ({
        ...discoveryRoute(this.document.servicePath, method),
        request: method.request ? compile(method.request.$ref) : undefined,
        response: method.response ? compile(method.response.$ref) : undefined,
      }));
    if (this.routes.length !== SERVED.size)
      throw new Error("the discovery document lacks a method the stand-in serves");
  }

  /** Starts listening on 127.0.0.1; returns the root URL to hand the client (`rootUrl`). */
  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const { status, payload } = this.answer({
          method: req.method ?? "GET",
          url: req.url ?? "/",
          authorization: req.headers.authorization,
          contentType: req.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
        });
        res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
        res.end(JSON.stringify(payload));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  }

  /** A connection as if created in the console or by `gcp.integrationconnectors.Connection`: ACTIVE, with eventing. */
  seedConnection(name: string, fields: Json = {}): Json {
    const connection: Json = {
      connectorVersion: "projects/p/locations/global/providers/hubspot/connectors/hubspot/versions/1",
      eventingEnablementType: "ONLY_EVENTING",
      ...structuredClone(fields),
      name,
      createTime: this.now().toISOString(),
      updateTime: this.now().toISOString(),
      status: { state: "ACTIVE" },
    };
    this.activateEventing(connection);
    this.connections.set(name, connection);
    return connection;
  }

  /** The next operation started by `methodId` (e.g. "connectors.projects.locations.connections.patch") fails. */
  failNextOperation(methodId: string, error: OperationError): void {
    this.failedOperations.set(methodId, [...(this.failedOperations.get(methodId) ?? []), error]);
  }

  /** The event subscription with this resource name goes to ERROR, with this description, instead of ACTIVE. */
  failSubscription(name: string, description: string): void {
    const progress = this.progress.get(name) ?? { reads: 0 };
    this.progress.set(name, { ...progress, error: description });
  }

  /** The next requests to `methodId` are answered with these HTTP statuses (429, 503...) before being served. */
  injectFaults(methodId: string, statuses: number[]): void {
    this.faults.set(methodId, [...(this.faults.get(methodId) ?? []), ...statuses]);
  }

  requestsOf(methodId: string): RecordedRequest[] {
    return this.requests.filter((request) => request.methodId.endsWith(methodId));
  }

  private answer(request: {
    method: string;
    url: string;
    authorization?: string;
    contentType?: string;
    body: string;
  }): { status: number; payload: unknown } {
    let methodId: string | undefined;
    try {
      const { route, url, pathname } = findRoute(this.routes, request);
      methodId = route.method.id;
      const fault = this.faults.get(methodId)?.shift();
      if (fault !== undefined) {
        throw new GoogleError(
          fault,
          fault === 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE",
          `injected fault ${fault} for ${methodId}`,
        );
      }
      const call = this.validate(route, pathname, url, request);
      this.requests.push(call);
      const response = this.handle(call);
      if (route.response && !route.response(response)) {
        // The stand-in's own bug, not the client's: fail loudly rather than answer off-schema.
        throw new Error(`stand-in answered ${methodId} off its response schema: ${ajvMessage(route.response)}`);
      }
      return { status: 200, payload: response };
    } catch (error) {
      const googleError =
        error instanceof GoogleError
          ? error
          : new GoogleError(500, "INTERNAL", error instanceof Error ? error.message : String(error));
      this.rejections.push({ methodId, status: googleError.code, message: googleError.message });
      return {
        status: googleError.code,
        payload: { error: { code: googleError.code, message: googleError.message, status: googleError.status } },
      };
    }
  }

  private validate(
    route: Route,
    pathname: string,
    url: URL,
    request: { contentType?: string; body: string },
  ): RecordedRequest {
    const { method } = route;
    const params = pathParameters(route, pathname);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) {
      const spec = method.parameters?.[name] ?? this.document.parameters[name];
      if (!spec || spec.location !== "query") throw unknownQueryParameter(name);
      if (name in query && !spec.repeated) throw new GoogleError(400, "INVALID_ARGUMENT", `parameter ${name} repeated`);
      checkParameter(name, spec, value);
      query[name] = value;
    }
    for (const [name, spec] of Object.entries(method.parameters ?? {})) {
      if (spec.location === "path" && params[name] !== undefined) checkParameter(name, spec, params[name]);
      if (spec.required && params[name] === undefined && query[name] === undefined) {
        throw new GoogleError(400, "INVALID_ARGUMENT", `required parameter ${name} is missing`);
      }
    }
    const body = requestBody(method, route.request, request);
    return { methodId: method.id, httpMethod: method.httpMethod, params, query, body };
  }

  private handle(call: RecordedRequest): Json {
    const short = call.methodId.replace("connectors.projects.locations.", "");
    const body = (call.body ?? {}) as Json;
    switch (short) {
      case "connections.create":
        return this.createConnection(call, body);
      case "connections.get":
        return this.readConnection(call.params.name);
      case "connections.patch":
        return this.patch(call, this.connections, "Connection", withoutKeys(body, CONNECTION_OUTPUT_ONLY));
      case "connections.delete":
        return this.remove(call, this.connections, "Connection");
      case "connections.eventSubscriptions.create":
        return this.createSubscription(call, body);
      case "connections.eventSubscriptions.get":
        return this.readSubscription(call.params.name);
      case "connections.eventSubscriptions.list":
        return this.listSubscriptions(call.params.parent);
      case "connections.eventSubscriptions.patch":
        return this.patch(call, this.subscriptions, "EventSubscription", withoutKeys(body, SUBSCRIPTION_OUTPUT_ONLY));
      case "connections.eventSubscriptions.delete":
        return this.remove(call, this.subscriptions, "EventSubscription");
      case "operations.get":
        return this.pollOperation(call.params.name);
      default:
        throw new GoogleError(501, "UNIMPLEMENTED", `${call.methodId} has no answer in the stand-in`);
    }
  }

  private existing(store: Map<string, Json>, name: string, kind: string): Json {
    const found = store.get(name);
    if (!found) throw new GoogleError(404, "NOT_FOUND", `${kind} ${name} not found`);
    return structuredClone(found);
  }

  /** A read counts down a new connection's wait for its listener endpoint. */
  private readConnection(name: string): Json {
    const connection = this.connections.get(name);
    const pending = this.listenerPending.get(name);
    if (connection && pending !== undefined) {
      if (pending <= 1) {
        this.listenerPending.delete(name);
        this.activateEventing(connection, true);
      } else this.listenerPending.set(name, pending - 1);
    }
    return this.existing(this.connections, name, "Connection");
  }

  /** Eventing's runtime data: the listener endpoint at once, or after `readsUntilListener` reads of the connection. */
  private activateEventing(connection: Json, now = false): void {
    if (
      !connection.eventingEnablementType ||
      connection.eventingEnablementType === "EVENTING_ENABLEMENT_TYPE_UNSPECIFIED"
    )
      return;
    if (!now && this.readsUntilListener > 0) {
      this.listenerPending.set(String(connection.name), this.readsUntilListener);
      connection.eventingRuntimeData = { status: { state: "STATE_UNSPECIFIED", description: "Provisioning" } };
      return;
    }
    const id = String(connection.name).split("/").pop();
    connection.eventingRuntimeData = {
      eventsListenerEndpoint: `https://${id}-events.connectors.stand-in.test/v1/events`,
      status: { state: "ACTIVE" },
    };
  }

  /**
   * With private connectivity on and the listener provisioned, the listener's PSC service attachment
   * (EventingRuntimeData.eventsListenerPscSa, "populated after provisioning the events listener with private
   * connectivity enabled"); gone again when it is turned off.
   */
  private privateConnectivity(connection: Json): void {
    const runtime = connection.eventingRuntimeData as Json | undefined;
    if (!runtime?.eventsListenerEndpoint) return;
    const eventing = (connection.eventingConfig ?? {}) as Json;
    if (eventing.privateConnectivityEnabled === true) {
      const [, project, location, id] = /^projects\/([^/]+)\/locations\/([^/]+)\/connections\/(.+)$/.exec(
        String(connection.name),
      ) ?? ["", "", "", ""];
      runtime.eventsListenerPscSa = `projects/${project}/regions/${location}/serviceAttachments/${id}-events`;
    } else delete runtime.eventsListenerPscSa;
  }

  private createConnection(call: RecordedRequest, body: Json): Json {
    const id = call.query.connectionId;
    if (!id) throw new GoogleError(400, "INVALID_ARGUMENT", "connectionId is required");
    const name = `${call.params.parent}/connections/${id}`;
    if (this.connections.has(name)) throw new GoogleError(409, "ALREADY_EXISTS", `Connection ${name} already exists`);
    const time = this.now().toISOString();
    const connection: Json = {
      ...withoutKeys(body, CONNECTION_OUTPUT_ONLY),
      name,
      createTime: time,
      updateTime: time,
      status: { state: "CREATING" },
    };
    this.connections.set(name, connection);
    return this.startOperation(call, name, "create", {
      complete: () => {
        connection.status = { state: "ACTIVE" };
        this.activateEventing(connection);
        return { "@type": `${TYPE_PREFIX}Connection`, ...structuredClone(connection) };
      },
      rollback: () => this.connections.delete(name),
    });
  }

  private createSubscription(call: RecordedRequest, body: Json): Json {
    const parent = call.params.parent;
    if (!this.connections.has(parent)) throw new GoogleError(404, "NOT_FOUND", `Connection ${parent} not found`);
    const id = call.query.eventSubscriptionId;
    if (!id) throw new GoogleError(400, "INVALID_ARGUMENT", "eventSubscriptionId is required");
    const name = `${parent}/eventSubscriptions/${id}`;
    if (this.subscriptions.has(name)) {
      throw new GoogleError(409, "ALREADY_EXISTS", `EventSubscription ${name} already exists`);
    }
    const time = this.now().toISOString();
    const subscription: Json = {
      ...withoutKeys(body, SUBSCRIPTION_OUTPUT_ONLY),
      name,
      createTime: time,
      updateTime: time,
      status: { state: "CREATING", description: "Creating the event subscription" },
    };
    this.subscriptions.set(name, subscription);
    this.progress.set(name, { ...this.progress.get(name), reads: 0 });
    return this.startOperation(call, name, "create", {
      complete: () => ({ "@type": `${TYPE_PREFIX}EventSubscription`, ...structuredClone(subscription) }),
      rollback: () => this.subscriptions.delete(name),
    });
  }

  private patch(call: RecordedRequest, store: Map<string, Json>, kind: string, body: Json): Json {
    const name = call.params.name;
    const current = store.get(name);
    if (!current) throw new GoogleError(404, "NOT_FOUND", `${kind} ${name} not found`);
    const mask = call.query.updateMask;
    if (!mask) throw new GoogleError(400, "INVALID_ARGUMENT", "updateMask is required");
    const paths = mask.split(",");
    const unknown = paths.filter((p) => !schemaAt(this.schemas, kind, p));
    if (unknown.length > 0) {
      throw new GoogleError(400, "INVALID_ARGUMENT", `updateMask names no field of ${kind}: ${unknown.join(", ")}`);
    }
    return this.startOperation(call, name, "update", {
      complete: () => {
        for (const p of paths) setPath(current, p, getPath(body, p));
        current.updateTime = this.now().toISOString();
        if (kind === "EventSubscription") {
          current.status = { state: "UPDATING", description: "Updating the event subscription" };
          this.progress.set(name, { ...this.progress.get(name), reads: 0 });
        }
        if (kind === "Connection") this.privateConnectivity(current);
        return { "@type": `${TYPE_PREFIX}${kind}`, ...structuredClone(current) };
      },
    });
  }

  private remove(call: RecordedRequest, store: Map<string, Json>, kind: string): Json {
    const name = call.params.name;
    if (!store.has(name)) throw new GoogleError(404, "NOT_FOUND", `${kind} ${name} not found`);
    return this.startOperation(call, name, "delete", {
      complete: () => {
        store.delete(name);
        if (kind === "Connection") {
          for (const child of [...this.subscriptions.keys()]) {
            if (child.startsWith(`${name}/`)) this.subscriptions.delete(child);
          }
        }
        return { "@type": "type.googleapis.com/google.protobuf.Empty" };
      },
    });
  }

  /** A read moves an event subscription along CREATING / UPDATING -> ACTIVE (or ERROR when a spec asked for it). */
  private advance(name: string, subscription: Json): void {
    const state = (subscription.status as Json | undefined)?.state;
    if (state !== "CREATING" && state !== "UPDATING") return;
    const progress = this.progress.get(name) ?? { reads: 0 };
    progress.reads += 1;
    this.progress.set(name, progress);
    if (progress.reads < this.readsUntilActive) return;
    subscription.status = progress.error
      ? { state: "ERROR", description: progress.error }
      : { state: "ACTIVE", description: "Event subscription is active" };
  }

  private readSubscription(name: string): Json {
    const subscription = this.subscriptions.get(name);
    if (!subscription) throw new GoogleError(404, "NOT_FOUND", `EventSubscription ${name} not found`);
    this.advance(name, subscription);
    return structuredClone(subscription);
  }

  private listSubscriptions(parent: string): Json {
    if (!this.connections.has(parent)) throw new GoogleError(404, "NOT_FOUND", `Connection ${parent} not found`);
    const eventSubscriptions = [...this.subscriptions.entries()]
      .filter(([name]) => name.startsWith(`${parent}/eventSubscriptions/`))
      .map(([name, subscription]) => {
        this.advance(name, subscription);
        return structuredClone(subscription);
      });
    return { eventSubscriptions };
  }

  private startOperation(
    call: RecordedRequest,
    target: string,
    verb: string,
    effects: Pick<PendingOperation, "complete" | "rollback">,
  ): Json {
    const location = target.split("/").slice(0, 4).join("/");
    this.operationCount += 1;
    const name = `${location}/operations/operation-${this.operationCount}`;
    const operation: Json = {
      name,
      metadata: {
        "@type": `${TYPE_PREFIX}OperationMetadata`,
        createTime: this.now().toISOString(),
        target,
        verb,
        apiVersion: "v1",
      },
      done: false,
    };
    const error = this.failedOperations.get(call.methodId)?.shift();
    this.operations.set(name, { operation, polls: 0, ...effects, error });
    return structuredClone(operation);
  }

  private pollOperation(name: string): Json {
    const pending = this.operations.get(name);
    if (!pending) throw new GoogleError(404, "NOT_FOUND", `Operation ${name} not found`);
    if (pending.operation.done) return structuredClone(pending.operation);
    pending.polls += 1;
    if (pending.polls < this.pollsUntilDone) return structuredClone(pending.operation);
    pending.operation.done = true;
    (pending.operation.metadata as Json).endTime = this.now().toISOString();
    if (pending.error) {
      pending.rollback?.();
      pending.operation.error = { code: pending.error.code, message: pending.error.message };
    } else {
      pending.operation.response = pending.complete();
    }
    return structuredClone(pending.operation);
  }
}
