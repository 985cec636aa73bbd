/**
 * The Cloud Firestore emulator for tests, started like the Pub/Sub one (testing/pubsub-emulator.ts): on a free
 * 127.0.0.1 port, in its own process group (the launcher script starts Java), awaited until it answers, killed with
 * its group when the test process exits. Its state is in memory; `clear` empties every document of a database
 * through the emulator's REST endpoint, so suites do not see each other's documents.
 *
 *   const emulator = await startFirestoreEmulatorOrSkip(this);   // in a mocha before(); skips with a printed reason
 *   createStatusFirestore({ projectId, databaseId, emulatorHost: emulator.host })
 *
 * The emulator accepts any database id and needs no database to be created first; it does not run TTL policies.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "./pubsub-emulator";

const DEFAULT_SDK_ROOT = "/usr/lib/google-cloud-sdk";
const READY_TIMEOUT_MS = 40_000;

/** The emulator launcher, or the reason there is none. */
export function findFirestoreEmulator(): { binary: string } | { missing: string } {
  const roots = [process.env.CLOUDSDK_ROOT_DIR, DEFAULT_SDK_ROOT].filter((root): root is string => Boolean(root));
  const launcher = (root: string) => path.join(root, "platform/cloud-firestore-emulator/cloud_firestore_emulator");
  if (!roots.some((root) => existsSync(launcher(root)))) {
    const gcloud = spawnSync("gcloud", ["info", "--format=value(installation.sdk_root)"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    if (gcloud.status === 0 && gcloud.stdout.trim()) roots.unshift(gcloud.stdout.trim());
  }
  const binary = roots.map(launcher).find(existsSync);
  if (!binary) {
    return {
      missing: `no Firestore emulator under ${roots.join(", ")} (install google-cloud-cli-firestore-emulator)`,
    };
  }
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).status !== 0)
    return { missing: "java is not on PATH (the Firestore emulator needs a JRE)" };
  return { binary };
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export class FirestoreEmulator {
  private output = "";

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(binary: string): Promise<FirestoreEmulator> {
    const port = await freePort();
    const child = spawn(binary, ["start", "--host=127.0.0.1", `--port=${port}`], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    const emulator = new FirestoreEmulator(child, port);
    const keep = (chunk: Buffer) => {
      emulator.output = (emulator.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    await emulator.waitUntilAnswering();
    return emulator;
  }

  /** host:port, the FIRESTORE_EMULATOR_HOST value. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Deletes every document of one database (the emulator's reset endpoint). */
  async clear(projectId: string, databaseId: string): Promise<void> {
    const response = await fetch(
      `http://${this.host}/emulator/v1/projects/${projectId}/databases/${databaseId}/documents`,
      { method: "DELETE" },
    );
    if (!response.ok) throw new Error(`emulator reset answered HTTP ${response.status}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    const exited = new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
    );
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL"); // the Java child may outlive the launcher
    running.delete(child);
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`http://${this.host}/`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not yet listening
      }
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop();
    throw new Error(`Firestore emulator did not become ready on ${this.host}; output:\n${this.output}`);
  }
}

/** In a mocha `before`: the emulator, or `this.skip()` with the reason printed. */
export async function startFirestoreEmulatorOrSkip(context: Mocha.Context): Promise<FirestoreEmulator> {
  const found = findFirestoreEmulator();
  if ("missing" in found) {
    console.log(`      skipped: ${found.missing}`);
    context.skip();
  }
  context.timeout(READY_TIMEOUT_MS + 10_000);
  return FirestoreEmulator.start((found as { binary: string }).binary);
}
