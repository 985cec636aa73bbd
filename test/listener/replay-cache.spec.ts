import assert from "node:assert/strict";
import { ReplayCache } from "../../listener/replay-cache";

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

  it("is off with a zero window", () => {
    const cache = new ReplayCache(0, 10);
    cache.remember(["a"], 0);
    assert.equal(cache.has("a", 0), false);
    assert.equal(cache.size, 0);
  });
});
