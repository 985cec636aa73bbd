/**
 * The status recorder a role runs when STATUS_DATABASE is set: Firestore writer, flush timer, and one log line when
 * writes start failing (and one when they recover), never one per attempt.
 */
import type { Logger } from "../log";
import { createStatusFirestore, FirestoreStatusWriter } from "./firestore-writer";
import { StatusRecorder, type StatusWriter } from "./recorder";

export { StatusRecorder, type StatusWrite, type StatusWriter } from "./recorder";

/** The status part of a role's config. */
export interface StatusStoreConfig {
  databaseId: string;
  projectId: string | undefined;
  flushIntervalMs: number;
  emulatorHost: string | undefined;
}

export function startStatusRecorder(
  config: StatusStoreConfig,
  logger: Logger,
  options: { now?: () => number; writer?: StatusWriter } = {},
): StatusRecorder {
  const writer =
    options.writer ??
    new FirestoreStatusWriter(
      createStatusFirestore({
        projectId: config.projectId,
        databaseId: config.databaseId,
        emulatorHost: config.emulatorHost,
      }),
    );
  const recorder = new StatusRecorder({
    writer,
    flushIntervalMs: config.flushIntervalMs,
    now: options.now,
    onWriteProblem: ({ failed, error, documents }) =>
      failed
        ? logger.warn("status store write failed; counts kept for the next interval", {
            database: config.databaseId,
            documents,
            error,
          })
        : logger.info("status store writes recovered", { database: config.databaseId, documents }),
  });
  recorder.start();
  return recorder;
}
