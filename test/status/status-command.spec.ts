// `npm run status` end to end: the script run as the operator runs it, its stack read through the pulumi CLI
// stand-in, its status store on the Firestore emulator, HubSpot (api mode) on the webhooks stand-in.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import type { Firestore } from "@google-cloud/firestore";
import { bucketStart } from "../../contract/status-store";
import { createStatusFirestore, FirestoreStatusWriter } from "../../runtime/shared/status/firestore-writer";
import type { StatusWrite } from "../../runtime/shared/status/recorder";
import { createPulumiCliStandIn, sampleStackOutputs, type PulumiCliStandIn } from "../../testing/pulumi-cli-stand-in";
import { startFirestoreEmulatorOrSkip, type FirestoreEmulator } from "../../testing/firestore-emulator";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { APP_ID, DEVELOPER_API_KEY, startStandIn } from "../hubspot/support";
import { ConnectorsStandIn } from "../../testing/connectors-stand-in";
import { ACCESS_TOKEN_ENV } from "../../components/managed/connectors-api";
import { CONNECTORS_ROOT_URL_ENV } from "../../scripts/lib/status/managed";
import { runProcess, type Run } from "../support/run-process";

const PROJECT = "status-cli";
const ROOT = path.resolve(__dirname, "../..");
const NOW = Date.now();
const CONNECTION = `projects/${PROJECT}/locations/europe-west1/connections/hubspot-dev-1a2b3c4d`;
const CONNECTORS_TOKEN = "ya29.status-stand-in-token";
const TRIGGERS = [
  {
    name: "deals",
    eventTypes: ["deal.creation", "deal.propertyChange"],
    subscription: `projects/${PROJECT}/subscriptions/d`,
  },
  { name: "contacts", eventTypes: ["contact.creation"], subscription: `projects/${PROJECT}/subscriptions/c` },
];

function outputs(statusDatabase: string | undefined, registration?: Record<string, unknown>): Record<string, unknown> {
  return {
    ...sampleStackOutputs(PROJECT),
    triggers: TRIGGERS,
    ...(registration && { registration }),
    ...(statusDatabase !== undefined && { statusDatabase }),
  };
}

const write = (collection: string, id: string, counts: Record<string, number>, latest = {}, firstAt?: number) =>
  ({
    collection,
    id,
    counts,
    latest,
    bucket: bucketStart(NOW),
    ...(firstAt !== undefined && { firstAt }),
  }) satisfies StatusWrite;

