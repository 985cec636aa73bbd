/**
 * The status recorder's writer on Firestore (the stack's named database): per document, the running totals with
 * server-side increments (`FieldValue.increment`, so instances never read-modify-write) and the latest values with
 * a merge, the window bucket `windows/<bucketStart>` the same way plus its TTL field, and once the first verified
 * delivery (`first/verified`, created only if absent). Writes go in batches of at most 500 operations, Firestore's
 * limit per batch (https://cloud.google.com/firestore/quotas#writes_and_transactions).
 */
import { FieldValue, Firestore, Timestamp } from "@google-cloud/firestore";
import { BUCKET_TTL_MS, STATUS_COLLECTIONS, WINDOW_EXPIRE_FIELD } from "../../../contract/status-store";
import type { StatusWrite, StatusWriter } from "./recorder";

const MAX_BATCH_OPERATIONS = 500;
/** gRPC ALREADY_EXISTS: `first/verified` was created by another instance or an earlier run. */
const ALREADY_EXISTS = 6;

export interface StatusFirestoreOptions {
  projectId: string | undefined;
  databaseId: string;
  /** host:port of the Firestore emulator (FIRESTORE_EMULATOR_HOST). */
  emulatorHost?: string;
}

export function createStatusFirestore(options: StatusFirestoreOptions): Firestore {
  return new Firestore({
    ...(options.projectId !== undefined && { projectId: options.projectId }),
    databaseId: options.databaseId,
    // The emulator speaks plain gRPC and takes any project; the client adds its owner token when ssl is false.
    ...(options.emulatorHost !== undefined && { host: options.emulatorHost, ssl: false }),
    ignoreUndefinedProperties: true,
  });
}

function increments(counts: Record<string, number>): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const name in counts) if (counts[name] !== 0) fields[name] = FieldValue.increment(counts[name]);
  return fields;
}

export class FirestoreStatusWriter implements StatusWriter {
  constructor(private readonly db: Firestore) {}

  async write(writes: readonly StatusWrite[], nowMs: number): Promise<void> {
    // Two operations per document (totals, bucket).
    const perBatch = Math.floor(MAX_BATCH_OPERATIONS / 2);
    const commits: Promise<unknown>[] = [];
    for (let start = 0; start < writes.length; start += perBatch) {
      const batch = this.db.batch();
      for (const write of writes.slice(start, start + perBatch)) {
        const document = this.db.collection(write.collection).doc(write.id);
        batch.set(document, { ...write.latest, ...increments(write.counts), updatedAt: nowMs }, { merge: true });
        if (Object.keys(write.counts).length > 0) {
          batch.set(
            document.collection(STATUS_COLLECTIONS.windows).doc(String(write.bucket)),
            {
              bucketStart: write.bucket,
              [WINDOW_EXPIRE_FIELD]: Timestamp.fromMillis(write.bucket + BUCKET_TTL_MS),
              ...increments(write.counts),
            },
            { merge: true },
          );
        }
      }
      commits.push(batch.commit());
    }
    for (const write of writes) {
      if (write.firstAt === undefined) continue;
      const first = this.db
        .collection(write.collection)
        .doc(write.id)
        .collection(STATUS_COLLECTIONS.first)
        .doc("verified");
      commits.push(
        first.create({ at: write.firstAt }).catch((error: { code?: number }) => {
          if (error.code !== ALREADY_EXISTS) throw error;
        }),
      );
    }
    await Promise.all(commits);
  }

  close(): Promise<void> {
    return this.db.terminate();
  }
}
