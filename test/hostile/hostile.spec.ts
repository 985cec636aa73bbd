/**
 * Runs the hostile corpus (corpus.ts) against one real listener on 127.0.0.1, one test per entry, then checks that
 * memory stayed bounded over the whole run.
 *
 * Timeouts: the listener's server ends slow clients with headersTimeout 10 s / requestTimeout 30 s, checked by Node
 * every 30 s (connectionsCheckingInterval), far too slow for `npm test`. The spec asserts those production values,
 * then shortens them on the same server object (1 s / 2 s, checked every 100 ms) and re-listens so Node's checker
 * picks up the new interval: the slow-client cases exercise the real mechanism, scaled down.
 */
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { Logger } from "../../runtime/shared/log";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import {
  eventMessage,
  type DeadLetter,
  type EventSink,
  type PublishOutcome,
  type ReadyState,
} from "../../runtime/listener/sinks/sink";
import { startListener, type RunningListener } from "../../runtime/listener";
import { send, sendHttp, type HostileRequest, type RawRequest, type Target } from "./clients";
import { HOSTILE_CORPUS, type HostileCase } from "./corpus";
import { CorpusContext, SECRET } from "./corpus-context";

/** Counts what reached each topic; keeps only the dead letters' reasons (not their data: see the heap bound). */
class RecordingSink implements EventSink {
  readonly kind = "noop";
  published = 0;
  readonly reasonDetails: string[] = [];
  /** Payloads of the current case only (the spec empties it between cases). */
  readonly payloads: ConnectorEventPayload[] = [];
  /** Checks each message as the Pub/Sub sink does, so Pub/Sub's limits apply here too. */
  async publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]> {
    return payloads.map((payload): PublishOutcome => {
      const built = eventMessage(payload, false);
      if (!built.ok) return built.outcome;
      this.published++;
      this.payloads.push(payload);
      return { status: "published" };
    });
  }
  async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    this.reasonDetails.push(...letters.map((letter) => letter.reasonDetail));
  }
  async ready(): Promise<ReadyState> {
    return { ready: true, detail: "recording" };
  }
  async close(): Promise<void> {}
}

const SHORT = { headersTimeout: 1000, requestTimeout: 2000, connectionsCheckingInterval: 100 };
// A log line may quote a value's first 60 characters, a URL, a parser message: never a body.
const MAX_LOG_LINE = 4 * 1024;
// After a forced GC, what may legitimately remain of ~30 MiB of hostile traffic is small: the captured log lines
// (about 200 of at most 4 KiB; the replay cache's table is allocated at start, before the baseline): under 1 MiB; measured
// 1-2 MiB with V8's own noise. 8 MiB is below any single large body of the corpus (10 MiB), so keeping one rejected
// body, or a handful of the 1 MiB ones, fails the bound.
const HEAP_BOUND_WITH_GC = 8 * 1024 * 1024;
// Without a GC we can only let things settle; garbage of the 900 KiB strings may still be counted.
const HEAP_BOUND_WITHOUT_GC = 48 * 1024 * 1024;

