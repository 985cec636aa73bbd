/**
 * Events being published right now, by dedupKey. HubSpot may deliver the same events again before the first
 * delivery's publish is acknowledged (a timeout on its side, or a retry racing a slow publish); the replay cache only
 * knows events once they are acknowledged, so without this both copies were published. A delivery that finds an
 * event in flight waits for that publish instead: handled there, it counts as a replay; failed there, this delivery
 * answers 503 for it and HubSpot retries. Per instance, like the replay cache: across instances it stays
 * at-least-once, and consumers deduplicate on dedupKey.
 */
export interface Claim {
  /** Ends the claim: `handled` when the event was published or dead-lettered durably. */
  settle(handled: boolean): void;
}

export class InFlightEvents {
  private readonly pending = new Map<string, Promise<boolean>>();

  get size(): number {
    return this.pending.size;
  }

  /** A claim when no delivery is publishing `key`, else the outcome of the delivery that is. */
  claim(key: string): { claim: Claim } | { wait: Promise<boolean> } {
    const pending = this.pending.get(key);
    if (pending) return { wait: pending };
    let resolve!: (handled: boolean) => void;
    const outcome = new Promise<boolean>((done) => (resolve = done));
    this.pending.set(key, outcome);
    return {
      claim: {
        settle: (handled) => {
          if (this.pending.get(key) === outcome) this.pending.delete(key);
          resolve(handled);
        },
      },
    };
  }
}
