/**
 * Debian's tinyproxy for tests: a real HTTP proxy with Basic authentication on a free 127.0.0.1 port, in the
 * foreground (`tinyproxy -d -c conf`), awaited until its log says it accepts connections, stopped with its process.
 *
 *   const proxy = await startTinyproxyOrSkip(this, { user, password, connectPorts: [standIn.port] });
 *   proxy.log()    // every log line so far ("Request (file descriptor 5): CONNECT 127.0.0.1:443 HTTP/1.1")
 *   await proxy.stop();
 *
 * tinyproxy logs to stdout in the foreground when the configuration names no LogFile: the helper keeps the lines in
 * memory and appends them to `logFile` as well, for a failed test's reader. `.ci/run` installs tinyproxy when missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./emulator-process";

export interface TinyproxyOptions {
  user: string;
  /** tinyproxy's configuration grammar takes no whitespace, quote or colon in it. */
  password: string;
  /** The ports CONNECT may reach (tinyproxy refuses every other one once one is listed). */
  connectPorts: number[];
}

export interface Tinyproxy {
  host: "127.0.0.1";
  port: number;
  logFile: string;
  log(): string[];
  /** Resolves when a log line matches (a request the test just made may be logged a moment after its answer). */
  waitForLog(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

const READY_LINE = /Accepting connections/;

/** The tinyproxy binary, or the reason there is none. */
export function findTinyproxy(): { binary: string } | { missing: string } {
  const found = spawnSync("sh", ["-c", "command -v tinyproxy"], { encoding: "utf8" });
  const binary = found.stdout.trim();
  if (found.status !== 0 || !binary) return { missing: "tinyproxy is not on PATH (apt-get install -y tinyproxy)" };
  return { binary };
}

export async function startTinyproxy(options: TinyproxyOptions): Promise<Tinyproxy> {
  const found = findTinyproxy();
  if ("missing" in found) throw new Error(found.missing);
  if (!/^[^\s"':]+$/.test(options.password) || !/^[^\s"':]+$/.test(options.user)) {
    throw new Error("tinyproxy BasicAuth takes a user and password without whitespace, quotes or colons");
  }
  const dir = mkdtempSync(path.join(tmpdir(), "tinyproxy-"));
  const port = await freePort();
  const config = [
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    // Info logs every request line (CONNECT host:port, or the forwarded absolute URL) at the CONNECT level.
    "LogLevel Info",
    "MaxClients 50",
    "Allow 127.0.0.1",
    "DisableViaHeader Yes",
    `BasicAuth ${options.user} ${options.password}`,
    ...options.connectPorts.map((connectPort) => `ConnectPort ${connectPort}`),
  ];
  const configFile = path.join(dir, "tinyproxy.conf");
  const logFile = path.join(dir, "tinyproxy.log");
  writeFileSync(configFile, config.join("\n") + "\n");
  writeFileSync(logFile, "");

  const child: ChildProcess = spawn(found.binary, ["-d", "-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let pending = "";
  const onOutput = (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) {
      lines.push(line);
      appendFileSync(logFile, line + "\n");
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const waitForLog = (pattern: RegExp): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ pattern, resolve }));
  };

  const ready = await Promise.race([waitForLog(READY_LINE).then(() => true), exited.then(() => false)]);
  if (!ready) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`tinyproxy exited before accepting connections:\n${lines.join("\n")}`);
  }
  return {
    host: "127.0.0.1",
    port,
    logFile,
    log: () => [...lines],
    waitForLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** In a mocha hook or test: tinyproxy, or `this.skip()` with the reason printed. */
export async function startTinyproxyOrSkip(context: Mocha.Context, options: TinyproxyOptions): Promise<Tinyproxy> {
  const found = findTinyproxy();
  if ("missing" in found) {
    console.log(`      skipped: ${found.missing}`);
    context.skip();
  }
  return startTinyproxy(options);
}
