import * as assert from "node:assert/strict";
import { StatusRecorder, type StatusWrite, type StatusWriter } from "../../runtime/shared/status/recorder";
import { BUCKET_MS } from "../../contract/status-store";

/** A writer that keeps what it is handed, and can be told to fail or to hold its answer. */
class FakeWriter implements StatusWriter {
  readonly calls: StatusWrite[][] = [];
  failing = false;
  hold: Promise<void> | undefined;
  closed = false;
  async write(writes: readonly StatusWrite[]): Promise<void> {
    this.calls.push(writes.map((w) => structuredClone(w)));
    if (this.hold) await this.hold;
    if (this.failing) throw new Error("UNAVAILABLE (test)");
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const INTERVAL = 60_000;
const T0 = 10 * BUCKET_MS + 1000;

function setup(options: { maxDocuments?: number } = {}) {
  let now = T0;
  const writer = new FakeWriter();
  const problems: { failed: boolean }[] = [];
  const recorder = new StatusRecorder({
    writer,
    flushIntervalMs: INTERVAL,
    now: () => now,
    maxDocuments: options.maxDocuments,
    onWriteProblem: (p) => problems.push({ failed: p.failed }),
  });
  return { recorder, writer, problems, advance: (ms: number) => (now += ms) };
}

describe("status recorder", () => {
  it("writes a document at most once per interval, however many records arrive", async () => {
    const { recorder, writer, advance } = setup();
    recorder.record("deliveries", "deal.creation~1", { verified: 1 }, { lastVerifiedAt: T0 });
    await recorder.flushDue();
    assert.equal(writer.calls.length, 1, "the first write of a document is not delayed");
    for (let i = 0; i < 500; i++) {
      advance(100);
      recorder.record("deliveries", "deal.creation~1", { verified: 1 }, { lastVerifiedAt: T0 + i });
      await recorder.flushDue();
    }
    assert.equal(writer.calls.length, 1, "50 s of records: no second write yet");
    advance(INTERVAL - 50_000);
    await recorder.flushDue();
    assert.equal(writer.calls.length, 2);
    assert.deepEqual(writer.calls[1][0].counts, { verified: 500 });
    assert.equal(writer.calls[1][0].latest.lastVerifiedAt, T0 + 499);
  });

  it("throttles each document on its own: a new one is written at once", async () => {
    const { recorder, writer, advance } = setup();
    recorder.record("dispatches", "a~1", { executed: 1 });
    await recorder.flushDue();
    advance(1000);
    recorder.record("dispatches", "a~1", { executed: 1 });
    recorder.record("dispatches", "b~1", { failed: 1 }, { lastError: "x" });
    await recorder.flushDue();
    assert.deepEqual(
      writer.calls.map((call) => call.map((w) => w.id)),
      [["a~1"], ["b~1"]],
    );
  });

  it("files counts under the bucket of their first record", async () => {
    const { recorder, writer, advance } = setup();
    recorder.record("intake", "listener", { verifiedRequests: 1 });
    advance(BUCKET_MS);
    recorder.record("intake", "listener", { verifiedRequests: 1 });
    await recorder.flushDue();
    assert.equal(writer.calls[0][0].bucket, T0 - (T0 % BUCKET_MS));
    assert.deepEqual(writer.calls[0][0].counts, { verifiedRequests: 2 });
  });

  it("keeps the counts of a failed write for the next interval, and says so once", async () => {
    const { recorder, writer, problems, advance } = setup();
    writer.failing = true;
    recorder.record("deliveries", "d~1", { verified: 2 }, { lastVerifiedAt: 1 });
    await recorder.flushDue();
    advance(1000);
    recorder.record("deliveries", "d~1", { verified: 3 }, { lastVerifiedAt: 2 });
    await recorder.flushDue();
    assert.equal(writer.calls.length, 1, "no retry before the interval: an outage is not hammered");
    advance(INTERVAL);
    await recorder.flushDue();
    assert.deepEqual(writer.calls[1][0].counts, { verified: 5 });
    writer.failing = false;
    advance(INTERVAL);
    recorder.record("deliveries", "d~1", { verified: 1 });
    await recorder.flushDue();
    assert.deepEqual(writer.calls[2][0].counts, { verified: 6 });
    assert.equal(writer.calls[2][0].latest.lastVerifiedAt, 2);
    assert.deepEqual(problems, [{ failed: true }, { failed: false }]);
  });

  it("never lets a record wait on a write in flight, and runs one write at a time", async () => {
    const { recorder, writer, advance } = setup();
    let release!: () => void;
    writer.hold = new Promise((resolve) => (release = resolve));
    recorder.record("deliveries", "d~1", { verified: 1 });
    const first = recorder.flushDue();
    advance(INTERVAL);
    recorder.record("deliveries", "d~1", { verified: 1 });
    recorder.record("deliveries", "e~1", { verified: 1 });
    const second = recorder.flushDue();
    assert.equal(writer.calls.length, 1, "a flush during a write joins it");
    assert.equal(recorder.pendingDocuments, 2, "records kept accumulating meanwhile");
    release();
    await Promise.all([first, second]);
    await recorder.flushDue();
    assert.equal(writer.calls.length, 2);
  });

  it("bounds memory: records for documents beyond the limit are dropped and counted", async () => {
    const { recorder, writer } = setup({ maxDocuments: 2 });
    for (const id of ["a", "b", "c", "d"]) recorder.record("dispatches", id, { executed: 1 });
    assert.equal(recorder.dropped, 2);
    await recorder.flushDue();
    assert.deepEqual(
      writer.calls[0].map((w) => w.id),
      ["a", "b"],
    );
  });

  it("forgets idle documents after their interval, making room for others", async () => {
    const { recorder, writer, advance } = setup({ maxDocuments: 1 });
    recorder.record("dispatches", "a", { executed: 1 });
    await recorder.flushDue();
    advance(INTERVAL);
    await recorder.flushDue();
    recorder.record("dispatches", "b", { executed: 1 });
    assert.equal(recorder.dropped, 0);
    advance(INTERVAL);
    await recorder.flushDue();
    assert.deepEqual(
      writer.calls.map((call) => call[0].id),
      ["a", "b"],
    );
  });

  it("hands over a first verified delivery once, until it was written", async () => {
    const { recorder, writer, advance } = setup();
    writer.failing = true;
    recorder.record("deliveries", "d~1", { verified: 1 }, {}, T0);
    await recorder.flushDue();
    writer.failing = false;
    advance(INTERVAL);
    recorder.record("deliveries", "d~1", { verified: 1 }, {}, T0 + INTERVAL);
    await recorder.flushDue();
    advance(INTERVAL);
    recorder.record("deliveries", "d~1", { verified: 1 }, {}, T0 + 2 * INTERVAL);
    await recorder.flushDue();
    assert.deepEqual(
      writer.calls.map((call) => call[0].firstAt),
      [T0, T0, undefined],
    );
  });

  it("writes what is left on close, whatever the interval, and closes the writer", async () => {
    const { recorder, writer } = setup();
    recorder.record("intake", "listener", { signatureRejected: 1 });
    await recorder.flushDue();
    recorder.record("intake", "listener", { signatureRejected: 1 });
    await recorder.close();
    assert.equal(writer.calls.length, 2);
    assert.equal(writer.closed, true);
  });
});

describe("status recorder on close with a hung store", () => {
  it("gives up after its deadline instead of holding the shutdown", async () => {
    const writer = new FakeWriter();
    writer.hold = new Promise(() => undefined);
    const recorder = new StatusRecorder({ writer, flushIntervalMs: INTERVAL, closeDeadlineMs: 1 });
    recorder.record("intake", "listener", { verifiedRequests: 1 });
    void recorder.flushDue();
    recorder.record("intake", "listener", { verifiedRequests: 1 });
    await recorder.close();
    assert.equal(writer.closed, true);
  });
});
