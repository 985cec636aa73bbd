/**
 * Recently published dedupKeys, so a replayed delivery (HubSpot retries a batch it thinks failed, at-least-once)
 * is not published again within `windowMs`. Bounded in time and in size: insertion order is also expiry order (one
 * window for all keys), so expired and overflowing entries are always the oldest ones.
 * Per instance only: a replay that lands on another instance is published again (consumers still get dedupKey).
 *
 * Storage is allocated once, sized by maxEntries, and never grows: 16 bytes of each key's digest and its expiry
 * time in typed arrays, nothing per entry for the garbage collector. A Map<string, number> would do the same job, but
 * at 20,000 events/s it replaces 20,000 keys a second, each a 64-character string living a few seconds, long enough to
 * be promoted to V8's old generation: RSS rose in a sawtooth that only full collections brought down (+28 % in the
 * soak, README "Fault injection and soak"). Here 4 MiB hold the default 100,000 entries, whatever the traffic.
 *
 * Two structures share the entries:
 * - a ring of slots in insertion order (digest + expiry), oldest at `tail`: eviction pops the tail;
 * - a hash index from digest to ring slot, open addressing with linear probing, at most half full, deletions by
 *   backward shift (no tombstones, so probes stay short however long the process runs).
 * A key remembered again moves to the head (as a Map delete + set would) and leaves a hole at its old slot. Holes
 * are skipped at the tail; when the ring is full of entries and holes, `compact` closes the holes. The ring has a
 * quarter more slots than maxEntries so that a compaction always frees at least that quarter (a cost of a few moves
 * per hole, amortized). Holes are rare anyway: the listener only remembers keys `has` did not find.
 */
import { createHash } from "node:crypto";

// 16 bytes of a SHA-256: the chance that two of 100,000 keys share them is about 2^-95.
const DIGEST_WORDS = 4;
const DIGEST_BYTES = DIGEST_WORDS * 4;
// dedupKey() gives 64 lowercase hex digits; any other string (tests, a future key format) is hashed first.
const HEX_KEY_LENGTH = 64;
const HEX_VALUE = new Int8Array(128).fill(-1); // by character code; -1: not a hex digit
for (const [value, digit] of [..."0123456789abcdef"].entries()) HEX_VALUE[digit.charCodeAt(0)] = value;
// Expiry of a hole. Below any time, so the sweep of expired entries drops holes too.
const HOLE = -Infinity;
// Index entries hold ring slot + 1; 0 is an empty index slot.
const EMPTY = 0;
const NOT_FOUND = -1;

