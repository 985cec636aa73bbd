/**
 * Optional enrichment: add the object's current properties to the payload before the integration runs (the seed's
 * contact / company / deal property fields). Concurrent lookups of one object type share one batch read: the first
 * lookup opens a short window, and the batch goes out when the window closes or 100 ids are waiting. Under load this
 * turns N pushes into N/100 HubSpot calls, which matters with HubSpot's per-app rate limits.
 */
import type { ConnectorEventPayload, ObjectType } from "../shared/connector-event-payload";
import { MAX_BATCH_READ_IDS, type CrmBatchReader, type CrmProperties } from "./crm-batch-reader";

export interface EnricherOptions {
  reader: CrmBatchReader;
  /** Property names to read per object type; an empty list means no lookup for that type. */
  properties: Record<ObjectType, string[]>;
  /** How long the first lookup waits for company (ms). Default 10. */
  windowMs?: number;
}

interface Waiter {
  resolve(properties: CrmProperties | undefined): void;
  reject(error: unknown): void;
}

interface PendingBatch {
  waiters: Map<string, Waiter[]>;
  timer: NodeJS.Timeout;
}

export class Enricher {
  private readonly pending = new Map<ObjectType, PendingBatch>();
  private readonly windowMs: number;
  /** Batch reads sent so far (for logs and tests). */
  batchReads = 0;

  constructor(private readonly options: EnricherOptions) {
    this.windowMs = options.windowMs ?? 10;
  }

  /** Whether events of this object type get a lookup at all. */
  appliesTo(objectType: ObjectType): boolean {
    return this.options.properties[objectType].length > 0;
  }

  /**
   * The payload with `object` filled in. A deletion event, or an object HubSpot no longer returns, gets
   * `{ properties: {}, deleted: true }`: a deleted object is a fact to pass on, not an error.
   */
  async enrich(payload: ConnectorEventPayload): Promise<ConnectorEventPayload> {
    if (!this.appliesTo(payload.objectType)) return payload;
    if (payload.eventType.endsWith(".deletion") || payload.eventType.endsWith(".privacyDeletion")) {
      return { ...payload, object: { properties: {}, deleted: true } };
    }
    const properties = await this.lookup(payload.objectType, payload.objectId);
    return { ...payload, object: properties ? { properties } : { properties: {}, deleted: true } };
  }

  private lookup(objectType: ObjectType, id: string): Promise<CrmProperties | undefined> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(objectType);
      if (!batch) {
        const timer = setTimeout(() => this.flush(objectType), this.windowMs);
        batch = { waiters: new Map(), timer };
        this.pending.set(objectType, batch);
      }
      const waiters = batch.waiters.get(id) ?? [];
      waiters.push({ resolve, reject });
      batch.waiters.set(id, waiters);
      if (batch.waiters.size >= MAX_BATCH_READ_IDS) this.flush(objectType);
    });
  }

  private flush(objectType: ObjectType): void {
    const batch = this.pending.get(objectType);
    if (!batch) return;
    this.pending.delete(objectType);
    clearTimeout(batch.timer);
    const ids = [...batch.waiters.keys()];
    this.batchReads += 1;
    this.options.reader.read(objectType, ids, this.options.properties[objectType]).then(
      (found) => {
        for (const [id, waiters] of batch.waiters) for (const waiter of waiters) waiter.resolve(found.get(id));
      },
      (error: unknown) => {
        for (const waiters of batch.waiters.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
