/**
 * What the listener tells the status store (contract/status-store.ts): per event type and portal, verified events
 * published and publish failures; in the one intake document, verified requests, signature rejections (which no
 * portal can be blamed for: the body is untrusted until verified) and dead letters. Calls only accumulate in memory
 * (StatusRecorder); nothing here waits or throws.
 */
import {
  INTAKE_DOCUMENT,
  STATUS_COLLECTIONS,
  statusDocumentId,
  statusText,
  type DeliveryCounter,
  type IntakeCounter,
} from "../../contract/status-store";
import type { StatusRecorder } from "../shared/status/recorder";

interface EventIdentity {
  payload: { eventType: string; portalId: string };
}

export class ListenerStatusSignals {
  constructor(
    private readonly recorder: StatusRecorder,
    private readonly now: () => number,
  ) {}

  /**
   * A request whose signature failed. Requests with no signature at all are not counted: they are scanners, not
   * HubSpot with a wrong secret, and would turn any quiet trigger to Error.
   */
  signatureRejected(reason: string): void {
    if (reason === "missing-signature") return;
    this.intake({ signatureRejected: 1 }, { lastRejectedAt: this.now(), lastRejectReason: reason });
  }

  /** A verified request's outcome: its published events, the ones Pub/Sub failed to take, its dead letters. */
  verified(
    published: readonly EventIdentity[],
    publishFailed: readonly EventIdentity[],
    deadLetters: readonly { reason: string }[],
    error?: unknown,
  ): void {
    const at = this.now();
    this.intake(
      { verifiedRequests: 1, deadLettered: deadLetters.length },
      deadLetters.length > 0 ? { lastDeadLetterAt: at, lastDeadLetterReason: deadLetters[0].reason } : {},
    );
    for (const [key, group] of byTypeAndPortal(published)) {
      this.delivery(key, group, { verified: group.count }, { lastVerifiedAt: at }, at);
    }
    if (publishFailed.length === 0) return;
    const message = statusText(error instanceof Error ? error.message : String(error ?? "publish failed"));
    for (const [key, group] of byTypeAndPortal(publishFailed)) {
      this.delivery(
        key,
        group,
        { publishFailures: group.count },
        { lastPublishFailureAt: at, lastPublishError: message },
      );
    }
  }

  private intake(counts: Partial<Record<IntakeCounter, number>>, latest: Record<string, string | number>): void {
    this.recorder.record(STATUS_COLLECTIONS.intake, INTAKE_DOCUMENT, counts as Record<string, number>, latest);
  }

  private delivery(
    id: string,
    group: { eventType: string; portalId: string },
    counts: Partial<Record<DeliveryCounter, number>>,
    latest: Record<string, string | number>,
    firstAt?: number,
  ): void {
    this.recorder.record(
      STATUS_COLLECTIONS.deliveries,
      id,
      counts as Record<string, number>,
      { eventType: group.eventType, portalId: group.portalId, ...latest },
      firstAt,
    );
  }
}

/** One record per (event type, portal) of a batch, not one per event: a batch holds up to 100. */
function byTypeAndPortal(
  events: readonly EventIdentity[],
): Map<string, { eventType: string; portalId: string; count: number }> {
  const groups = new Map<string, { eventType: string; portalId: string; count: number }>();
  for (const { payload } of events) {
    const id = statusDocumentId(payload.eventType, payload.portalId);
    const group = groups.get(id);
    if (group) group.count++;
    else groups.set(id, { eventType: payload.eventType, portalId: String(payload.portalId), count: 1 });
  }
  return groups;
}
