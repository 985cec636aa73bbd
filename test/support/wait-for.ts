// Waiting on events, not on time: a gate a test opens, a counter whose thresholds can be awaited, one event-loop
// turn. Nothing here has a deadline of its own; the mocha timeout is the hang guard.

/** A promise plus the functions that settle it. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Closed until `open()`; `passed()` resolves once it is open. */
export class Gate {
  private readonly opened = deferred();
  open(): void {
    this.opened.resolve();
  }
  passed(): Promise<void> {
    return this.opened.promise;
  }
}

/** Counts occurrences of something; `reached(n)` resolves once the count is at least n. */
export class Counter {
  count = 0;
  private waiters: Array<{ n: number; done: () => void }> = [];

  increment(): void {
    this.count += 1;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.count < waiter.n) return true;
      waiter.done();
      return false;
    });
  }

  reached(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((done) => this.waiters.push({ n, done }));
  }
}

/** Resolves after one macrotask: every microtask queued before (promise callbacks) has run by then. */
export function nextTurn(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}
