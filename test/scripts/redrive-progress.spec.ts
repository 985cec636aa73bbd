import { strict as assert } from "node:assert";
import { Writable } from "node:stream";
import {
  createRedriveProgress,
  formatDuration,
  progressLine,
  showsProgress,
  type ProgressStream,
} from "../../scripts/lib/redrive-progress";

/** A stream that says it is a terminal (or not) and keeps what was written. */
function fakeStream(isTTY: boolean): ProgressStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number; text(): string };
  stream.isTTY = isTTY;
  stream.columns = 160;
  stream.text = () => chunks.join("");
  return stream;
}

const counts = (pulled: number, extra: Partial<{ republished: number; skipped: number; failed: number }> = {}) => ({
  pulled,
  republished: extra.republished ?? pulled,
  skipped: extra.skipped ?? 0,
  failed: extra.failed ?? 0,
  acknowledged: extra.republished ?? pulled,
  reasons: {},
  dryRun: false,
});

describe("redrive progress", () => {
  it("only when both stdout and stderr are terminals", () => {
    assert.equal(showsProgress({ isTTY: true }, { isTTY: true }), true);
    assert.equal(showsProgress({ isTTY: false }, { isTTY: true }), false, "--json | jq");
    assert.equal(showsProgress({ isTTY: true }, {}), false, "2> file");
  });

  it("with --max: counts, rate, and the time left at most", () => {
    const line = progressLine({ summary: counts(40, { republished: 38, failed: 2 }), total: 100, elapsedMs: 20_000 });
    assert.equal(line, "redrive 40/100 | republished 38, skipped 0, failed 2 | 2.0/s | at most 30s left");
  });

  it("without a total: counts and rate, and no made-up ETA", () => {
    const line = progressLine({ summary: counts(250), elapsedMs: 100_000 });
    assert.equal(
      line,
      "redrive 250 pulled | republished 250, skipped 0, failed 0 | 2.5/s | time left unknown (no --max)",
    );
  });

  it("no rate and no ETA in the first second", () => {
    const line = progressLine({ summary: counts(3), total: 10, elapsedMs: 400 });
    assert.match(line, /\| -\/s \| time left -$/);
  });

  it("a dry run says nothing is republished", () => {
    const line = progressLine({ summary: { ...counts(7), dryRun: true }, elapsedMs: 2_000 });
    assert.match(line, /^redrive \(dry run\) 7 pulled \| nothing republished or acknowledged \| 3\.5\/s/);
  });

  it("durations read as seconds, minutes, hours", () => {
    assert.deepEqual([formatDuration(4.2), formatDuration(185), formatDuration(3720)], ["5s", "3m05s", "1h02m"]);
  });

  it("draws on a terminal through cli-progress, ending on the final counts", () => {
    const stream = fakeStream(true);
    let clock = 1_000;
    const progress = createRedriveProgress({ stream, total: 10, dryRun: false, now: () => clock });
    clock += 2_000;
    progress.update(counts(5));
    progress.stop();
    const text = stream.text();
    assert.ok(text.includes("\x1B[?25l"), "hides the cursor while drawing");
    assert.ok(text.includes("\x1B[?25h"), "shows it again at the end");
    assert.match(text, /redrive [█░]+ 5\/10 \| republished 5, skipped 0, failed 0 \| 2\.5\/s \| at most 2s left/);
  });

  it("writes nothing to a stream that is not a terminal", () => {
    const stream = fakeStream(false);
    const progress = createRedriveProgress({ stream, total: 10, dryRun: false });
    progress.update(counts(5));
    progress.stop();
    assert.equal(stream.text(), "");
  });
});
