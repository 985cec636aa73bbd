// Fault: Cloud Run stops an instance (SIGTERM, then SIGKILL 10 s later) while HubSpot deliveries keep coming. The
// listener runs as Cloud Run runs it, `runtime/main.ts` in a child process publishing to the emulator. Requests in
// flight at the signal must finish with their answer, later ones must find the port closed (never a response cut
// off), the process must exit 0 within 10 s, and every batch answered 2xx must be on the topic.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { PubSub } from "@google-cloud/pubsub";
import { createPubSub } from "../../runtime/shared/pubsub";
import { freePort, startEmulatorOrSkip, type PubSubEmulator } from "../../testing/pubsub-emulator";
import {
  createTopics,
  deliver,
  distinctBatches,
  isAccepted,
  PROJECT,
  PUBLIC_URL,
  SECRET,
  signedDelivery,
  sleep,
  TopicRecorder,
  waitFor,
  type DeliveryOutcome,
} from "./support";

const REPO_ROOT = path.resolve(__dirname, "../..");
const CLOUD_RUN_GRACE_MS = 10_000;
const CONNECTIONS = 6;
const ACCEPT_QUEUE_WINDOW_MS = 100;

interface Delivery {
  batch: number;
  startedAt: number;
  endedAt: number;
  outcome: DeliveryOutcome;
}

describe("fault: SIGTERM under load", function () {
  this.timeout(120_000);
  let emulator: PubSubEmulator;
  let admin: PubSub;
  let child: ChildProcess | undefined;

  before(async function () {
    emulator = await startEmulatorOrSkip(this);
    admin = createPubSub({ projectId: PROJECT, emulatorHost: emulator.host });
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await admin?.close();
    await emulator?.stop();
  });

  it("finishes in-flight requests, exits 0 within Cloud Run's 10 s, and every 2xx batch is on the topic", async () => {
    const topics = await createTopics(admin, "events", "dead", "capture");
    const recorder = new TopicRecorder();
    recorder.attach(topics.subscription);
    const port = await freePort();
    let output = "";
    const listener = spawn(process.execPath, ["--require", "tsx/cjs", "runtime/main.ts"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ROLE: "listener",
        PORT: String(port),
        HOST: "127.0.0.1",
        HUBSPOT_CLIENT_SECRET: SECRET,
        PUBLIC_URL,
        GOOGLE_CLOUD_PROJECT: PROJECT,
        EVENTS_TOPIC: topics.eventsPath,
        DEAD_LETTER_TOPIC: topics.deadPath,
        PUBSUB_EMULATOR_HOST: emulator.host,
        LOG_LEVEL: "WARNING",
        METADATA_SERVER_DETECTION: "none",
      },
    });
    child = listener;
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    listener.stdout?.on("data", keep);
    listener.stderr?.on("data", keep);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      listener.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    await waitUntilHealthy(port, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; listener output:\n${output}`);
    });

    // Steady load: CONNECTIONS clients, each sending the next batch once the previous one is answered.
    const batches = distinctBatches(2000, 20);
    const deliveries: Delivery[] = [];
    let next = 0;
    let stopLoad = false;
    const client = async () => {
      while (!stopLoad && next < batches.length) {
        const batch = batches[next++];
        const startedAt = Date.now();
        const outcome = await deliver(port, signedDelivery(batch.events));
        deliveries.push({ batch: batch.id, startedAt, endedAt: Date.now(), outcome });
        if (outcome.kind === "not-connected") await sleep(20);
      }
    };
    const load = Promise.all(Array.from({ length: CONNECTIONS }, client));

    await waitFor(() => deliveries.filter((d) => isAccepted(d.outcome)).length >= 20, 30_000, "no steady load");
    const signalledAt = Date.now();
    listener.kill("SIGTERM");
    const exit = await Promise.race([exited, sleep(CLOUD_RUN_GRACE_MS + 5000).then(() => undefined)]);
    assert.ok(exit, `the listener did not exit within ${CLOUD_RUN_GRACE_MS + 5000} ms; output:\n${output}`);
    await sleep(300); // let the clients meet the closed port
    stopLoad = true;
    await load;

    assert.equal(exit.signal, null, `killed by ${exit.signal}`);
    assert.equal(exit.code, 0, `exit code ${exit.code}; output:\n${output}`);
    const shutdownMs = exit.at - signalledAt;
    assert.ok(shutdownMs < CLOUD_RUN_GRACE_MS, `took ${shutdownMs} ms to exit`);

    const broken = deliveries.filter((d) => d.outcome.kind === "broken");
    assert.deepEqual(broken, [], "a response was cut off");
    const answered = deliveries.filter((d) => d.outcome.kind === "answered");
    assert.deepEqual(
      answered.filter((d) => !isAccepted(d.outcome)).map((d) => d.outcome),
      [],
      "only 2xx answers are expected: Pub/Sub stayed up",
    );
    const notConnected = deliveries.filter((d) => d.outcome.kind === "not-connected");
    const codes = new Set(notConnected.map((d) => (d.outcome as { code: string }).code));
    // ECONNRESET is the one other honest outcome: a connection the kernel had queued when the listening socket
    // closed is reset, never answered, so HubSpot retries it. Requests sent before the signal must all be answered
    // (checked below), and the port must end up closed.
    assert.ok(codes.has("ECONNREFUSED"), `after the close a client must find the port closed; saw ${[...codes]}`);
    assert.deepEqual(
      [...codes].filter((code) => code !== "ECONNREFUSED" && code !== "ECONNRESET"),
      [],
      "a failed connection after SIGTERM must be refused or reset, nothing else",
    );
    // A request whose connection still sat in the kernel's accept queue when the listening socket closed (the
    // listener's event loop busy with the others) is reset by the OS: never answered, so HubSpot retries it and
    // nothing is lost. The client cannot tell it from a dropped request, so only resets of requests sent within
    // ACCEPT_QUEUE_WINDOW_MS before the signal are tolerated; anything sent earlier must have been answered.
    const early = notConnected.filter(
      (d) =>
        d.startedAt < signalledAt &&
        !(signalledAt - d.startedAt <= ACCEPT_QUEUE_WINDOW_MS && (d.outcome as { code: string }).code === "ECONNRESET"),
    );
    assert.deepEqual(
      early.map((d) => ({ code: (d.outcome as { code: string }).code, msBeforeSignal: signalledAt - d.startedAt })),
      [],
      "a request sent before SIGTERM was refused or dropped",
    );
    const straddling = answered.filter((d) => d.startedAt < signalledAt && d.endedAt >= signalledAt);
    assert.ok(straddling.length > 0, "no request was in flight at SIGTERM: the test proved nothing");

    const accepted = answered.map((d) => batches[d.batch]);
    await recorder.waitForAll(
      accepted.flatMap((batch) => batch.keys),
      20_000,
    );
    assert.deepEqual(recorder.problems, []);
    await recorder.detach();
    console.log(
      `      ${accepted.length} batches accepted (${straddling.length} in flight at SIGTERM), ` +
        `${notConnected.length} refused after the close; exit 0 after ${shutdownMs} ms`,
    );
  });
});

async function waitUntilHealthy(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`listener not healthy on port ${port} within ${timeoutMs} ms`);
}
