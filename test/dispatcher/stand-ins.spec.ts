import assert from "node:assert/strict";
import { classifyStatus } from "../../runtime/dispatcher/integration-client";
import { HubSpotCrmStandIn } from "../fixtures/hubspot-crm";
import { IntegrationStandIn, executeBodyProblem } from "../../testing/integration-stand-in";

const EXECUTE = "/v1/projects/p/locations/europe-west1/integrations/demo:execute";
const VALID_BODY = { triggerId: "api_trigger/demo", inputParameters: { ConnectorEventPayload: { jsonValue: "{}" } } };

function execute(url: string, body: unknown, authorization = "Bearer t"): Promise<Response> {
  return fetch(url + EXECUTE, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("status classification", () => {
  const table: Array<[number, string]> = [
    [200, "success"],
    [204, "success"],
    [400, "permanent"],
    [403, "permanent"],
    [404, "permanent"],
    [413, "permanent"],
    [401, "transient"],
    [408, "transient"],
    [409, "transient"],
    [429, "transient"],
    [500, "transient"],
    [503, "transient"],
  ];
  for (const [status, kind] of table) it(`${status} is ${kind}`, () => assert.equal(classifyStatus(status), kind));
});

describe("Application Integration stand-in", () => {
  let standIn: IntegrationStandIn;
  afterEach(() => standIn.close());

  it("answers 429 RESOURCE_EXHAUSTED beyond its capacity, as Google's quota does", async () => {
    standIn = await IntegrationStandIn.start({ capacity: 1, latencyMs: 200 });
    const [first, second] = await Promise.all([execute(standIn.url, VALID_BODY), execute(standIn.url, VALID_BODY)]);
    assert.deepEqual([first.status, second.status].sort(), [200, 429]);
    const refused = first.status === 429 ? first : second;
    assert.deepEqual(((await refused.json()) as { error: { status: string } }).error.status, "RESOURCE_EXHAUSTED");
    assert.equal(standIn.peakConcurrency, 1);
  });

  it("answers its status sequence in order, then repeats the last", async () => {
    standIn = await IntegrationStandIn.start({ statuses: [503, 500, 200] });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await execute(standIn.url, VALID_BODY)).status);
    assert.deepEqual(statuses, [503, 500, 200, 200]);
  });

  it("refuses what Google refuses: no bearer token, an object as jsonValue, an unknown path", async () => {
    standIn = await IntegrationStandIn.start();
    assert.equal((await execute(standIn.url, VALID_BODY, "")).status, 401);
    const objectJson = { triggerId: "api_trigger/demo", inputParameters: { ConnectorEventPayload: { jsonValue: {} } } };
    assert.equal((await execute(standIn.url, objectJson)).status, 400);
    assert.equal((await fetch(standIn.url + "/v1/projects/p/integrations:execute", { method: "POST" })).status, 404);
    assert.equal(standIn.count, 0);
    assert.equal(executeBodyProblem({ inputParameters: {} }), "triggerId is required");
  });
});

describe("HubSpot CRM stand-in", () => {
  let crm: HubSpotCrmStandIn;
  before(async () => {
    crm = await HubSpotCrmStandIn.start({ accessToken: "pat-1" });
  });
  after(() => crm.close());

  it("answers 400 VALIDATION_ERROR to a request the published spec forbids", async () => {
    // propertiesWithHistory is required by BatchReadInputSimplePublicObjectId.
    const response = await fetch(`${crm.url}/crm/v3/objects/contacts/batch/read`, {
      method: "POST",
      headers: { authorization: "Bearer pat-1", "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ id: "1" }], properties: [] }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { category: string }).category, "VALIDATION_ERROR");
  });

  it("checks its answers against the published response schema", () => {
    const op = "post-/crm/v3/objects/contacts/batch/read";
    const now = new Date().toISOString();
    assert.equal(
      crm.validateResponse({ status: "COMPLETE", results: [], startedAt: now, completedAt: now }, op, 200),
      true,
    );
    assert.equal(
      crm.validateResponse({ status: "DONE", results: [], startedAt: now, completedAt: now }, op, 200),
      false,
    );
    assert.equal(
      crm.validateResponse({ status: "COMPLETE", results: [{ id: "1" }], startedAt: now, completedAt: now }, op, 200),
      false,
    );
  });
});
