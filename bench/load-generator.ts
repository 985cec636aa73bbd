// Closed-loop HTTP load generator: N keep-alive connections, each sending the next prepared request as soon as the
// previous answer arrived. Runs in its own process (pinned to another core than the server by bench/run.ts) and
// reports through IPC, so its own CPU use never counts against the server.
import { Agent, request } from "node:http";

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadJob {
  port: number;
  connections: number;
  durationMs: number;
  /** Requests per second to aim at across all connections; 0 = as fast as the server answers. */
  targetRate: number;
  requests: PreparedRequest[];
  /** After a 429 or 503, this connection waits this long before its next request (push senders back off). */
  backoffOnRefusalMs?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  statusCounts: Record<string, number>;
  elapsedMs: number;
  /** Latencies in microseconds, sorted. */
  latenciesUs: number[];
}

function sendOne(agent: Agent, port: number, prepared: PreparedRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: prepared.path, headers: prepared.headers, agent },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(prepared.body);
  });
}

/** How a closed- or open-loop run is paced; `runLoad` and bench/servers/publisher-bare.ts share it. */
export type PacedJob = Pick<LoadJob, "connections" | "durationMs" | "targetRate" | "backoffOnRefusalMs">;

/**
 * Runs `job.connections` loops until the deadline, each awaiting `sendNext(n)` (n counts up across loops) and
 * recording its latency; `sendNext` answers an HTTP-like status (2xx = ok).
 */
export async function drive(job: PacedJob, sendNext: (n: number) => Promise<number>): Promise<LoadResult> {
  const result: LoadResult = { sent: 0, ok: 0, errors: 0, statusCounts: {}, elapsedMs: 0, latenciesUs: [] };
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(job.durationMs) * 1_000_000n;
  const intervalNs = job.targetRate > 0 ? BigInt(Math.round((1e9 * job.connections) / job.targetRate)) : 0n;
  let next = 0;
  const worker = async (): Promise<void> => {
    let due = process.hrtime.bigint();
    while (process.hrtime.bigint() < deadline) {
      if (intervalNs > 0n) {
        const now = process.hrtime.bigint();
        if (due > now) await new Promise((r) => setTimeout(r, Number((due - now) / 1_000_000n)));
        due += intervalNs;
      }
      const t0 = process.hrtime.bigint();
      const status = await sendNext(next++);
      result.latenciesUs.push(Number((process.hrtime.bigint() - t0) / 1000n));
      result.sent += 1;
      result.statusCounts[String(status)] = (result.statusCounts[String(status)] ?? 0) + 1;
      if (status >= 200 && status < 300) result.ok += 1;
      else result.errors += 1;
      if (job.backoffOnRefusalMs && (status === 429 || status === 503)) {
        await new Promise((r) => setTimeout(r, job.backoffOnRefusalMs));
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, worker));
  result.elapsedMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
  result.latenciesUs.sort((a, b) => a - b);
  return result;
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  try {
    return await drive(job, (n) => sendOne(agent, job.port, job.requests[n % job.requests.length]));
  } finally {
    agent.destroy();
  }
}

export function percentile(sortedUs: number[], p: number): number {
  if (sortedUs.length === 0) return 0;
  return sortedUs[Math.min(sortedUs.length - 1, Math.floor((p / 100) * sortedUs.length))] / 1000;
}
