/**
 * A per-instance cap on in-flight executions. Beyond it the dispatcher answers 429 at once instead of queueing:
 * Pub/Sub push slows down on non-2xx answers and redelivers later, so waiting here would only hold the message
 * against its ack deadline. Application Integration allows 50 concurrent executions per project by default.
 */
export class ConcurrencyLimit {
  private active = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max ${max} is invalid; the rule is an integer >= 1`);
  }

  get inFlight(): number {
    return this.active;
  }

  /** Takes a slot when one is free; the caller must `release()` it exactly once. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active += 1;
    return true;
  }

  release(): void {
    if (this.active === 0) throw new Error("release() without a matching tryAcquire()");
    this.active -= 1;
  }
}
