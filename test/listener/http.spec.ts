import assert from "node:assert/strict";
import { batchJson, sampleEvents } from "../../testing/sample-events";
import { signV1, signV3 } from "../../runtime/listener/signature/sign";
import {
  postSigned,
  PREVIOUS_SECRET,
  PUBLIC_URL,
  RecordingSink,
  SECRET,
  startTestListener,
  type TestListener,
} from "./support/fixtures";
import { deferred, Gate } from "../support/wait-for";

describe("listener HTTP", () => {
  let sink: RecordingSink;
  let server: TestListener;

  beforeEach(async () => {
    sink = new RecordingSink();
    server = await startTestListener({ HUBSPOT_CLIENT_SECRET_PREVIOUS: PREVIOUS_SECRET, MAX_BODY_BYTES: "4096" }, sink);
  });
  afterEach(async () => {
    await server?.listener.close();
  });

  const batch = (count = 3) => batchJson(sampleEvents("deal.propertyChange", count));

  function assertNothingPublished(): void {
    assert.equal(sink.published.length, 0);
    assert.equal(sink.deadLetters.length, 0);
  }

  describe("bad input gets its documented status and publishes nothing", () => {
    it("404 for other paths, 405 for other methods on the webhook path", async () => {
      assert.equal((await fetch(server.url.replace("/webhooks/hubspot", "/other"), { method: "POST" })).status, 404);
      const get = await fetch(server.url);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get("allow"), "POST");
      assertNothingPublished();
    });

    it("415 when Content-Type is not JSON", async () => {
      const response = await postSigned(server.url, batch(), { headers: { "content-type": "text/plain" } });
      assert.equal(response.status, 415);
      assertNothingPublished();
    });

    it("401 without signature headers, with a wrong signature, a stale or a future timestamp; the body says nothing", async () => {
      const body = batch();
      const unsigned = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const wrongSecret = await postSigned(server.url, body, { secret: "not-the-secret-at-all" });
      const stale = await postSigned(server.url, body, { timestamp: Date.now() - 6 * 60_000 });
      const future = await postSigned(server.url, body, { timestamp: Date.now() + 6 * 60_000 });
      const wrongUrl = await postSigned(server.url, body, { signedUri: server.url });
      for (const response of [unsigned, wrongSecret, stale, future, wrongUrl]) {
        assert.equal(response.status, 401);
        assert.equal(await response.text(), "");
      }
      const reasons = server.logs
        .filter((entry) => entry.message === "rejected: signature")
        .map((entry) => entry.reason);
      assert.deepEqual(reasons, [
        "missing-signature",
        "signature-mismatch",
        "timestamp-too-old",
        "timestamp-in-future",
        "signature-mismatch",
      ]);
      assertNothingPublished();
    });

    it("413 beyond MAX_BODY_BYTES, even when signed", async () => {
      const body = batch(40);
      assert.ok(Buffer.byteLength(body) > 4096);
      const response = await postSigned(server.url, body);
      assert.equal(response.status, 413);
      assertNothingPublished();
    });

    it("400 for a signed body that is not a JSON array, saying why, after keeping it whole as a dead letter", async () => {
      const object = await postSigned(server.url, '{"eventId":1}');
      assert.equal(object.status, 400);
      assert.match(((await object.json()) as { error: string }).error, /the rule is a JSON array of events/);
      assert.equal(sink.published.length, 0);
      assert.deepEqual(
        sink.deadLetters.map((letter) => [letter.reason, letter.data.toString()]),
        [["invalid-event", '{"eventId":1}']],
      );
    });

    it("204 for an array cut off mid-event: the cut-off element is dead-lettered with its bytes, never a 4xx", async () => {
      const cut = await postSigned(server.url, '[{"eventId":1');
      assert.equal(cut.status, 204);
      assert.equal(sink.published.length, 0);
      assert.deepEqual(
        sink.deadLetters.map((letter) => [letter.reason, letter.data.toString()]),
        [["invalid-event", '{"eventId":1']],
      );
      assert.match(sink.deadLetters[0].reasonDetail, /is not valid JSON/);
    });
  });

  describe("accepted batches", () => {
    it("204 after publishing one payload per event, int64 ids intact", async () => {
      const body =
        '[{"eventId":18446744073709551,"subscriptionId":2461227,"portalId":62515,"appId":1234567,"occurredAt":1764300000000,"subscriptionType":"deal.creation","attemptNumber":0,"objectId":9007199254740993,"changeFlag":"CREATED","changeSource":"CRM"}]';
      const response = await postSigned(server.url, body);
      assert.equal(response.status, 204);
      assert.equal(sink.published.length, 1);
      assert.equal(sink.published[0].objectId, "9007199254740993");
      assert.equal(sink.published[0].eventId, "18446744073709551");
      assert.equal(sink.published[0].raw.objectId, "9007199254740993");
      assert.equal(sink.published[0].eventType, "deal.creation");
    });

    it("accepts the previous client secret during a rotation", async () => {
      assert.equal((await postSigned(server.url, batch(), { secret: PREVIOUS_SECRET })).status, 204);
      assert.equal(sink.published.length, 3);
    });

    it("publishes a replayed batch once within the window (HubSpot's retry answered 204)", async () => {
      const body = batch(5);
      assert.equal((await postSigned(server.url, body)).status, 204);
      assert.equal((await postSigned(server.url, body)).status, 204);
      assert.equal(sink.published.length, 5);
      assert.equal(server.logs.find((entry) => entry.message === "accepted" && entry.replays === 5)?.published, 0);
    });

    it("answers 503 with Retry-After when a publish fails, and does not remember the batch", async () => {
      const body = batch(2);
      sink.failing = true;
      const failed = await postSigned(server.url, body);
      assert.equal(failed.status, 503);
      assert.equal(failed.headers.get("retry-after"), "5");
      sink.failing = false;
      assert.equal((await postSigned(server.url, body)).status, 204);
      assert.equal(sink.published.length, 2);
    });

    it("sends signed but malformed events to the dead letters with a reason, publishes the rest", async () => {
      const [good] = sampleEvents("contact.creation", 1, { bigIds: false });
      const body = `[${batchJson([good]).slice(1, -1)},{"subscriptionType":"contact.creation","objectId":"abc"},{"subscriptionType":"ticket.creation","objectId":1}]`;
      const response = await postSigned(server.url, body);
      assert.equal(response.status, 204);
      assert.equal(sink.published.length, 1);
      assert.deepEqual(
        sink.deadLetters.map((letter) => letter.reason),
        ["invalid-event", "unsupported-event-type"],
      );
      assert.match(sink.deadLetters[0].reasonDetail, /objectId is "abc"; the rule is an integer/);
      assert.deepEqual(JSON.parse(sink.deadLetters[0].data.toString()), {
        subscriptionType: "contact.creation",
        objectId: "abc",
      });
    });

    it("answers 503 when only the dead letter fails, and does not republish the acknowledged events on retry", async () => {
      const [good] = sampleEvents("deal.creation", 1, { bigIds: false });
      const body = `[${batchJson([good]).slice(1, -1)},{"subscriptionType":"deal.creation"}]`;
      sink.failingDeadLetters = true;
      assert.equal((await postSigned(server.url, body)).status, 503);
      assert.equal(sink.published.length, 1);
      sink.failingDeadLetters = false;
      assert.equal((await postSigned(server.url, body)).status, 204);
      assert.equal(sink.published.length, 1);
      assert.equal(sink.deadLetters.length, 1);
    });

    it("accepts an empty batch without publishing", async () => {
      assert.equal((await postSigned(server.url, "[]")).status, 204);
      assertNothingPublished();
    });

    it("never writes the client secret or the signature to the logs", async () => {
      await postSigned(server.url, batch());
      await postSigned(server.url, batch(), { secret: "not-the-secret-at-all" });
      const text = JSON.stringify(server.logs);
      assert.doesNotMatch(text, new RegExp(SECRET));
      assert.doesNotMatch(text, new RegExp(PREVIOUS_SECRET));
    });
  });

  describe("configuration variants", () => {
    it("without PUBLIC_URL, verifies against https + Host + path and query", async () => {
      const bare = await startTestListener({ PUBLIC_URL: "" }, sink);
      try {
        const body = batch(1);
        const host = new URL(bare.url).host;
        const ok = await postSigned(`${bare.url}?tenant=acme`, body, {
          signedUri: `https://${host}/webhooks/hubspot?tenant=acme`,
        });
        assert.equal(ok.status, 204);
        const http = await postSigned(bare.url, body, { signedUri: bare.url });
        assert.equal(http.status, 401);
      } finally {
        await bare.listener.close();
      }
    });

    it("accepts v1 only with ALLOW_LEGACY_SIGNATURES=true", async () => {
      const body = batch(1);
      const headers = {
        "content-type": "application/json",
        "x-hubspot-signature": signV1({ secret: SECRET, body }),
        "x-hubspot-signature-version": "v1",
      };
      assert.equal((await fetch(server.url, { method: "POST", headers, body })).status, 401);
      assert.equal(server.logs.at(-1)?.reason, "legacy-signature-disabled");
      const legacy = await startTestListener({ ALLOW_LEGACY_SIGNATURES: "true" }, sink);
      try {
        assert.equal((await fetch(legacy.url, { method: "POST", headers, body })).status, 204);
      } finally {
        await legacy.listener.close();
      }
    });

    it("uses the injected clock for the skew window", async () => {
      const past = Date.now() - 3_600_000;
      const skewed = await startTestListener({}, sink, () => past);
      try {
        assert.equal((await postSigned(skewed.url, batch(1), { timestamp: past })).status, 204);
        assert.equal((await postSigned(skewed.url, batch(1), { timestamp: Date.now() })).status, 401);
      } finally {
        await skewed.listener.close();
      }
    });
  });

  describe("health and shutdown", () => {
    it("/healthz is alive; /readyz reflects the sink and the shutdown", async () => {
      const base = server.url.replace("/webhooks/hubspot", "");
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: "ready", secretLoaded: true, sink: "recording" });
      sink.failing = true;
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      sink.failing = false;
      server.listener.handler.beginShutdown();
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
    });

    it("close() finishes in-flight requests, then closes the sink", async () => {
      const gate = new Gate();
      const publishing = deferred();
      const publish = sink.publish.bind(sink);
      sink.publish = async (payloads) => {
        publishing.resolve();
        await gate.passed();
        return publish(payloads);
      };
      const inFlight = postSigned(server.url, batch(2));
      await publishing.promise; // the request is in flight: its publish waits for the gate
      const closed = server.listener.close();
      // The listening socket closes at once; the sink must stay open while the request is in flight.
      assert.equal(server.listener.server.listening, false);
      assert.equal(sink.closed, false);
      gate.open();
      assert.equal((await inFlight).status, 204);
      await closed;
      assert.equal(sink.closed, true);
      assert.equal(sink.published.length, 2);
    });
  });

  it("signs and verifies the same bytes the client sent (signature over raw body, not re-serialized JSON)", async () => {
    const body =
      '[ {"eventId": 1, "subscriptionId": 2, "portalId": 3, "appId": 4, "occurredAt": 1764300000000, "subscriptionType": "contact.deletion", "attemptNumber": 0, "objectId": 5} ]';
    const timestamp = String(Date.now());
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "x-hubspot-signature-v3": signV3({ secret: SECRET, method: "POST", uri: PUBLIC_URL, body, timestamp }),
        "x-hubspot-request-timestamp": timestamp,
      },
      body,
    });
    assert.equal(response.status, 204);
    assert.equal(sink.published[0].eventType, "contact.deletion");
  });
});
