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
import { spawn, type ChildProcess } from "node:child_process";
import { findSdkLauncher, freePort, stopProcessGroup, trackProcessGroup } from "./emulator-process";

const READY_TIMEOUT_MS = 40_000;

/** The emulator launcher, or the reason there is none. */
export function findFirestoreEmulator(): { binary: string } | { missing: string } {
  return findSdkLauncher(
    "platform/cloud-firestore-emulator/cloud_firestore_emulator",
    "Firestore emulator",
    "google-cloud-cli-firestore-emulator",
  );
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
    trackProcessGroup(child);
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
    await stopProcessGroup(child);
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
