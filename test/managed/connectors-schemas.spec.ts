// The stand-in's schemas are Google's discovery document (revision 20240701) plus exactly what the newer typed client
// of googleapis 188 declares: this re-derives that difference from the client's .d.ts, so an upgrade of googleapis
// (or a hand edit of TYPED_CLIENT_ADDITIONS) that makes them disagree fails here.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  extendedSchemas,
  loadDiscovery,
  schemaCompiler,
  TYPED_CLIENT_ADDITIONS,
  type DiscoverySchema,
} from "../../testing/connectors-schemas";

const TYPED_CLIENT = path.resolve(__dirname, "../../node_modules/googleapis/build/src/apis/connectors/v1.d.ts");
/** The bodies the stand-in validates: requests and responses of the methods it serves. */
const ROOTS = ["Connection", "EventSubscription", "Operation", "ListEventSubscriptionsResponse"];

/** `export interface Schema$X { a?: T; ... }` → { X: { a: "T" } }, comments dropped. */
function typedSchemas(): Record<string, Record<string, string>> {
  const source = fs.readFileSync(TYPED_CLIENT, "utf8");
  const result: Record<string, Record<string, string>> = {};
  for (const match of source.matchAll(/export interface Schema\$(\w+) \{\n/g)) {
    const start = (match.index ?? 0) + match[0].length;
    const body = source
      .slice(start, source.indexOf("\n    }\n", start - 1))
      .replace(/\/\*\*[\s\S]*?\*\//g, "")
      .replace(/\s+/g, " ");
    const properties: Record<string, string> = {};
    let depth = 0;
    let current = "";
    for (const char of body) {
      if (char === "{") depth++;
      if (char === "}") depth--;
      if (char === ";" && depth === 0) {
        const [name, type] = current.trim().split("?: ");
        properties[name] = type;
        current = "";
      } else current += char;
    }
    result[match[1]] = properties;
  }
  return result;
}

function toDiscovery(type: string): DiscoverySchema {
  const scalar = /^(string|boolean|number)( \| null)?$/.exec(type);
  if (scalar) return { type: scalar[1] };
  if (type === "string[] | null") return { type: "array", items: { type: "string" } };
  const ref = /^Schema\$(\w+)(\[\])?$/.exec(type);
  if (ref) return ref[2] ? { type: "array", items: { $ref: ref[1] } } : { $ref: ref[1] };
  if (type === "{ [key: string]: string; } | null") return { type: "object", additionalProperties: { type: "string" } };
  throw new Error(`typed-client type ${type} has no discovery mapping in this spec`);
}

describe("Connectors stand-in schemas: discovery 20240701 + googleapis 188's typed client", () => {
  it("TYPED_CLIENT_ADDITIONS is exactly what the typed client declares beyond the discovery document", () => {
    const typed = typedSchemas();
    const discovery = loadDiscovery().schemas;
    const reachable = new Set<string>();
    const visit = (name: string) => {
      if (reachable.has(name)) return;
      reachable.add(name);
      for (const type of Object.values(typed[name] ?? {})) for (const m of type.matchAll(/Schema\$(\w+)/g)) visit(m[1]);
    };
    ROOTS.forEach(visit);

    const derived: typeof TYPED_CLIENT_ADDITIONS = { properties: {}, schemas: {} };
    for (const name of [...reachable].sort()) {
      const fields = Object.entries(typed[name] ?? {});
      if (!discovery[name]) {
        derived.schemas[name] = {
          type: "object",
          properties: Object.fromEntries(fields.map(([field, type]) => [field, toDiscovery(type)])),
        };
        continue;
      }
      const added = fields.filter(([field]) => !discovery[name]?.properties?.[field]);
      if (added.length > 0) {
        derived.properties[name] = Object.fromEntries(added.map(([field, type]) => [field, toDiscovery(type)]));
      }
    }
    assert.deepEqual(derived, TYPED_CLIENT_ADDITIONS);
  });

  it("the additions are what admit the managed backend's bodies: the discovery document alone refuses them", () => {
    const discoveryOnly = schemaCompiler(loadDiscovery().schemas);
    const extended = schemaCompiler(extendedSchemas(loadDiscovery()));
    const subscription = {
      eventTypeId: "deal.creation",
      destinations: {
        pubsub: { projectId: "p-123456", topicId: "events" },
        serviceAccount: "a@p.iam.gserviceaccount.com",
      },
    };
    const connection = { eventingConfig: { privateConnectivityAllowlistedProjects: ["p-123456"] } };
    assert.equal(discoveryOnly("EventSubscription")(subscription), false);
    assert.equal(discoveryOnly("Connection")(connection), false);
    assert.equal(extended("EventSubscription")(subscription), true);
    assert.equal(extended("Connection")(connection), true);
  });
});
