import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { checked, connection, LISTENER_URL, settingsProvider as provider, startStandIn } from "./support";

type Outs = Record<string, unknown>;
const SIX_MINUTES_AGO = (): Date => new Date(Date.now() - 6 * 60 * 1000);

describe("hubspot WebhookSettings provider (against the stand-in)", () => {
  let standIn: HubSpotWebhooksStandIn;
  let baseUrl: string;
  let readyz: Server;
  let readyzStatus = 200;
  let readyzUrl: string;

  before(async () => {
    ({ standIn, baseUrl } = await startStandIn());
    readyz = createServer((_req, res) => res.writeHead(readyzStatus).end());
    await new Promise<void>((resolve) => readyz.listen(0, "127.0.0.1", resolve));
    readyzUrl = `http://127.0.0.1:${(readyz.address() as AddressInfo).port}/readyz`;
  });
  after(async () => {
    await standIn.stop();
    await new Promise((resolve) => readyz.close(resolve));
  });
  beforeEach(() => {
    standIn.reset();
    readyzStatus = 200;
  });
  afterEach(() => {
    assert.deepEqual(standIn.responseViolations, []);
    assert.deepEqual(standIn.requestRejections, []);
  });

  const declare = (overrides: Outs = {}): Promise<Outs> =>
    checked(provider, { ...connection(baseUrl), targetUrl: LISTENER_URL, maxConcurrentRequests: 10, ...overrides });

  describe("check", () => {
    const cases: [string, Outs, string, RegExp][] = [
      [
        "an http target URL",
        { targetUrl: "http://listener.example.com/webhooks/hubspot" },
        "targetUrl",
        /uses http: HubSpot delivers webhooks only to https URLs/,
      ],
      ["a relative target URL", { targetUrl: "/webhooks/hubspot" }, "targetUrl", /not an absolute URL/],
      [
        "credentials in the target URL",
        { targetUrl: "https://u:p@listener.example.com/x" },
        "targetUrl",
        /must not embed user:password/,
      ],
      [
        "maxConcurrentRequests below 5",
        { maxConcurrentRequests: 4 },
        "maxConcurrentRequests",
        /requires an integer >= 5/,
      ],
      [
        "a fractional maxConcurrentRequests",
        { maxConcurrentRequests: 7.5 },
        "maxConcurrentRequests",
        /requires an integer >= 5/,
      ],
    ];
    for (const [title, overrides, property, reason] of cases) {
      it(`rejects ${title}, naming ${property}`, async () => {
        const result = await provider.check(
          {},
          { ...connection(baseUrl), targetUrl: LISTENER_URL, maxConcurrentRequests: 10, ...overrides },
        );
        const failure = result.failures?.find((f) => f.property === property);
        assert.ok(failure, JSON.stringify(result.failures));
        assert.match(failure.reason, reason);
      });
    }
    it("accepts the minimum of 5", async () => {
      assert.deepEqual(
        (await provider.check({}, { ...connection(baseUrl), targetUrl: LISTENER_URL, maxConcurrentRequests: 5 }))
          .failures,
        [],
      );
    });
  });

  describe("diff", () => {
    const olds = {
      ...connection("http://x"),
      targetUrl: LISTENER_URL,
      maxConcurrentRequests: 10,
      status: "Active",
      statusMessage: "m",
    };
    const news = { ...connection("http://x"), targetUrl: LISTENER_URL, maxConcurrentRequests: 10 };
    it("no change when the declaration matches the state", async () => {
      assert.equal((await provider.diff("a", olds, news)).changes, false);
    });
    it("updates in place on a new URL or throttling", async () => {
      assert.deepEqual(await provider.diff("a", olds, { ...news, targetUrl: "https://other.example.com/h" }), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      assert.deepEqual((await provider.diff("a", olds, { ...news, maxConcurrentRequests: 20 })).replaces, []);
    });
    it("replaces on another app", async () => {
      assert.deepEqual((await provider.diff("a", olds, { ...news, appId: "99" })).replaces, ["appId"]);
    });
  });

  describe("create", () => {
    it("writes the settings once and reports Creating while HubSpot propagates them", async () => {
      const { id, outs } = await provider.create(await declare());
      assert.equal(id, "424242/settings");
      assert.equal(standIn.settings?.targetUrl, LISTENER_URL);
      assert.equal(standIn.settings?.maxConcurrentRequests, 10);
      assert.deepEqual(Object.fromEntries(standIn.calls), { "GET /settings": 1, "PUT /settings": 1 });
      assert.equal(outs.status, "Creating");
      assert.match(String(outs.statusMessage), /within 5 minutes/);
    });

    it("adopts identical settings without writing, and is Active when they are older than 5 minutes and /readyz answers", async () => {
      standIn.now = SIX_MINUTES_AGO;
      standIn.settings = {
        targetUrl: LISTENER_URL,
        maxConcurrentRequests: 10,
        createdAt: SIX_MINUTES_AGO().toISOString(),
        updatedAt: SIX_MINUTES_AGO().toISOString(),
      };
      const { outs } = await provider.create(await declare({ readyzUrl }));
      assert.equal(standIn.writes(), 0);
      assert.equal(outs.status, "Active");
    });

    it("overwrites settings that point elsewhere (one target URL per app)", async () => {
      standIn.settings = {
        targetUrl: "https://old.example.com/h",
        maxConcurrentRequests: 10,
        createdAt: "2020-01-01T00:00:00Z",
        updatedAt: "2020-01-01T00:00:00Z",
      };
      await provider.create(await declare());
      assert.equal(standIn.settings?.targetUrl, LISTENER_URL);
      assert.equal(standIn.count("PUT /settings"), 1);
    });

    it("reports Creating when the listener's /readyz is not ready yet", async () => {
      readyzStatus = 503;
      standIn.settings = {
        targetUrl: LISTENER_URL,
        maxConcurrentRequests: 10,
        createdAt: "2020-01-01T00:00:00Z",
        updatedAt: "2020-01-01T00:00:00Z",
      };
      const { outs } = await provider.create(await declare({ readyzUrl }));
      assert.equal(outs.status, "Creating");
      assert.match(String(outs.statusMessage), /not ready: .* answered HTTP 503/);
    });

    it("stays Active but says so when /readyz is unreachable from where pulumi runs", async () => {
      standIn.settings = {
        targetUrl: LISTENER_URL,
        maxConcurrentRequests: 10,
        createdAt: "2020-01-01T00:00:00Z",
        updatedAt: "2020-01-01T00:00:00Z",
      };
      const { outs } = await provider.create(await declare({ readyzUrl: "http://127.0.0.1:9/readyz" }));
      assert.equal(outs.status, "Active");
      assert.match(String(outs.statusMessage), /unreachable from here .*not checked/);
    });
  });

  describe("read", () => {
    it("reports a target URL changed in HubSpot's UI as drift and Error", async () => {
      const { id, outs } = await provider.create(await declare());
      (standIn.settings as { targetUrl: string }).targetUrl = "https://someone-else.example.com/hook";
      const read = await provider.read(id, outs);
      assert.equal(read.props?.targetUrl, "https://someone-else.example.com/hook");
      assert.equal(read.props?.status, "Error");
      assert.match(String(read.props?.statusMessage), /not to the listener/);
      // The next `up` sees the drift as a change and puts the listener back.
      assert.equal((await provider.diff(id, read.props, await declare())).changes, true);
    });

    it("reports throttling changed in the UI as drift", async () => {
      const { id, outs } = await provider.create(await declare());
      (standIn.settings as { maxConcurrentRequests: number }).maxConcurrentRequests = 50;
      assert.equal((await provider.read(id, outs)).props?.maxConcurrentRequests, 50);
    });

    it("reports deleted settings as gone", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.settings = undefined;
      assert.equal((await provider.read(id, outs)).id, "");
    });
  });

  describe("update", () => {
    it("puts the new throttling with exactly one write", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.resetCalls();
      await provider.update(id, outs, await declare({ maxConcurrentRequests: 25 }));
      assert.equal(standIn.settings?.maxConcurrentRequests, 25);
      assert.deepEqual(Object.fromEntries(standIn.calls), { "PUT /settings": 1 });
    });

    it("writes nothing when only the readyz URL or the retain flag changes", async () => {
      const { id, outs } = await provider.create(await declare());
      standIn.resetCalls();
      await provider.update(id, outs, await declare({ readyzUrl, retainOnDelete: true }));
      assert.equal(standIn.writes(), 0);
    });
  });

  describe("delete", () => {
    it("deletes the settings when they still point at the listener", async () => {
      const { id, outs } = await provider.create(await declare());
      await provider.delete(id, outs);
      assert.equal(standIn.settings, undefined);
    });

    it("leaves settings that now point elsewhere", async () => {
      const { id, outs } = await provider.create(await declare());
      (standIn.settings as { targetUrl: string }).targetUrl = "https://successor.example.com/hook";
      await provider.delete(id, outs);
      assert.equal(standIn.settings?.targetUrl, "https://successor.example.com/hook");
      assert.equal(standIn.count("DELETE /settings"), 0);
    });

    it("retains the settings when retainOnDelete (zero calls)", async () => {
      const { id, outs } = await provider.create(await declare({ retainOnDelete: true }));
      standIn.resetCalls();
      await provider.delete(id, outs);
      assert.equal(standIn.settings?.targetUrl, LISTENER_URL);
      assert.equal(standIn.calls.size, 0);
    });
  });
});
