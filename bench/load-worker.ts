// The load generator's process: builds its own signed requests (shipping 40 MB over IPC would cost more than
// signing), runs one job per message and answers with the result.
import { runLoad, type LoadJob, type PreparedRequest } from "./load-generator";
import { prepareRequests } from "./requests";

export interface WorkerJob extends Omit<LoadJob, "requests"> {
  /** Distinct signed batches to cycle through; or prepared push envelopes for the dispatcher. */
  batches?: number;
  /** Object ids above 2^53 in every third event (the lossless-parse path). */
  bigIds?: boolean;
  requests?: PreparedRequest[];
}

const prepared = new Map<boolean, PreparedRequest[]>();

process.on("message", (message: WorkerJob) => {
  void (async () => {
    const bigIds = message.bigIds ?? false;
    if (!message.requests && !prepared.has(bigIds)) {
      prepared.set(bigIds, prepareRequests(message.batches ?? 2000, { bigIds }));
    }
    const requests = message.requests ?? prepared.get(bigIds)!;
    const result = await runLoad({ ...message, requests });
    process.send?.(result);
  })();
});
process.send?.({ ready: true });
