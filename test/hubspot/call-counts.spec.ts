import assert from "node:assert/strict";
import { subscriptionSuffix } from "../../components/hubspot/registration";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import {
  checked,
  connection,
  LISTENER_URL,
  settingsProvider,
  SIX_SUBSCRIPTIONS,
  startStandIn,
  subscriptionProvider,
  type Provider,
} from "./support";

/*
 * HubSpot API calls per operation of a whole registration (settings + six subscriptions), driven the way the Pulumi
 * engine drives the providers: check then diff per resource, create/update/delete concurrently, dependents after
 * the settings. The table printed here is the one in the README ("HubSpot API calls per operation").
 */

type Props = Record<string, unknown>;
interface Declared {
  provider: Provider;
  inputs: Props;
}
interface Stored {
  provider: Provider;
  id: string;
  outs: Props;
}
type State = Map<string, Stored>;

async function up(declared: Map<string, Declared>, state: State): Promise<void> {
  const apply = async (name: string, want: Declared): Promise<void> => {
    const inputs = await checked(want.provider, want.inputs);
    const have = state.get(name);
    if (!have) {
      const { id, outs } = await want.provider.create(inputs);
      state.set(name, { provider: want.provider, id, outs: outs as Props });
      return;
    }
    const diff = await want.provider.diff(have.id, have.outs, inputs);
    if ((diff.replaces ?? []).length > 0) {
      const { id, outs } = await want.provider.create(inputs);
      await have.provider.delete(have.id, have.outs);
      state.set(name, { provider: want.provider, id, outs: outs as Props });
    } else if (diff.changes) {
      const { outs } = await want.provider.update(have.id, have.outs, inputs);
      state.set(name, { ...have, outs: outs as Props });
    }
  };
  const remove = async ([name, have]: [string, Stored]): Promise<void> => {
    await have.provider.delete(have.id, have.outs);
    state.delete(name);
  };
  const settings = declared.get("settings");
  if (settings) await apply("settings", settings);
  await Promise.all(
    [...declared.entries()].filter(([name]) => name !== "settings").map(([name, want]) => apply(name, want)),
  );
  // Dependents first, as the engine deletes them: subscriptions, then the settings.
  const obsolete = [...state.entries()].filter(([name]) => !declared.has(name));
  await Promise.all(obsolete.filter(([name]) => name !== "settings").map(remove));
  await Promise.all(obsolete.filter(([name]) => name === "settings").map(remove));
}

async function refresh(state: State): Promise<void> {
  await Promise.all(
    [...state.entries()].map(async ([name, have]) => {
      const read = await have.provider.read(have.id, have.outs);
      if (read.id) state.set(name, { ...have, outs: read.props as Props });
      else state.delete(name);
    }),
  );
}

