// The discovery-built Google stand-in: it accepts what the real clients send, and refuses what Google would refuse, so
// the preflight tests mean something. Also the batching of the two calls against it.
import * as assert from "node:assert/strict";
import { OAuth2Client } from "google-auth-library";
import {
  BATCH_GET_SERVICES_MAX,
  createClients,
  grantedPermissions,
  serviceStates,
  TEST_IAM_PERMISSIONS_BATCH,
  type GoogleClients,
} from "../../scripts/lib/preflight/google";
import { toJsonSchema } from "../../testing/discovery-schema";
import { startGoogleStandIn, type GoogleStandIn } from "./google-stand-in";

const PROJECT = "acme-hubspot-dev";
const AUTH = { authorization: "Bearer test-token", "content-type": "application/json" };

function clientsFor(standIn: GoogleStandIn): GoogleClients {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: "test-token" });
  return createClients({ source: "test", auth }, standIn.url);
}

describe("Google stand-in (from discovery documents)", () => {
  let standIn: GoogleStandIn;
  const granted = Array.from({ length: 150 }, (_, i) => `pubsub.topics.p${String(i).padStart(3, "0")}`);

  beforeEach(async () => {
    standIn = await startGoogleStandIn({
      granted: { [PROJECT]: [...granted.slice(0, 120), "serviceusage.services.get"] },
      enabled: { [PROJECT]: ["run.googleapis.com"] },
    });
  });
  afterEach(() => standIn.close());

  it("answers the real client's testIamPermissions, 100 permissions per call at most", async () => {
    const held = await grantedPermissions(clientsFor(standIn), PROJECT, granted);
    assert.equal(held.size, 120);
    assert.deepEqual(
      standIn.calls.map((c) => [
        c.methodId,
        c.params.resource,
        (c.body as { permissions: string[] }).permissions.length,
      ]),
      [
        ["cloudresourcemanager.projects.testIamPermissions", `projects/${PROJECT}`, TEST_IAM_PERMISSIONS_BATCH],
        ["cloudresourcemanager.projects.testIamPermissions", `projects/${PROJECT}`, 50],
      ],
    );
    assert.deepEqual(standIn.refusals, []);
  });

  it("answers the real client's services.batchGet, 30 names per call at most, matched back by API name", async () => {
    const apis = ["run.googleapis.com", ...Array.from({ length: 34 }, (_, i) => `api${i}.googleapis.com`)];
    const states = await serviceStates(clientsFor(standIn), PROJECT, apis);
    assert.equal(states.get("run.googleapis.com"), "ENABLED");
    assert.equal(states.get("api33.googleapis.com"), "DISABLED");
    assert.equal(states.size, 35);
    assert.deepEqual(
      standIn.calls.map((c) => c.query.names.length),
      [BATCH_GET_SERVICES_MAX, 5],
    );
  });

  it("refuses a body off the request schema (a deliberately wrong field name), naming the field", async () => {
    const response = await fetch(`${standIn.url}v3/projects/${PROJECT}:testIamPermissions`, {
      method: "POST",
      headers: AUTH,
      body: JSON.stringify({ permission: ["pubsub.topics.create"] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { status: string; message: string } };
    assert.equal(body.error.status, "INVALID_ARGUMENT");
    assert.match(body.error.message, /TestIamPermissionsRequest.*additional properties: permission/);
    assert.equal(standIn.calls.length, 0);
  });

  it("refuses a wrongly typed field, an unknown query parameter, and more than 100 permissions", async () => {
    const post = (body: unknown, query = "") =>
      fetch(`${standIn.url}v3/projects/${PROJECT}:testIamPermissions${query}`, {
        method: "POST",
        headers: AUTH,
        body: JSON.stringify(body),
      });
    assert.equal((await post({ permissions: "pubsub.topics.create" })).status, 400);
    assert.equal((await post({ permissions: [] }, "?permissions=x")).status, 400);
    assert.equal((await post({ permissions: granted.slice(0, 101) })).status, 400);
    assert.deepEqual(
      standIn.refusals.map((r) => r.status),
      [400, 400, 400],
    );
    assert.match(standIn.refusals[1].message, /Unknown name "permissions": Cannot bind query parameter/);
  });

  it("refuses a request without a bearer token", async () => {
    const response = await fetch(`${standIn.url}v3/projects/${PROJECT}:testIamPermissions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ permissions: [] }),
    });
    assert.equal(response.status, 401);
  });

  it("refuses a batchGet name outside its parent, a folder it holds nothing on, and an unknown route", async () => {
    const get = (url: string) => fetch(`${standIn.url}${url}`, { headers: { authorization: AUTH.authorization } });
    const foreign = await get(
      `v1/projects/${PROJECT}/services:batchGet?names=projects/other/services/run.googleapis.com`,
    );
    assert.equal(foreign.status, 400);
    assert.equal((await get(`v1/folders/1/services:batchGet`)).status, 403, "no grants on a folder");
    assert.equal((await get(`v9/projects/${PROJECT}:nothing`)).status, 404);
  });

  it("answers 403 for a project the caller holds nothing on, as Google does for a stranger's project", async () => {
    await assert.rejects(grantedPermissions(clientsFor(standIn), "someone-else", ["pubsub.topics.create"]), {
      status: 403,
    });
  });

  it("converts discovery schemas to JSON Schema: refs, arrays, enums, closed objects, any", () => {
    assert.deepEqual(
      toJsonSchema({
        type: "object",
        properties: {
          a: { $ref: "X" },
          b: { type: "array", items: { type: "string", format: "int64" } },
          c: { type: "string", enum: ["ON", "OFF"] },
          d: { type: "any" },
          e: { type: "object", additionalProperties: { type: "string" } },
        },
      }),
      {
        type: "object",
        properties: {
          a: { $ref: "#/definitions/X" },
          b: { type: "array", items: { type: "string" } },
          c: { type: "string", enum: ["ON", "OFF"] },
          d: {},
          e: { type: "object", properties: {}, additionalProperties: { type: "string" } },
        },
        additionalProperties: false,
      },
    );
  });
});
