import type { DocumentSnapshot, Firestore } from "@google-cloud/firestore";
import {
  INTAKE_DOCUMENT,
  STATUS_COLLECTIONS,
  STATUS_WINDOW_MS,
  type DeliveryCounter,
  type DispatchCounter,
  type IntakeCounter,
} from "../../contract/status-store";
import type { DeliverySignals, DispatchSignals, IntakeSignals, StatusSignals } from "../../contract/status-evaluation";

/*
 * Reads the status store (contract/status-store.ts) into the signals status evaluation judges: each document's
 * totals and latest values, plus its window buckets that started within STATUS_WINDOW_MS. Read-only; used by
 * `npm run status` and by the LiveStatus dynamic resource, so `@google-cloud/firestore` is required inside the
 * function that needs it (the serialized provider must keep the bare module name).
 */

export interface StatusStoreLocation {
  projectId: string;
  databaseId: string;
  /** host:port of the Firestore emulator; default FIRESTORE_EMULATOR_HOST, which the client reads itself. */
  emulatorHost?: string;
}

/** A read-only Firestore client on the status database. */
export function openStatusStore(location: StatusStoreLocation): Firestore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Firestore: Client } = require("@google-cloud/firestore") as typeof import("@google-cloud/firestore");
  return new Client({
    projectId: location.projectId,
    databaseId: location.databaseId,
    ...(location.emulatorHost !== undefined && { host: location.emulatorHost, ssl: false }),
  });
}

type Counts<C extends string> = Record<C, number>;

function number(snapshot: DocumentSnapshot, field: string): number | undefined {
  const value: unknown = snapshot.get(field);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function text(snapshot: DocumentSnapshot, field: string): string | undefined {
  const value: unknown = snapshot.get(field);
  return typeof value === "string" ? value : value === undefined || value === null ? undefined : String(value);
}

function counts<C extends string>(snapshot: DocumentSnapshot, names: readonly C[]): Counts<C> {
  return Object.fromEntries(names.map((name) => [name, number(snapshot, name) ?? 0])) as Counts<C>;
}

/** The window's sums, and the start of the earliest bucket where `failure` is non-zero. */
async function windowOf<C extends string>(
  snapshot: DocumentSnapshot,
  names: readonly C[],
  failure: C,
  since: number,
): Promise<Counts<C> & { firstFailureAt?: number }> {
  const buckets = await snapshot.ref.collection(STATUS_COLLECTIONS.windows).where("bucketStart", ">=", since).get();
  const sums = Object.fromEntries(names.map((name) => [name, 0])) as Counts<C>;
  let firstFailureAt: number | undefined;
  for (const bucket of buckets.docs) {
    const bucketCounts = counts(bucket, names);
    for (const name of names) sums[name] += bucketCounts[name];
    const start = number(bucket, "bucketStart");
    if (bucketCounts[failure] > 0 && start !== undefined) firstFailureAt = Math.min(firstFailureAt ?? start, start);
  }
  return { ...sums, ...(firstFailureAt !== undefined && { firstFailureAt }) };
}

const DELIVERY: readonly DeliveryCounter[] = ["verified", "publishFailures"];
const INTAKE: readonly IntakeCounter[] = ["verifiedRequests", "signatureRejected", "deadLettered"];
const DISPATCH: readonly DispatchCounter[] = ["executed", "failed", "deadLettered"];

async function delivery(snapshot: DocumentSnapshot, since: number): Promise<DeliverySignals> {
  const [window, first] = await Promise.all([
    windowOf(snapshot, DELIVERY, "publishFailures", since),
    snapshot.ref.collection(STATUS_COLLECTIONS.first).doc("verified").get(),
  ]);
  return {
    eventType: text(snapshot, "eventType") ?? snapshot.id.split("~")[0],
    portalId: text(snapshot, "portalId") ?? snapshot.id.split("~")[1] ?? "unknown",
    ...counts(snapshot, DELIVERY),
    firstVerifiedAt: first.exists ? number(first, "at") : undefined,
    lastVerifiedAt: number(snapshot, "lastVerifiedAt"),
    lastPublishFailureAt: number(snapshot, "lastPublishFailureAt"),
    lastPublishError: text(snapshot, "lastPublishError"),
    window: {
      verified: window.verified,
      publishFailures: window.publishFailures,
      firstFailureAt: window.firstFailureAt,
    },
  };
}

async function intake(snapshot: DocumentSnapshot, since: number): Promise<IntakeSignals> {
  const window = await windowOf(snapshot, INTAKE, "signatureRejected", since);
  return {
    ...counts(snapshot, INTAKE),
    lastRejectedAt: number(snapshot, "lastRejectedAt"),
    lastRejectReason: text(snapshot, "lastRejectReason"),
    window: {
      verifiedRequests: window.verifiedRequests,
      signatureRejected: window.signatureRejected,
      firstRejectedAt: window.firstFailureAt,
    },
  };
}

async function dispatch(snapshot: DocumentSnapshot, since: number): Promise<DispatchSignals> {
  const window = await windowOf(snapshot, DISPATCH, "failed", since);
  return {
    trigger: text(snapshot, "trigger") ?? snapshot.id.split("~")[0],
    portalId: text(snapshot, "portalId") ?? snapshot.id.split("~")[1] ?? "unknown",
    ...counts(snapshot, DISPATCH),
    lastExecutedAt: number(snapshot, "lastExecutedAt"),
    lastFailedAt: number(snapshot, "lastFailedAt"),
    lastError: text(snapshot, "lastError"),
    window: { executed: window.executed, failed: window.failed, firstFailureAt: window.firstFailureAt },
  };
}

/** Everything the store holds now, windowed at `nowMs`. */
export async function readStatusSignals(db: Firestore, nowMs: number): Promise<StatusSignals> {
  const since = nowMs - STATUS_WINDOW_MS;
  const [deliveries, intakeDocument, dispatches] = await Promise.all([
    db.collection(STATUS_COLLECTIONS.deliveries).get(),
    db.collection(STATUS_COLLECTIONS.intake).doc(INTAKE_DOCUMENT).get(),
    db.collection(STATUS_COLLECTIONS.dispatches).get(),
  ]);
  return {
    readAt: nowMs,
    deliveries: await Promise.all(deliveries.docs.map((d) => delivery(d, since))),
    ...(intakeDocument.exists && { intake: await intake(intakeDocument, since) }),
    dispatches: await Promise.all(dispatches.docs.map((d) => dispatch(d, since))),
  };
}
