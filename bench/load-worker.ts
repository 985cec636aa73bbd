// The load generator's process: builds its own signed requests (shipping 40 MB over IPC would cost more than
// signing), runs one job per message and answers with the result. Requests are signed again once they are two
// minutes old: the listener refuses timestamps older than five minutes, and `--runs` lasts longer than that.
import { runLoad, type LoadJob, type PreparedRequest } from "./load-generator";
import { prepareRequests } from "./requests";

export interface WorkerJob extends Omit<LoadJob, "requests"> {
  /** Distinct signed batches to cycle through; or prepared push envelopes for the dispatcher. */
  batches?: number;
  /** Object ids above 2^53 in every third event (the lossless-parse path). */
  bigIds?: boolean;
  requests?: PreparedRequest[];
}

const MAX_AGE_MS = 120_000;
const prepared = new Map<boolean, { at: number; requests: PreparedRequest[] }>();

function signedRequests(batches: number, bigIds: boolean): PreparedRequest[] {
  const cached = prepared.get(bigIds);
  if (cached && Date.now() - cached.at < MAX_AGE_MS) return cached.requests;
  const fresh = { at: Date.now(), requests: prepareRequests(batches, { bigIds }) };
  prepared.set(bigIds, fresh);
  return fresh.requests;
}

process.on("message", (message: WorkerJob) => {
  void (async () => {
    const requests = message.requests ?? signedRequests(message.batches ?? 2000, message.bigIds ?? false);
    const result = await runLoad({ ...message, requests });
    process.send?.(result);
  })();
});
process.send?.({ ready: true });
