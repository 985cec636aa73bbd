/**
 * The status store's layout: the Firestore documents the runtime writes (runtime/shared/status/) and the status
 * readers (`npm run status`, the LiveStatus dynamic resource) read. Written once here so both sides agree.
 *
 * Why these documents (docs/status.md has the whole picture):
 * - The listener knows the event type and portal of each verified event, not the triggers (they live in the
 *   dispatcher's table); so it writes `deliveries/<eventType>~<portalId>` and readers map event types to triggers.
 * - A signature rejection cannot be attributed to a portal or an event type: the body is untrusted until verified.
 *   Rejections and verified requests are counted together in the one document `intake/listener`, so "rejections
 *   dominate" is a ratio of the same requests.
 * - The dispatcher knows the trigger and the portal: `dispatches/<trigger>~<portalId>`.
 * Each document holds running totals and latest values; its `windows/<bucketStartMs>` subcollection holds the same
 * counters per BUCKET_MS, each with an `expireAt` a Firestore TTL policy deletes, so "over a recent window" is a
 * sum of a few small documents and nothing grows forever.
 */

export const STATUS_COLLECTIONS = {
  deliveries: "deliveries",
  intake: "intake",
  dispatches: "dispatches",
  /** Subcollection of each document above: counters per bucket. */
  windows: "windows",
  /** Subcollection of a deliveries document: `first/verified`, created once (Firestore has no "set if absent"). */
  first: "first",
} as const;

/** The single intake document id. */
export const INTAKE_DOCUMENT = "listener";
/** The field the TTL policy on the `windows` collection group reads. */
export const WINDOW_EXPIRE_FIELD = "expireAt";

/** Counters are bucketed by 5 minutes; a bucket's document is deleted by TTL a day after it starts. */
export const BUCKET_MS = 5 * 60 * 1000;
export const BUCKET_TTL_MS = 24 * 60 * 60 * 1000;
/** The recent window the status is judged on: the buckets that started within the last 15 minutes. */
export const STATUS_WINDOW_MS = 15 * 60 * 1000;
/** Writes per instance and document: at most one per this interval (STATUS_FLUSH_SECONDS' default). */
export const DEFAULT_FLUSH_INTERVAL_MS = 60 * 1000;

/** Counters per document kind (running totals on the document, per bucket in `windows`). */
export const DELIVERY_COUNTERS = ["verified", "publishFailures"] as const;
export const INTAKE_COUNTERS = ["verifiedRequests", "signatureRejected", "deadLettered"] as const;
export const DISPATCH_COUNTERS = ["executed", "failed", "deadLettered"] as const;

export type DeliveryCounter = (typeof DELIVERY_COUNTERS)[number];
export type IntakeCounter = (typeof INTAKE_COUNTERS)[number];
export type DispatchCounter = (typeof DISPATCH_COUNTERS)[number];

/** A Firestore document id may hold anything but "/"; "~" joins the parts (no event type, trigger or portal has one). */
export function statusDocumentId(...parts: (string | number)[]): string {
  return parts.map((part) => String(part).replaceAll("/", "_")).join("~");
}

/** The start of the bucket `atMs` falls in. */
export function bucketStart(atMs: number): number {
  return atMs - (atMs % BUCKET_MS);
}

/** Latest values kept on the documents (epoch milliseconds and short texts). */
export interface DeliveryLatest {
  eventType: string;
  portalId: string;
  lastVerifiedAt?: number;
  lastPublishFailureAt?: number;
  lastPublishError?: string;
}

export interface IntakeLatest {
  lastRejectedAt?: number;
  lastRejectReason?: string;
  lastDeadLetterAt?: number;
  lastDeadLetterReason?: string;
}

export interface DispatchLatest {
  trigger: string;
  portalId: string;
  lastExecutedAt?: number;
  lastFailedAt?: number;
  lastError?: string;
  lastDeadLetterAt?: number;
}

/** The longest text kept in a latest-value field: status lines, not logs. */
export const MAX_STATUS_TEXT = 300;

export function statusText(value: string): string {
  return value.length <= MAX_STATUS_TEXT ? value : `${value.slice(0, MAX_STATUS_TEXT - 1)}…`;
}
