/**
 * The Google Cloud Pub/Sub emulator for tests: started on a free 127.0.0.1 port in its own process group (the
 * launcher script forks Java; killing only the script would leave the server running), awaited until it answers,
 * stoppable and restartable on the same port (its state is in memory: a restart loses topics), and killed with
 * its group when the test process exits.
 *
 *   const emulator = await startEmulatorOrSkip(this);   // in a mocha before(); skips with a printed reason
 *   process.env... untouched: pass `emulator.host` to createPubSub({ emulatorHost }).
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { PubSub } from "@google-cloud/pubsub";
import { createPubSub } from "../runtime/shared/pubsub";
import { findSdkLauncher, freePort, stopProcessGroup, trackProcessGroup } from "./emulator-process";

const READY_TIMEOUT_MS = 40_000;

/** The emulator launcher, or the reason there is none. */
export function findEmulator(): { binary: string } | { missing: string } {
  return findSdkLauncher(
    "platform/pubsub-emulator/bin/cloud-pubsub-emulator",
    "Pub/Sub emulator",
    "google-cloud-cli-pubsub-emulator",
  );
}

export { freePort };

export class PubSubEmulator {
  private child: ChildProcess | undefined;
  private output = "";

  private constructor(
    readonly binary: string,
    readonly port: number,
  ) {}

  static async start(binary: string): Promise<PubSubEmulator> {
    const emulator = new PubSubEmulator(binary, await freePort());
    await emulator.startProcess();
    return emulator;
  }

  /** host:port, the PUBSUB_EMULATOR_HOST value. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    await stopProcessGroup(child);
    await this.waitUntil(async () => !(await this.answers()), 10_000, "emulator did not stop");
  }

  /** Same port, empty state. */
  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }

  private async startProcess(): Promise<void> {
    this.output = "";
    const child = spawn(this.binary, [`--host=127.0.0.1`, `--port=${this.port}`], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.child = child;
    trackProcessGroup(child);
    await this.waitUntil(() => this.answers(), READY_TIMEOUT_MS, "emulator did not become ready");
  }

  private async answers(): Promise<boolean> {
    try {
      const response = await fetch(`http://${this.host}/`, { signal: AbortSignal.timeout(1000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  private async waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      if (this.child && this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${message} on ${this.host}; output:\n${this.output}`);
  }
}

/** In a mocha `before`: the emulator, or `this.skip()` with the reason printed. */
export async function startEmulatorOrSkip(context: Mocha.Context): Promise<PubSubEmulator> {
  const found = findEmulator();
  if ("missing" in found) {
    console.log(`      skipped: ${found.missing}`);
    context.skip();
  }
  context.timeout(READY_TIMEOUT_MS + 10_000);
  return PubSubEmulator.start((found as { binary: string }).binary);
}

export interface EmulatorSuite {
  /** Set in `before`: read them in hooks and tests only. */
  readonly emulator: PubSubEmulator;
  readonly pubsub: PubSub;
  /** `close` runs in `after`, before the client and the emulator stop (last registered, first closed). */
  closeBeforeStop(close: () => Promise<unknown> | unknown): void;
}

/**
 * One emulator and one client for a mocha suite: started in `before` (skipped with the reason printed where the
 * emulator is missing), stopped in `after` once what the suite registered with `closeBeforeStop` (listeners,
 * dispatchers, subscribers) is closed, so nothing talks to a stopped emulator.
 */
export function emulatorForSuite(projectId: string): EmulatorSuite {
  const closers: (() => Promise<unknown> | unknown)[] = [];
  let emulator: PubSubEmulator | undefined;
  let pubsub: PubSub | undefined;
  const suite: EmulatorSuite = {
    get emulator() {
      if (!emulator) throw new Error("the emulator is started in `before`: read it in hooks and tests");
      return emulator;
    },
    get pubsub() {
      if (!pubsub) throw new Error("the client is made in `before`: read it in hooks and tests");
      return pubsub;
    },
    closeBeforeStop: (close) => closers.push(close),
  };
  before(async function () {
    emulator = await startEmulatorOrSkip(this);
    pubsub = createPubSub({ projectId, emulatorHost: emulator.host });
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await pubsub?.close();
    await emulator?.stop();
  });
  return suite;
}
