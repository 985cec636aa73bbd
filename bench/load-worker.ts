// The load generator's process: builds its own signed requests (shipping 40 MB over IPC would cost more than
// signing), runs one job per message and answers with the result.
import { runLoad, type LoadJob, type PreparedRequest } from "./load-generator";
import { prepareRequests } from "./requests";

export interface WorkerJob extends Omit<LoadJob, "requests"> {
  /** Distinct signed batches to cycle through; or prepared push envelopes for the dispatcher. */
  batches?: number;
  requests?: PreparedRequest[];
}

let prepared: PreparedRequest[] | undefined;

process.on("message", (message: WorkerJob) => {
  void (async () => {
    const requests = message.requests ?? (prepared ??= prepareRequests(message.batches ?? 2000));
    const result = await runLoad({ ...message, requests });
    process.send?.(result);
  })();
});
process.send?.({ ready: true });
