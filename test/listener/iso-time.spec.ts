import assert from "node:assert/strict";
import fc from "fast-check";
import { isoTime } from "../../runtime/listener/events/iso-time";

// Years 2000..9999 in ms: the range normalize.ts accepts for occurredAt.
const MIN_EPOCH_MS = 946_684_800_000;
const MAX_EPOCH_MS = 253_402_300_799_999;

describe("isoTime", () => {
  it("writes the same text as Date.prototype.toISOString over the whole range an event may carry", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_EPOCH_MS, max: MAX_EPOCH_MS }), (ms) => {
        assert.equal(isoTime(ms), new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it("is exact at the edges of a day, a leap day and the range", () => {
    for (const iso of [
      "2000-01-01T00:00:00.000Z",
      "2024-02-29T23:59:59.999Z",
      "2024-03-01T00:00:00.000Z",
      "2026-12-02T03:04:05.006Z",
      "9999-12-31T23:59:59.999Z",
    ]) {
      assert.equal(isoTime(Date.parse(iso)), iso);
      assert.equal(isoTime(Date.parse(iso) - 1), new Date(Date.parse(iso) - 1).toISOString());
    }
  });
});