export class ReplayCache {
  private readonly ringSize: number;
  private readonly digests: Uint32Array; // ring: DIGEST_WORDS words per slot
  private readonly expiries: Float64Array; // ring: expiry (ms) per slot, HOLE for a hole
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly probe = new Uint32Array(DIGEST_WORDS); // digest of the key being looked up
  private readonly probeBytes = Buffer.from(this.probe.buffer);
  private tail = 0; // oldest ring slot
  private used = 0; // ring slots from the tail on, holes included
  private live = 0; // entries, holes excluded

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries is ${maxEntries}; the rule is an integer >= 1`);
    }
    this.ringSize = windowMs > 0 ? maxEntries + Math.ceil(maxEntries / 4) : 0; // off: allocate nothing
    this.digests = new Uint32Array(this.ringSize * DIGEST_WORDS);
    this.expiries = new Float64Array(this.ringSize);
    // At least twice the entries it may hold (maxEntries, one more while inserting; holes are not indexed): probe
    // runs stay short and always end at an empty slot.
    const indexSize = 2 ** Math.ceil(Math.log2((maxEntries + 1) * 2));
    this.index = new Int32Array(indexSize);
    this.mask = indexSize - 1;
  }

  get size(): number {
    return this.live;
  }

  has(key: string, nowMs: number): boolean {
    if (this.windowMs <= 0) return false;
    this.load(key);
    const at = this.find(this.probe, 0);
    return at !== NOT_FOUND && this.expiries[this.index[at] - 1] > nowMs;
  }

  /** Remember keys whose publish was acknowledged (never before: a failed batch must get through on retry). */
  remember(keys: Iterable<string>, nowMs: number): void {
    if (this.windowMs <= 0) return;
    const expiresAt = nowMs + this.windowMs;
    for (const key of keys) {
      this.load(key);
      const at = this.find(this.probe, 0);
      if (at !== NOT_FOUND) {
        // Seen again: its old slot becomes a hole, the key goes to the head, so ring order stays expiry order.
        this.expiries[this.index[at] - 1] = HOLE;
        this.unindex(at);
        this.live--;
      }
      if (this.used === this.ringSize) this.compact();
      const slot = (this.tail + this.used) % this.ringSize;
      this.digests.set(this.probe, slot * DIGEST_WORDS);
      this.expiries[slot] = expiresAt;
      this.used++;
      this.live++;
      let free = this.probe[0] & this.mask;
      while (this.index[free] !== EMPTY) free = (free + 1) & this.mask;
      this.index[free] = slot + 1;
      while (this.live > this.maxEntries) this.dropTail();
    }
    while (this.used > 0 && this.expiries[this.tail] <= nowMs) this.dropTail();
  }

  /** The key's digest into `probe`: its first 16 bytes when it is a dedupKey, else 16 bytes of its SHA-256. */
  private load(key: string): void {
    if (key.length === HEX_KEY_LENGTH && this.loadHex(key)) return;
    createHash("sha256").update(key).digest().copy(this.probeBytes, 0, 0, DIGEST_BYTES);
  }

  /**
   * Decodes the first 32 of the key's 64 hex digits into `probe`; false when any of the 64 is not a hex digit. By
   * hand: a regex test plus Buffer.write(hex) cost about 8 times more, and this runs twice per event.
   */
  private loadHex(key: string): boolean {
    let word = 0;
    for (let i = 0; i < HEX_KEY_LENGTH; i++) {
      const code = key.charCodeAt(i);
      const value = code < 128 ? HEX_VALUE[code] : -1;
      if (value < 0) return false;
      word = (word << 4) | value;
      if (i < DIGEST_WORDS * 8 && i % 8 === 7) this.probe[i >> 3] = word;
    }
    return true;
  }

  /** The index slot of the digest at `words[at..]`, or NOT_FOUND. Ends: the index always has empty slots. */
  private find(words: Uint32Array, at: number): number {
    for (let i = words[at] & this.mask; this.index[i] !== EMPTY; i = (i + 1) & this.mask) {
      const slot = (this.index[i] - 1) * DIGEST_WORDS;
      const d = this.digests;
      const same =
        d[slot] === words[at] &&
        d[slot + 1] === words[at + 1] &&
        d[slot + 2] === words[at + 2] &&
        d[slot + 3] === words[at + 3];
      if (same) return i;
    }
    return NOT_FOUND;
  }

  /** Forgets the oldest ring slot (a hole is not indexed). */
  private dropTail(): void {
    if (this.expiries[this.tail] !== HOLE) {
      this.unindex(this.find(this.digests, this.tail * DIGEST_WORDS));
      this.live--;
    }
    this.tail = (this.tail + 1) % this.ringSize;
    this.used--;
  }

  /** Moves the entries together from the tail on, in order, over the holes (the index follows each move). */
  private compact(): void {
    let to = this.tail;
    const used = this.used;
    this.used = 0;
    for (let k = 0; k < used; k++) {
      const from = (this.tail + k) % this.ringSize;
      if (this.expiries[from] === HOLE) continue;
      if (from !== to) {
        this.index[this.find(this.digests, from * DIGEST_WORDS)] = to + 1;
        this.digests.copyWithin(to * DIGEST_WORDS, from * DIGEST_WORDS, (from + 1) * DIGEST_WORDS);
        this.expiries[to] = this.expiries[from];
      }
      to = (to + 1) % this.ringSize;
      this.used++;
    }
  }

  /**
   * Empties index slot `at` by backward shift: each following entry of the probe run moves into the gap unless the
   * gap lies before its home slot (it would no longer be found), until an empty slot ends the run.
   */
  private unindex(at: number): void {
    let gap = at;
    for (let i = (at + 1) & this.mask; this.index[i] !== EMPTY; i = (i + 1) & this.mask) {
      const home = this.digests[(this.index[i] - 1) * DIGEST_WORDS] & this.mask;
      if (((i - home) & this.mask) >= ((i - gap) & this.mask)) {
        this.index[gap] = this.index[i];
        gap = i;
      }
    }
    this.index[gap] = EMPTY;
  }
}