function exposedGc(): (() => void) | undefined {
  const global = globalThis as { gc?: () => void };
  if (global.gc) return global.gc;
  try {
    // Without --expose-gc: V8 exposes gc() in contexts created after the flag is set (fine in a test process).
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}

async function retainedBytes(gc: (() => void) | undefined): Promise<number> {
  for (let round = 0; round < 3; round++) {
    await new Promise((settle) => setTimeout(settle, 50));
    gc?.();
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

async function relisten(server: Server, timeouts: typeof SHORT): Promise<void> {
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((closed) => server.close(() => closed()));
  Object.assign(server, timeouts);
  await new Promise<void>((listening) => server.listen(port, "127.0.0.1", listening));
}

function rawLength(parts: RawRequest["parts"]): number {
  return parts.reduce(
    (sum, part) => sum + (typeof part === "object" && "pauseMs" in part ? 0 : Buffer.byteLength(part)),
    0,
  );
}

function requestsOf(entry: HostileCase, ctx: CorpusContext): HostileRequest[] {
  const built = entry.build(ctx);
  return Array.isArray(built) ? built : [built];
}

describe("hostile inputs against a real listener", function () {
  this.timeout(20_000);
  const sink = new RecordingSink();
  const logLines: string[] = [];
  const gc = exposedGc();
  let listener: RunningListener;
  let target: Target;
  let ctx: CorpusContext;
  let baseline = 0;
  let bytesSent = 0;
  let startedAt = 0;

  before(async () => {
    const logger = new Logger({ level: "DEBUG", write: (line) => logLines.push(line) });
    listener = await startListener({ PORT: "0", HOST: "127.0.0.1", HUBSPOT_CLIENT_SECRET: SECRET }, { logger, sink });
    assert.equal(listener.server.headersTimeout, 10_000, "production headersTimeout changed: update the spec header");
    assert.equal(listener.server.requestTimeout, 30_000, "production requestTimeout changed: update the spec header");
    await relisten(listener.server, SHORT);
    const { port } = listener.server.address() as AddressInfo;
    target = { host: "127.0.0.1", port, timeoutMs: 8000 };
    ctx = new CorpusContext(`127.0.0.1:${port}`);
    // Warm up the paths the corpus takes, so lazy compilation is not counted as growth.
    const warmUp = await send(target, ctx.post(ctx.batch(3)));
    assert.equal(warmUp.status, 204);
    sink.published = 0;
    baseline = await retainedBytes(gc);
    startedAt = Date.now();
  });
  after(async () => {
    await listener?.close();
  });

  it("has at least 50 entries with unique names", () => {
    assert.ok(HOSTILE_CORPUS.length >= 50, `only ${HOSTILE_CORPUS.length} entries`);
    assert.equal(new Set(HOSTILE_CORPUS.map((entry) => entry.name)).size, HOSTILE_CORPUS.length);
  });

  for (const entry of HOSTILE_CORPUS) {
    it(entry.name, async function () {
      sink.payloads.length = 0;
      const publishedBefore = sink.published;
      const deadLettersBefore = sink.reasonDetails.length;
      const logsBefore = logLines.length;
      const check = async () => {
        const requests = requestsOf(entry, ctx);
        const expected = Array.isArray(entry.status) ? entry.status : requests.map(() => entry.status as number);
        const statuses: number[] = [];
        let last: Awaited<ReturnType<typeof send>> | undefined;
        for (const request of requests) {
          bytesSent += request.transport === "http" ? (request.body?.length ?? 0) : rawLength(request.parts);
        }
        if (entry.concurrent) {
          const responses = await Promise.all(requests.map((request) => send(target, request)));
          statuses.push(...responses.map((response) => response.status));
          last = responses.at(-1);
        } else {
          for (const request of requests) {
            last = await send(target, request);
            statuses.push(last.status);
          }
        }
        assert.deepEqual(statuses, expected, `statuses (${entry.why})`);
        for (const [name, value] of Object.entries(entry.headers ?? {})) assert.equal(last?.headers[name], value);
        if (last?.status === 401) assert.equal(last.body, "", "a 401 says nothing about why");
        if (entry.error) assert.match((JSON.parse(last?.body ?? "{}") as { error?: string }).error ?? "", entry.error);
        if (entry.reason) {
          const reasons = logLines
            .slice(logsBefore)
            .map((line) => JSON.parse(line) as { message?: string; reason?: string })
            .filter((log) => log.message === "rejected: signature")
            .map((log) => log.reason);
          assert.deepEqual(reasons, [entry.reason], "logged rejection reason");
        }
        assert.equal(sink.published - publishedBefore, entry.published ?? 0, "events published");
        const reasons = sink.reasonDetails.slice(deadLettersBefore);
        assert.equal(reasons.length, entry.deadLetters ?? 0, "events dead-lettered");
        for (const reason of reasons) assert.ok(reason.length < 300, `a reasonDetail of ${reason.length} characters`);
        entry.verify?.(sink.payloads);
      };
      try {
        await check();
      } catch (error) {
        if (!entry.pendingFix) throw error;
        console.log(`      PENDING FIX: ${entry.pendingFix}\n      (now: ${(error as Error).message.split("\n")[0]})`);
        this.skip();
      }
      sink.payloads.length = 0;
      if (entry.pendingFix) assert.fail(`passes now: remove pendingFix from "${entry.name}"`);

      // Whatever the request, the process still serves, nothing leaked into a prototype or a log line.
      const health = await sendHttp(target, { transport: "http", method: "GET", path: "/healthz", headers: {} });
      assert.equal(health.status, 200, "GET /healthz after the case");
      assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype polluted");
      for (const line of logLines.slice(logsBefore)) {
        assert.ok(!line.includes(SECRET), "the client secret appears in a log line");
        assert.ok(line.length <= MAX_LOG_LINE, `a log line of ${line.length} characters: ${line.slice(0, 200)}...`);
      }
    });
  }

  it(`keeps memory bounded over the whole corpus (${gc ? "after a forced GC" : "after a settle, no GC"})`, async () => {
    const growth = (await retainedBytes(gc)) - baseline;
    const bound = gc ? HEAP_BOUND_WITH_GC : HEAP_BOUND_WITHOUT_GC;
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `      ${HOSTILE_CORPUS.length} cases, ${(bytesSent / 1024 / 1024).toFixed(1)} MiB sent in ${seconds} s`,
    );
    console.log(
      `      heap + array buffers grew by ${(growth / 1024 / 1024).toFixed(2)} MiB (bound ${bound / 1024 / 1024} MiB)`,
    );
    assert.ok(growth < bound, `grew by ${growth} bytes; bound ${bound}`);
  });
});
