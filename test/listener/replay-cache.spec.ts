import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { ReplayCache } from "../../runtime/listener/replay-cache";

/** A key shaped like dedupKey()'s: 64 hex characters. */
const hexKey = (n: number) => createHash("sha256").update(String(n)).digest("hex");

/** The previous implementation (a Map in expiry order): the semantics the fixed-size cache must keep. */
class MapReplayCache {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}
  get size(): number {
    return this.seen.size;
  }
  has(key: string, nowMs: number): boolean {
    const expiresAt = this.windowMs > 0 ? this.seen.get(key) : undefined;
    return expiresAt !== undefined && expiresAt > nowMs;
  }
  remember(keys: Iterable<string>, nowMs: number): void {
    if (this.windowMs <= 0) return;
    for (const key of keys) {
      this.seen.delete(key);
      this.seen.set(key, nowMs + this.windowMs);
    }
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > nowMs && this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}

describe("listener replay cache", () => {
  it("remembers keys for the window, then forgets them", () => {
    const cache = new ReplayCache(1000, 100);
    cache.remember(["a"], 0);
    assert.equal(cache.has("a", 999), true);
    assert.equal(cache.has("a", 1000), false);
    assert.equal(cache.has("b", 10), false);
  });

  it("stays within its size bound by evicting the oldest keys", () => {
    const cache = new ReplayCache(60_000, 3);
    cache.remember(["a", "b", "c"], 0);
    cache.remember(["d"], 1);
    assert.equal(cache.size, 3);
    assert.equal(cache.has("a", 2), false);
    assert.equal(cache.has("d", 2), true);
  });

  it("drops expired keys when new ones arrive, so memory follows the window", () => {
    const cache = new ReplayCache(100, 1000);
    cache.remember(["a", "b"], 0);
    cache.remember(["c"], 150);
    assert.equal(cache.size, 1);
  });

  it("renews a key seen again (it moves to the back of the expiry order)", () => {
    const cache = new ReplayCache(100, 2);
    cache.remember(["a", "b"], 0);
    cache.remember(["a"], 50);
    cache.remember(["c"], 60);
    assert.equal(cache.has("a", 120), true);
    assert.equal(cache.has("b", 60), false);
  });

  it("is off with a zero or negative window", () => {
    for (const windowMs of [0, -1000]) {
      const cache = new ReplayCache(windowMs, 10);
      cache.remember(["a", hexKey(1)], 0);
      assert.equal(cache.has("a", 0), false);
      assert.equal(cache.has(hexKey(1), 0), false);
      assert.equal(cache.size, 0);
    }
  });

  it("keeps exactly the newest maxEntries dedupKeys while its ring wraps around many times", () => {
    const cache = new ReplayCache(60_000, 3);
    for (let n = 0; n < 1000; n++) {
      cache.remember([hexKey(n)], n);
      assert.equal(cache.size, Math.min(n + 1, 3));
      for (let back = 0; back <= Math.min(n, 4); back++) {
        assert.equal(cache.has(hexKey(n - back), n), back < 3, `key ${n - back} after remembering key ${n}`);
      }
    }
  });

  it("expires every key at remember time + window, also after wrapping, and frees its place", () => {
    const cache = new ReplayCache(10, 4);
    for (let n = 0; n < 50; n++) cache.remember([hexKey(n)], n * 5); // two keys live at a time
    assert.equal(cache.size, 2);
    assert.equal(cache.has(hexKey(48), 249), true);
    assert.equal(cache.has(hexKey(49), 254), true);
    assert.equal(cache.has(hexKey(49), 255), false);
    cache.remember([], 1000);
    assert.equal(cache.size, 0);
  });

  it("a key remembered again does not push an older key out early (its old place is not counted)", () => {
    const cache = new ReplayCache(60_000, 4);
    cache.remember(["a", "b", "c", "d"], 0);
    // Renewals leave holes: enough of them to fill the ring many times over, so it has to close them.
    for (let round = 1; round <= 50; round++) cache.remember(["b", "c", "d"], round);
    assert.equal(cache.size, 4);
    for (const key of ["a", "b", "c", "d"]) assert.equal(cache.has(key, 51), true, key);
    cache.remember(["e"], 51); // a is now the oldest
    assert.equal(cache.has("a", 51), false);
    for (const key of ["b", "c", "d", "e"]) assert.equal(cache.has(key, 51), true, key);
  });

  it("answers like a Map of key to expiry, for any sequence of remembers and clock steps", () => {
    const pool = [...Array.from({ length: 8 }, (_, n) => hexKey(n)), "a", "b", "c", "d"];
    const step = fc.record({
      advanceMs: fc.integer({ min: 0, max: 12 }),
      keys: fc.array(fc.constantFrom(...pool), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(step, { maxLength: 60 }),
        (windowMs, maxEntries, steps) => {
          const cache = new ReplayCache(windowMs, maxEntries);
          const reference = new MapReplayCache(windowMs, maxEntries);
          let now = 0;
          for (const { advanceMs, keys } of steps) {
            now += advanceMs;
            cache.remember(keys, now);
            reference.remember(keys, now);
            assert.equal(cache.size, reference.size);
            for (const key of pool) assert.equal(cache.has(key, now), reference.has(key, now), key);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("tells dedupKeys apart by each of their first 32 hex digits (16 bytes kept per key)", () => {
    const base = "0".repeat(64);
    for (let position = 0; position < 32; position++) {
      const cache = new ReplayCache(60_000, 10);
      cache.remember([base], 0);
      const other = `${base.slice(0, position)}f${base.slice(position + 1)}`;
      assert.equal(cache.has(other, 0), false, `digit ${position}`);
      cache.remember([other], 0);
      assert.equal(cache.size, 2, `digit ${position}`);
    }
    // Not hex, or not 64 characters: hashed first, still told apart.
    const cache = new ReplayCache(60_000, 10);
    cache.remember(["z".repeat(64), `${base}0`], 0);
    assert.equal(cache.has("z".repeat(64), 0), true);
    assert.equal(cache.has("y".repeat(64), 0), false);
    assert.equal(cache.has(base, 0), false);
  });

  it("refuses a size bound that is not a positive integer", () => {
    assert.throws(() => new ReplayCache(1000, 0), /maxEntries is 0; the rule is an integer >= 1/);
    assert.throws(() => new ReplayCache(1000, 2.5), /maxEntries is 2.5/);
  });
});
