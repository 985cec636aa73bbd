/**
 * Why a publish failed, as far as the caller must act on it. Pub/Sub answers per RPC, and the client batches the
 * messages of concurrent requests into one RPC, so a refusal of one message fails all of its RPC's neighbours too:
 * only a message refused when published alone is at fault.
 * - transient: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED. Nothing is wrong with the message; the
 *   caller answers 503 and HubSpot retries.
 * - topic: NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED. The topic or our identity is wrong, not the message; every
 *   message would fail the same way, so dead-lettering them would divert all traffic: 503 and an ERROR log instead.
 * - message: anything else (INVALID_ARGUMENT above all, and errors the client raises before sending). Republished
 *   alone, a message that still fails this way can never be published: it is dead-lettered, never retried forever.
 * Codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html; Pub/Sub's retry guidance lists the transient ones
 * (design.md, "Facts checked for the second wave").
 */
export type PublishFailureKind = "transient" | "topic" | "message";

const TRANSIENT = new Set([4, 8, 10, 14]);
const TOPIC = new Set([5, 7, 16]);
const CODE_NAMES: Readonly<Record<number, string>> = {
  1: "CANCELLED",
  2: "UNKNOWN",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  10: "ABORTED",
  11: "OUT_OF_RANGE",
  12: "UNIMPLEMENTED",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  15: "DATA_LOSS",
  16: "UNAUTHENTICATED",
};

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

export function classifyPublishFailure(error: unknown): PublishFailureKind {
  const code = grpcCode(error);
  if (code !== undefined && TRANSIENT.has(code)) return "transient";
  if (code !== undefined && TOPIC.has(code)) return "topic";
  return "message";
}

/** `INVALID_ARGUMENT: <message>`, for a dead letter's reasonDetail and logs. */
export function describePublishFailure(error: unknown): string {
  const code = grpcCode(error);
  const name = code === undefined ? "client error" : (CODE_NAMES[code] ?? `gRPC code ${code}`);
  return `${name}: ${(error as Error)?.message ?? String(error)}`;
}