describe("hubspot registration: HubSpot API calls per operation", () => {
  let standIn: HubSpotWebhooksStandIn;
  let baseUrl: string;
  const measured: { operation: string; reads: number; writes: number; detail: string }[] = [];

  before(async () => ({ standIn, baseUrl } = await startStandIn()));
  after(async () => {
    await standIn.stop();
    console.log("\n| Operation (settings + 6 subscriptions) | Read calls | Write calls | Calls |");
    console.log("|---|---|---|---|");
    for (const m of measured) console.log(`| ${m.operation} | ${m.reads} | ${m.writes} | ${m.detail} |`);
  });
  beforeEach(() => standIn.reset());
  afterEach(() => {
    assert.deepEqual(standIn.responseViolations, []);
    assert.deepEqual(standIn.requestRejections, []);
  });

  function declaration(
    subscriptions: { eventType: string; propertyName?: string }[],
    overrides: Props = {},
  ): Map<string, Declared> {
    const declared = new Map<string, Declared>();
    declared.set("settings", {
      provider: settingsProvider,
      inputs: { ...connection(baseUrl), targetUrl: LISTENER_URL, maxConcurrentRequests: 10 },
    });
    for (const spec of subscriptions) {
      declared.set(subscriptionSuffix(spec), {
        provider: subscriptionProvider,
        inputs: { ...connection(baseUrl), ...spec, ...overrides },
      });
    }
    return declared;
  }

  function record(operation: string): { reads: number; writes: number } {
    const detail = [...standIn.calls.entries()].map(([k, n]) => `${n} x ${k}`).join(", ") || "none";
    const counts = { reads: standIn.reads(), writes: standIn.writes() };
    measured.push({ operation, ...counts, detail });
    return counts;
  }

  async function createdState(): Promise<State> {
    const state: State = new Map();
    await up(declaration(SIX_SUBSCRIPTIONS), state);
    standIn.resetCalls();
    return state;
  }

  it("create: one settings PUT and six POSTs, the listing shared by the concurrent creates", async () => {
    const state: State = new Map();
    await up(declaration(SIX_SUBSCRIPTIONS), state);
    assert.deepEqual(record("create"), { reads: 2, writes: 7 });
    assert.equal(standIn.count("GET /subscriptions"), 1);
    assert.equal(standIn.subscriptions.size, 6);
    assert.ok([...standIn.subscriptions.values()].every((s) => s.active));
  });

  it("no-op up: zero calls", async () => {
    const state = await createdState();
    await up(declaration(SIX_SUBSCRIPTIONS), state);
    assert.deepEqual(record("no-op `pulumi up`"), { reads: 0, writes: 0 });
  });

  it("changing one of six subscriptions: exactly one create and one delete", async () => {
    const state = await createdState();
    const changed = SIX_SUBSCRIPTIONS.map((s) => (s.propertyName === "email" ? { ...s, propertyName: "phone" } : s));
    await up(declaration(changed), state);
    assert.deepEqual(record("one subscription changed (property email -> phone)"), { reads: 1, writes: 2 });
    assert.equal(standIn.count("POST /subscriptions"), 1);
    assert.equal(standIn.count("DELETE /subscriptions/{id}"), 1);
    assert.deepEqual(
      [...standIn.subscriptions.values()]
        .filter((s) => s.eventType === "contact.propertyChange")
        .map((s) => s.propertyName),
      ["phone"],
    );
  });

  it("pausing all six: one batch/update", async () => {
    const state = await createdState();
    await up(declaration(SIX_SUBSCRIPTIONS, { active: false }), state);
    assert.deepEqual(record("pause all six (active: false)"), { reads: 0, writes: 1 });
    assert.equal(standIn.count("POST /subscriptions/batch/update"), 1);
    assert.ok([...standIn.subscriptions.values()].every((s) => !s.active));
  });

  it("refresh: one GET per resource, no writes", async () => {
    const state = await createdState();
    await refresh(state);
    assert.deepEqual(record("refresh"), { reads: 7, writes: 0 });
    assert.equal(state.size, 7);
  });

  it("destroy: six subscription DELETEs, then the settings (checked first: still ours)", async () => {
    const state = await createdState();
    const foreign = standIn.seedSubscription({ eventType: "ticket.creation" });
    await up(new Map(), state);
    assert.deepEqual(record("destroy"), { reads: 1, writes: 7 });
    assert.deepEqual([...standIn.subscriptions.keys()], [foreign.id], "the app's other subscription survives");
  });

  it("a 429 storm converges: every resource created once, nothing duplicated", async () => {
    standIn.inject({
      status: 429,
      count: 4,
      headers: {
        "Retry-After": "1",
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "1000",
      },
    });
    standIn.inject({ status: 502, count: 2, endpoint: "POST /subscriptions" });
    const state: State = new Map();
    await up(declaration(SIX_SUBSCRIPTIONS), state);
    assert.equal(standIn.subscriptions.size, 6);
    assert.equal(standIn.settings?.targetUrl, LISTENER_URL);
    assert.equal(state.size, 7);
    const { writes } = record("create during a 429/502 storm (4 x 429, 2 x 502 injected)");
    assert.equal(standIn.faultsServed.length, 6, "every injected fault was served");
    const rejectedWrites = standIn.faultsServed.filter((f) => !f.key.startsWith("GET ")).length;
    assert.equal(
      writes - rejectedWrites,
      7,
      "the same 7 writes as a calm create, plus only the retries of rejected ones",
    );
  });
});
