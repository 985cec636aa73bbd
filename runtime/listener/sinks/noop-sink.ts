/** Accepts everything instantly: isolates the HTTP, signature and parsing cost in benchmarks. */
import type { EventSink, ReadyState } from "./sink";

export class NoopSink implements EventSink {
  readonly kind = "noop";
  published = 0;
  deadLettered = 0;

  async publish(payloads: readonly unknown[]): Promise<void> {
    this.published += payloads.length;
  }
  async deadLetter(letters: readonly unknown[]): Promise<void> {
    this.deadLettered += letters.length;
  }
  async ready(): Promise<ReadyState> {
    return { ready: true, detail: "no-op sink" };
  }
  async close(): Promise<void> {}
}
