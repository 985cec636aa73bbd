// The entry point as Cloud Run runs it: a real process, configured by environment, stopped by SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startRole } from "../../runtime/main";
import { EnvError } from "../../contract/runtime-env";
import { captureLogs } from "../../runtime/shared/log";
import { freePort } from "../../testing/pubsub-emulator";
import { postSigned, PUBLIC_URL, RecordingSink, SECRET, startTestListener } from "./support/fixtures";
import { batchJson, sampleEvents } from "../../testing/sample-events";

const ROOT = path.resolve(__dirname, "../..");

describe("listener entry point", () => {
  it("rejects an unknown ROLE, naming the variable and the rule", async () => {
    const { logger } = captureLogs();
    await assert.rejects(startRole({ ROLE: "worker" }, logger), (error: unknown) => {
      assert.ok(error instanceof EnvError);
      assert.deepEqual(error.problems, ['ROLE: "worker" is not allowed; the rule is one of listener|dispatcher']);
      return true;
    });
  });

  it("exits 78 with every configuration problem logged when the environment is invalid", async () => {
    const child = spawn(process.execPath, ["-r", "tsx/cjs", "runtime/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ROLE: "listener", PORT: "http", HUBSPOT_CLIENT_SECRET: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const [code] = await once(child, "exit");
    assert.equal(code, 78);
    const entry = JSON.parse(output.trim().split("\n").pop()!) as { severity: string; problems: string[] };
    assert.equal(entry.severity, "ERROR");
    assert.deepEqual(entry.problems, [
      'PORT: "http" is not an integer; the rule is an integer in 0..65535',
      "HUBSPOT_CLIENT_SECRET: is missing; the rule is: required",
    ]);
  });

  it("serves, writes JSON lines to LOCAL_SINK_FILE, and on SIGTERM finishes and exits 0", async function () {
    this.timeout(30_000);
    const port = await freePort();
    const sinkFile = path.join(mkdtempSync(path.join(tmpdir(), "listener-")), "events.jsonl");
    const child = spawn(process.execPath, ["-r", "tsx/cjs", "runtime/main.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HUBSPOT_CLIENT_SECRET: SECRET,
        PUBLIC_URL,
        LOCAL_SINK_FILE: sinkFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      while (!output.includes('"listener started"')) {
        if (child.exitCode !== null) assert.fail(`listener exited: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const response = await postSigned(
        `http://127.0.0.1:${port}/webhooks/hubspot`,
        batchJson(sampleEvents("deal.creation", 2)),
      );
      assert.equal(response.status, 204);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
    assert.match(output, /"message":"listener stopped"/);
    const lines = readFileSync(sinkFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { payload: { eventType: string } });
    assert.deepEqual(
      lines.map((line) => line.payload.eventType),
      ["deal.creation", "deal.creation"],
    );
  });

  it("send-test-event delivers signed batches of all nine types that the listener accepts, ids intact", async function () {
    this.timeout(30_000);
    const sink = new RecordingSink();
    const server = await startTestListener({}, sink);
    try {
      const child = spawn(
        process.execPath,
        [
          "-r",
          "tsx/cjs",
          "scripts/send-test-event.ts",
          "--url",
          server.url,
          "--secret",
          SECRET,
          "--signed-url",
          PUBLIC_URL,
          "--type",
          "all",
          "--count",
          "3",
          "--generic",
        ],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const [code] = await once(child, "exit");
      assert.equal(code, 0, output);
      assert.equal(output.trim().split("\n").length, 9);
      const types = new Set(sink.published.map((payload) => payload.eventType));
      assert.deepEqual([...types].sort(), [
        "company.creation",
        "company.deletion",
        "company.propertyChange",
        "contact.creation",
        "contact.deletion",
        "contact.propertyChange",
        "deal.creation",
        "deal.deletion",
        "deal.propertyChange",
      ]);
      assert.equal(sink.published.length, 27);
      assert.ok(sink.published.some((payload) => BigInt(payload.objectId) > BigInt(Number.MAX_SAFE_INTEGER)));
    } finally {
      await server.listener.close();
    }
  });

  it("send-test-event exits 1 when the listener refuses (wrong secret) and 2 on a bad option", async function () {
    this.timeout(30_000);
    const server = await startTestListener({}, new RecordingSink());
    try {
      const run = async (args: string[]) => {
        const child = spawn(process.execPath, ["-r", "tsx/cjs", "scripts/send-test-event.ts", ...args], {
          cwd: ROOT,
          stdio: "ignore",
        });
        return (await once(child, "exit"))[0] as number;
      };
      assert.equal(await run(["--url", server.url, "--secret", "wrong-secret-value", "--type", "deal.creation"]), 1);
      assert.equal(await run(["--url", server.url, "--secret", SECRET, "--type", "ticket.creation"]), 2);
    } finally {
      await server.listener.close();
    }
  });
});