describe("npm run status -- --stack S (end to end)", function () {
  this.timeout(60_000);
  let emulator: FirestoreEmulator | undefined;
  let pulumi: PulumiCliStandIn;
  let hubspot: { standIn: HubSpotWebhooksStandIn; baseUrl: string };
  const connectors = new ConnectorsStandIn();
  let connectorsUrl = "";
  const clients: Firestore[] = [];

  async function seed(database: string, writes: StatusWrite[]): Promise<void> {
    const db = createStatusFirestore({ projectId: PROJECT, databaseId: database, emulatorHost: emulator!.host });
    clients.push(db);
    await new FirestoreStatusWriter(db).write(writes, NOW);
  }

  function status(args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${pulumi.binDir}:${process.env.PATH ?? ""}`,
      FIRESTORE_EMULATOR_HOST: emulator!.host,
      HUBSPOT_DEVELOPER_API_KEY: DEVELOPER_API_KEY,
      HUBSPOT_API_BASE_URL: hubspot.baseUrl,
      [CONNECTORS_ROOT_URL_ENV]: connectorsUrl,
      [ACCESS_TOKEN_ENV]: CONNECTORS_TOKEN,
    };
    return runProcess(process.execPath, ["--import", "tsx", "scripts/status.ts", ...args], { cwd: ROOT, env });
  }

  before(async function () {
    emulator = await startFirestoreEmulatorOrSkip(this);
    hubspot = await startStandIn();
    connectorsUrl = await connectors.start();
    connectors.seedConnection(CONNECTION, {});
    // Subscriptions as the managed backend names them (components/naming.ts eventSubscriptionId); contacts' is missing.
    connectors.subscriptions.set(`${CONNECTION}/eventSubscriptions/deals-deal-creation`, {
      name: `${CONNECTION}/eventSubscriptions/deals-deal-creation`,
      eventTypeId: "deal.creation",
      status: { state: "ACTIVE" },
    });
    connectors.subscriptions.set(`${CONNECTION}/eventSubscriptions/deals-deal-propertychange`, {
      name: `${CONNECTION}/eventSubscriptions/deals-deal-propertychange`,
      eventTypeId: "deal.propertyChange",
      status: { state: "ERROR", description: "HubSpot refused the registration" },
    });
    const at = new Date(NOW).toISOString();
    hubspot.standIn.subscriptions.set("1", {
      id: "1",
      eventType: "deal.creation",
      active: true,
      createdAt: at,
      updatedAt: at,
    });
    hubspot.standIn.subscriptions.set("2", {
      id: "2",
      eventType: "deal.propertyChange",
      propertyName: "dealstage",
      active: false,
      createdAt: at,
      updatedAt: at,
    });
    pulumi = createPulumiCliStandIn({
      stacks: {
        dev: outputs("status-dev"),
        failing: outputs("status-failing"),
        old: outputs(undefined),
        managed: { ...outputs("status-dev"), connection: CONNECTION },
        api: outputs("status-dev", {
          mode: "api",
          status: "Active",
          statusMessage: "",
          appId: APP_ID,
          subscriptionIds: { "deal.creation": "1", "deal.propertyChange/dealstage": "2" },
        }),
      },
    });
    await seed("status-dev", [
      write(
        "deliveries",
        "deal.creation~62515",
        { verified: 5 },
        { eventType: "deal.creation", portalId: "62515", lastVerifiedAt: NOW - 60_000 },
        NOW - 3_600_000,
      ),
      write("dispatches", "deals~62515", { executed: 5, deadLettered: 1 }, { trigger: "deals", portalId: "62515" }),
      write("intake", "listener", { verifiedRequests: 5 }),
    ]);
    await seed("status-failing", [
      write(
        "deliveries",
        "deal.creation~62515",
        { verified: 2 },
        { eventType: "deal.creation", portalId: "62515", lastVerifiedAt: NOW - 60_000 },
        NOW - 3_600_000,
      ),
      write(
        "dispatches",
        "deals~62515",
        { executed: 1, failed: 4 },
        { trigger: "deals", portalId: "62515", lastFailedAt: NOW - 30_000, lastError: "http-500: integration failed" },
      ),
    ]);
  });
  after(async () => {
    for (const db of clients) await db.terminate();
    await hubspot?.standIn.stop();
    await connectors.stop();
    pulumi?.cleanup();
    await emulator?.stop();
  });

  it("prints one line per trigger and exits 0 when none is in Error", async () => {
    const run = await status(["--stack", "dev"]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0], /^stack dev · status database status-dev · registration manual · read /);
    assert.match(lines[1], /^TRIGGER\s+STATE\s+SINCE\s+LAST VERIFIED\s+DEAD LETTERS\s+LAST ERROR \/ WHY$/);
    assert.equal(lines.length, 4, "a header, the column names, one line per trigger");
    const deals = lines[2].split(/\s{2,}/);
    assert.deepEqual(deals, [
      "deals",
      "Active",
      new Date(NOW - 3_600_000).toISOString(),
      new Date(NOW - 60_000).toISOString(),
      "1",
      "-",
    ]);
    assert.match(lines[3], /^contacts\s+Creating\s+-\s+-\s+0\s+no verified HubSpot delivery of contact.creation yet$/);
    assert.deepEqual(pulumi.invocations().at(-1)?.args, ["stack", "output", "--json", "--stack", "dev"]);
  });

  it("exits 1 when a trigger is in Error, and --json carries the same for machines", async () => {
    const run = await status(["--stack", "failing", "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { triggers: { name: string; state: string; lastError?: string }[] };
    const deals = report.triggers.find((t) => t.name === "deals");
    assert.equal(deals?.state, "Error");
    assert.equal(deals?.lastError, "dispatch: http-500: integration failed");
    const text = await status(["--stack", "failing"]);
    assert.equal(text.code, 1);
    assert.match(
      text.stdout,
      /deals\s+Error\s.*dispatches keep failing: 4 of 5 executions.*last error: dispatch: http-500/,
    );
  });

  it("in api mode compares HubSpot's subscriptions with the stack: a paused one is an Error", async () => {
    const run = await status(["--stack", "api", "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as {
      hubspot: { checked: boolean };
      triggers: { name: string; state: string; reasons: string[] }[];
    };
    assert.equal(report.hubspot.checked, true);
    assert.deepEqual(report.triggers.find((t) => t.name === "deals")?.reasons, [
      "HubSpot: deal.propertyChange subscription 2 (dealstage) is paused in HubSpot",
    ]);
    assert.equal(report.triggers.find((t) => t.name === "contacts")?.state, "Creating");
  });

  it("backend managed: reads each trigger's connector event subscriptions live; one in ERROR is an Error", async () => {
    const run = await status(["--stack", "managed", "--json"]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { triggers: { name: string; state: string; reasons: string[] }[] };
    assert.deepEqual(
      report.triggers.map((t) => [t.name, t.state, t.reasons]),
      [
        ["deals", "Error", ["event subscription deal.propertyChange is ERROR: HubSpot refused the registration"]],
        [
          "contacts",
          "Error",
          ["event subscription contact.creation is ERROR: not found on the connection: run `pulumi up`"],
        ],
      ],
    );
    const list = connectors.requestsOf("connectors.projects.locations.connections.eventSubscriptions.list");
    assert.equal(list.length, 1);
    assert.deepEqual(connectors.rejections, [], "the list request is valid for Connectors v1");
    assert.ok(!run.stdout.includes(CONNECTORS_TOKEN) && !run.stderr.includes(CONNECTORS_TOKEN));
  });

  it("exits 2 with one line when it cannot tell: a stack without the store, an unknown stack, a usage mistake", async () => {
    const old = await status(["--stack", "old"]);
    assert.equal(old.code, 2);
    assert.match(
      old.stderr,
      /^status: stack "old" has no statusDatabase output: it predates the status store; run `pulumi up`\n$/,
    );
    const unknown = await status(["--stack", "nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no such stack/);
    const usage = await status([]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--stack is required/);
    assert.equal(old.stdout + unknown.stdout + usage.stdout, "");
  });
});
