/**
 * Status signals accumulated in memory and written at most once per flush interval per instance and document, off
 * the request path: `record` is synchronous, allocation-light and never throws; a timer (or the caller, in tests)
 * runs `flushDue`, which hands what is due to the writer. A writer that fails or hangs (a Firestore outage) costs
 * nothing but the status: the counts are kept and written again next interval, and requests never wait on it.
 * Memory is bounded by `maxDocuments`: records for further documents are dropped and counted.
 */
import { bucketStart } from "../../../contract/status-store";

/** One document's pending changes: counters to add, latest values to set, when its counts began. */
export interface StatusWrite {
  collection: string;
  id: string;
  /** Added to the document's totals and to its window bucket `bucket`. */
  counts: Record<string, number>;
  /** Set on the document (the most recent value this instance saw). */
  latest: Record<string, string | number>;
  /** Start of the bucket the counts are filed under (the bucket of the first record since the last write). */
  bucket: number;
  /** The first verified delivery this instance saw for the document, written once (create-if-absent). */
  firstAt?: number;
}

export interface StatusWriter {
  write(writes: readonly StatusWrite[], nowMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface StatusRecorderOptions {
  writer: StatusWriter;
  flushIntervalMs: number;
  now?: () => number;
  /** Documents tracked at once; beyond it, records are dropped (and counted in `dropped`). */
  maxDocuments?: number;
  /** How long `close` waits for the last write (default 1.5 s). */
  closeDeadlineMs?: number;
  /** Told about the first failed write after a success, and the first success after failures. */
  onWriteProblem?: (problem: { failed: boolean; error?: unknown; documents: number }) => void;
}

interface Entry {
  collection: string;
  id: string;
  counts: Record<string, number>;
  latest: Record<string, string | number>;
  bucket: number | undefined;
  firstAt: number | undefined;
  firstWritten: boolean;
  /** When this document was last handed to the writer (-Infinity: never). */
  lastWriteAt: number;
}

const DEFAULT_MAX_DOCUMENTS = 10_000;
/** A final write at shutdown gets this long (Cloud Run allows 10 s after SIGTERM; the servers drain first). */
const CLOSE_DEADLINE_MS = 1500;

export class StatusRecorder {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxDocuments: number;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  /** Records dropped because `maxDocuments` documents were already tracked. */
  dropped = 0;

  constructor(private readonly options: StatusRecorderOptions) {
    this.now = options.now ?? Date.now;
    this.maxDocuments = options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
  }

  /** Adds `counts` and sets `latest` on one document; `firstAt` marks a first verified delivery. Never throws. */
  record(
    collection: string,
    id: string,
    counts: Record<string, number>,
    latest: Record<string, string | number> = {},
    firstAt?: number,
  ): void {
    const key = `${collection}/${id}`;
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxDocuments) {
        this.dropped++;
        return;
      }
      entry = {
        collection,
        id,
        counts: {},
        latest: {},
        bucket: undefined,
        firstAt: undefined,
        firstWritten: false,
        lastWriteAt: -Infinity,
      };
      this.entries.set(key, entry);
    }
    entry.bucket ??= bucketStart(this.now());
    for (const name in counts) entry.counts[name] = (entry.counts[name] ?? 0) + counts[name];
    Object.assign(entry.latest, latest);
    if (firstAt !== undefined && !entry.firstWritten) entry.firstAt ??= firstAt;
  }

  /** Documents with changes not yet written. */
  get pendingDocuments(): number {
    let pending = 0;
    for (const entry of this.entries.values()) if (hasChanges(entry)) pending++;
    return pending;
  }

  /**
   * Writes every document with changes whose last write is at least the flush interval old; one flush at a time
   * (a call while one runs waits for it and writes nothing more). Never rejects.
   */
  flushDue(): Promise<void> {
    return this.flush(false);
  }

  /** Runs `flushDue` every `tickMs` (default: a sixth of the interval), without keeping the process alive. */
  start(tickMs = Math.max(1000, Math.floor(this.options.flushIntervalMs / 6))): void {
    this.timer ??= setInterval(() => void this.flushDue(), tickMs).unref();
  }

  /** Stops the timer and writes what is left, whatever the interval, within a short deadline. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    let deadline: NodeJS.Timeout | undefined;
    // A write still in flight (Firestore slow or down) is waited for within the same deadline, never longer.
    await Promise.race([
      (async () => {
        await this.flushing;
        await this.flush(true);
      })(),
      new Promise<void>(
        (resolve) => (deadline = setTimeout(resolve, this.options.closeDeadlineMs ?? CLOSE_DEADLINE_MS).unref()),
      ),
    ]);
    clearTimeout(deadline);
    await this.options.writer.close().catch(() => undefined);
  }

  private flush(all: boolean): Promise<void> {
    if (this.flushing) return this.flushing;
    const nowMs = this.now();
    const due: { entry: Entry; write: StatusWrite }[] = [];
    for (const [key, entry] of this.entries) {
      const isDue = all || nowMs - entry.lastWriteAt >= this.options.flushIntervalMs;
      if (!isDue) continue;
      if (!hasChanges(entry)) {
        // Nothing to say and no write to throttle any more: forget it, which keeps memory bounded.
        if (nowMs - entry.lastWriteAt >= this.options.flushIntervalMs) this.entries.delete(key);
        continue;
      }
      due.push({ entry, write: takeWrite(entry, nowMs) });
      entry.lastWriteAt = nowMs;
    }
    if (due.length === 0) return Promise.resolve();
    this.flushing = this.options.writer
      .write(
        due.map((d) => d.write),
        nowMs,
      )
      .then(
        () => {
          for (const { entry, write } of due) if (write.firstAt !== undefined) entry.firstWritten = true;
          if (this.failing) this.options.onWriteProblem?.({ failed: false, documents: due.length });
          this.failing = false;
        },
        (error: unknown) => {
          // Kept for the next interval: a status store outage delays the status, it loses no count.
          for (const { entry, write } of due) giveBack(entry, write);
          if (!this.failing) this.options.onWriteProblem?.({ failed: true, error, documents: due.length });
          this.failing = true;
        },
      )
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}

function hasChanges(entry: Entry): boolean {
  if (entry.firstAt !== undefined && !entry.firstWritten) return true;
  for (const name in entry.counts) if (entry.counts[name] !== 0) return true;
  return Object.keys(entry.latest).length > 0;
}

function takeWrite(entry: Entry, nowMs: number): StatusWrite {
  const write: StatusWrite = {
    collection: entry.collection,
    id: entry.id,
    counts: entry.counts,
    latest: entry.latest,
    bucket: entry.bucket ?? bucketStart(nowMs),
    ...(entry.firstAt !== undefined && !entry.firstWritten && { firstAt: entry.firstAt }),
  };
  entry.counts = {};
  entry.latest = {};
  entry.bucket = undefined;
  return write;
}

/** A failed write's changes merged back under what was recorded since (newer latest values win). */
function giveBack(entry: Entry, write: StatusWrite): void {
  for (const name in write.counts) entry.counts[name] = (entry.counts[name] ?? 0) + write.counts[name];
  entry.latest = { ...write.latest, ...entry.latest };
  entry.bucket = Math.min(entry.bucket ?? write.bucket, write.bucket);
}
