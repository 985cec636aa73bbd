/**
 * Events being published right now, by dedupKey. HubSpot may deliver the same events again before the first
 * delivery's publish is acknowledged (a timeout on its side, or a retry racing a slow publish); the replay cache only
 * knows events once they are handled, so without this both copies were published. A delivery that finds an event in
 * flight waits for that publish instead: handled there, it counts as a replay; not handled there, this delivery
 * answers 503 for it and HubSpot retries. Per instance, like the replay cache: across instances it stays
 * at-least-once, and consumers deduplicate on dedupKey.
 * One promise per delivery, not per event: this runs for every event on the hot path.
 */
export interface DeliveryClaim {
  /** Indexes (into the keys claimed) of the events this delivery publishes. */
  owned: number[];
  /** For each event another delivery is publishing: whether that delivery handled it. */
  waits: Promise<boolean>[];
  /** Ends the claim; `handled` holds the owned keys published or dead-lettered durably. */
  settle(handled: ReadonlySet<string>): void;
}

interface Pending {
  done: Promise<ReadonlySet<string>>;
}

export class InFlightEvents {
  private readonly pending = new Map<string, Pending>();

  claim(keys: readonly string[]): DeliveryClaim {
    let resolve!: (handled: ReadonlySet<string>) => void;
    const mine: Pending = { done: new Promise((done) => (resolve = done)) };
    const owned: number[] = [];
    const waits: Promise<boolean>[] = [];
    keys.forEach((key, index) => {
      const other = this.pending.get(key);
      if (other) waits.push(other.done.then((handled) => handled.has(key)));
      else {
        this.pending.set(key, mine);
        owned.push(index);
      }
    });
    return {
      owned,
      waits,
      settle: (handled) => {
        for (const index of owned) if (this.pending.get(keys[index]) === mine) this.pending.delete(keys[index]);
        resolve(handled);
      },
    };
  }
}
