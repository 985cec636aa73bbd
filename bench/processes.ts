// Child processes for the benchmarks, pinned to one core each where `taskset` exists, so the load generator and the
// server under test do not compete for the same core on this 2-core machine.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export const HAS_TASKSET = spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

export interface Child {
  process: ChildProcess;
  /** What the child sent first (`{ready: true, ...}`). */
  hello: Record<string, unknown>;
  request<T>(message: unknown): Promise<T>;
  stop(): Promise<void>;
  /** Peak resident set size in MiB (VmHWM), read from /proc while the process is alive. */
  peakRssMiB(): number;
  /** CPU time used so far (user + system), in seconds, from /proc. */
  cpuSeconds(): number;
}

// USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100;

export interface ChildOptions {
  core?: number;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof` for bench/profile.ts. */
  nodeFlags?: string[];
}

export function startChild(file: string, options: ChildOptions = {}): Promise<Child> {
  const nodeArgs = [...(options.nodeFlags ?? []), "--require", "tsx/cjs", file];
  const [command, args] =
    HAS_TASKSET && options.core !== undefined
      ? ["taskset", ["-c", String(options.core), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const child = spawn(command, args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // Structured clone: prepared request bodies cross as bytes, not as JSON arrays of numbers.
    serialization: "advanced",
    env: { ...process.env, ...options.env },
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${String(code)} before it was ready`)));
    child.once("message", (hello: Record<string, unknown>) => {
      child.removeAllListeners("exit");
      resolve({
        process: child,
        hello,
        request: <T>(message: unknown) =>
          new Promise<T>((done) => {
            child.once("message", (answer: T) => done(answer));
            child.send(message as object);
          }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
          }),
        peakRssMiB: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
          return Math.round(kib / 1024);
        },
        cpuSeconds: () => {
          // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
          const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
        },
      });
    });
  });
}
