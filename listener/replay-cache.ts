/**
 * Recently published dedupKeys, so a replayed delivery (HubSpot retries a batch it thinks failed, at-least-once)
 * is not published again within `windowMs`. Bounded in time and in size: a Map in insertion order is also expiry
 * order (one window for all keys), so expired and overflowing entries are always at the front.
 * Per instance only: a replay that lands on another instance is published again (consumers still get dedupKey).
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  has(key: string, nowMs: number): boolean {
    if (this.windowMs <= 0) return false;
    const expiresAt = this.seen.get(key);
    return expiresAt !== undefined && expiresAt > nowMs;
  }

  /** Remember keys whose publish was acknowledged (never before: a failed batch must get through on retry). */
  remember(keys: Iterable<string>, nowMs: number): void {
    if (this.windowMs <= 0) return;
    const expiresAt = nowMs + this.windowMs;
    for (const key of keys) {
      this.seen.delete(key); // re-insert at the back so order stays expiry order
      this.seen.set(key, expiresAt);
    }
    this.evict(nowMs);
  }

  private evict(nowMs: number): void {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > nowMs && this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}
