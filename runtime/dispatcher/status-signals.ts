/**
 * What the dispatcher tells the status store (contract/status-store.ts): per trigger and portal, executions that
 * succeeded, failed (Pub/Sub redelivers, or the event went to the dead letter) and dead letters written. Calls only
 * accumulate in memory (StatusRecorder); nothing here waits or throws.
 */
import { STATUS_COLLECTIONS, statusDocumentId, statusText, type DispatchCounter } from "../../contract/status-store";
import type { StatusRecorder } from "../shared/status/recorder";

/** The portal of an event whose payload could not be read. */
export const UNKNOWN_PORTAL = "unknown";

export class DispatcherStatusSignals {
  constructor(
    private readonly recorder: StatusRecorder,
    private readonly now: () => number,
  ) {}

  executed(trigger: string, portalId: string): void {
    this.record(trigger, portalId, { executed: 1 }, { lastExecutedAt: this.now() });
  }

  /** An execution that did not happen or failed; `deadLettered`: the event was moved to the dead-letter topic. */
  failed(trigger: string, portalId: string, error: string, deadLettered: boolean): void {
    const at = this.now();
    this.record(
      trigger,
      portalId,
      { failed: 1, ...(deadLettered && { deadLettered: 1 }) },
      { lastFailedAt: at, lastError: statusText(error), ...(deadLettered && { lastDeadLetterAt: at }) },
    );
  }

  private record(
    trigger: string,
    portalId: string,
    counts: Partial<Record<DispatchCounter, number>>,
    latest: Record<string, string | number>,
  ): void {
    this.recorder.record(
      STATUS_COLLECTIONS.dispatches,
      statusDocumentId(trigger, portalId),
      counts as Record<string, number>,
      { trigger, portalId, ...latest },
    );
  }
}
