// What runtime/Dockerfile ships, tested without Docker: the compiled tree and the runtime dependencies the image
// installs, started the way the image's CMD starts them, with the environment the stack gives Cloud Run
// (components/runtime-env.ts), against the real Pub/Sub emulator; on the image's Node version and on this one.
import assert from "node:assert/strict";
import { builtinModules } from "node:module";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Message, PubSub } from "@google-cloud/pubsub";
import * as pulumi from "@pulumi/pulumi";
import { dispatcherEnv, listenerEnv, type RuntimeEnv } from "../../components/runtime-env";
import { batchJson, sampleEvents } from "../../testing/sample-events";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import { createPubSub } from "../../runtime/shared/pubsub";
import { attributesOf, samplePayload } from "../dispatcher/helpers";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { MetadataServerStandIn } from "../fixtures/metadata-server-stand-in";
import { postSigned, PUBLIC_URL, SECRET } from "../listener/support/fixtures";
import { freePort, startEmulatorOrSkip, type PubSubEmulator } from "../../testing/pubsub-emulator";
import {
  buildRuntimeTree,
  imageNode,
  readDockerfile,
  ROOT,
  run,
  startRole,
  type RunningRole,
  type RuntimeTree,
} from "./runtime-tree";
import { nextMessage } from "../support/next-message";

const PROJECT = "image-test-project";
const LOCATION = "europe-west1";
const RUNTIME_DEPENDENCIES = [
  "@google-cloud/firestore",
  "@google-cloud/pubsub",
  "@hubspot/api-client",
  "google-auth-library",
  // The HubSpot proxy agents (contract/hubspot-transport-agent.ts, required at call time).
  "http-proxy-agent",
  "https-proxy-agent",
  "lossless-json",
  "zod",
];

/**
 * End of life of the Node.js LTS lines, from the Node.js Release Working Group's schedule
 * (https://github.com/nodejs/Release#release-schedule): a base image past its line's date gets no security fixes.
 */
const LTS_END_OF_LIFE: Record<number, string> = { 20: "2026-04-30", 22: "2027-04-30", 24: "2028-04-30" };

interface Manifest {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface Lock {
  packages: Record<string, { version?: string; dev?: boolean }>;
}
const versionParts = (version: string): number[] => version.split(".").map(Number);

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as T;

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for builtins and paths. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

function requiredSpecifiers(tree: RuntimeTree): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const file of tree.compiled.filter((f) => f.endsWith(".js"))) {
    const text = readFileSync(path.join(tree.appDir, file), "utf8");
    byFile.set(
      file,
      [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]),
    );
  }
  return byFile;
}

/** A RuntimeEnv as the process sees it on Cloud Run: plain values resolved, secrets read from Secret Manager. */
async function resolveEnv(env: RuntimeEnv, secretValues: Record<string, string>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(env.plain).map(
      ([name, value]) =>
        new Promise<[string, string]>((resolve) => pulumi.output(value).apply((v) => resolve([name, v]))),
    ),
  );
  for (const name of Object.keys(env.secrets)) {
    if (!(name in secretValues)) throw new Error(`no test value for secret env ${name}`);
  }
  return { ...Object.fromEntries(entries), ...secretValues };
}

describe("runtime image (runtime/Dockerfile, built without Docker)", function () {
  const dockerfile = readDockerfile();
  let tree: RuntimeTree;
  let started = 0;
  // One emulator for both runtimes (it takes seconds to start); topic names carry the runtime.
  let emulator: PubSubEmulator | undefined;

  before(async function () {
    // First run: npm ci of the runtime dependencies (~30 s on a slow disk); later runs reuse it by the lock's hash.
    this.timeout(300_000);
    started = Date.now();
    tree = await buildRuntimeTree();
    console.log(`      runtime tree ready in ${Date.now() - started} ms (${tree.appDir})`);
  });

  describe("what the image holds", () => {
    it("builds every stage from one Node.js LTS image pinned by digest, its line not past end of life", () => {
      assert.ok(dockerfile.fromLines.length >= 2, "a multi-stage build");
      assert.deepEqual(new Set(dockerfile.fromLines), new Set(["${NODE_IMAGE}"]), "every FROM uses ARG NODE_IMAGE");
      assert.equal(dockerfile.variant, "bookworm-slim");
      const [major] = versionParts(dockerfile.nodeVersion);
      const endOfLife = LTS_END_OF_LIFE[major];
      assert.ok(endOfLife, `Node ${major} is not an LTS line this test knows (${Object.keys(LTS_END_OF_LIFE)})`);
      assert.ok(new Date(endOfLife).getTime() > Date.now(), `Node ${major} reached end of life on ${endOfLife}`);
    });

    it("declares in the runtime manifest's engines the Node line the image runs, from the image's version up", () => {
      const engines = readJson<Manifest>("runtime/package.json").engines?.node ?? "";
      const range = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(engines);
      assert.ok(range, `engines.node ${JSON.stringify(engines)}: the rule is ^X.Y.Z (one major line)`);
      const [major, minor, patch] = versionParts(dockerfile.nodeVersion);
      assert.equal(Number(range[1]), major, `the image runs Node ${dockerfile.nodeVersion}`);
      const floor = Number(range[2]) * 1e6 + Number(range[3]);
      assert.ok(floor <= minor * 1e6 + patch, `${engines} excludes the image's ${dockerfile.nodeVersion}`);
    });

    it("declares exactly the packages the compiled code requires, at the versions the root lock resolved", () => {
      const required = new Set<string>();
      for (const specifiers of requiredSpecifiers(tree).values()) {
        for (const specifier of specifiers) {
          const name = packageOf(specifier);
          if (name) required.add(name);
        }
      }
      const manifest = readJson<Manifest>("runtime/package.json");
      assert.deepEqual([...required].sort(), RUNTIME_DEPENDENCIES);
      assert.deepEqual(Object.keys(manifest.dependencies ?? {}).sort(), RUNTIME_DEPENDENCIES);
      const rootLock = readJson<Lock>("package-lock.json");
      for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        assert.equal(version, rootLock.packages[`node_modules/${name}`]?.version, `${name} differs from the root lock`);
      }
    });

    it("locks only package versions the root lock (what the tests run) already resolved", () => {
      const key = (p: string, v: { version?: string }) => `${p.replace(/.*node_modules\//, "")}@${v.version}`;
      const rootLock = readJson<Lock>("package-lock.json");
      const known = new Set(Object.entries(rootLock.packages).map(([p, v]) => key(p, v)));
      const runtime = Object.entries(readJson<Lock>("runtime/package-lock.json").packages).filter(([p]) => p !== "");
      assert.ok(runtime.length > 50, "the runtime lock holds the dependency tree");
      assert.deepEqual(
        runtime.map(([p, v]) => key(p, v)).filter((k) => !known.has(k)),
        [],
      );
    });

    it("ships the compiled service only: no test data, no Pulumi, no TypeScript, no source maps", () => {
      assert.ok(tree.compiled.includes(path.join("dist", dockerfile.cmd[1].replace(/^dist\//, ""))), "CMD's file");
      const offending = tree.compiled.filter(
        (file) => /sample|fixture|spec|test|stand-in/i.test(file) || /\.(ts|map)$/.test(file),
      );
      assert.deepEqual(offending, []);
      for (const [file, specifiers] of requiredSpecifiers(tree)) {
        for (const specifier of specifiers) {
          assert.ok(!specifier.startsWith("@pulumi/"), `${file} requires ${specifier}`);
          assert.ok(
            !/sample-events|test\/|testing\/|fixtures/.test(specifier),
            `${file} requires test data ${specifier}`,
          );
        }
      }
      // The runtime dependencies were installed without Pulumi or dev tooling.
      const installed = readJson<Lock>(path.relative(ROOT, path.join(tree.appDir, "node_modules/.package-lock.json")));
      const names = Object.keys(installed.packages);
      assert.deepEqual(
        names.filter((p) => /node_modules\/(@pulumi\/|typescript$|mocha$|tsx$)/.test(p)),
        [],
      );
    });
  });

  for (const runtime of ["image", "host"] as const) {
    describe(`both roles from the compiled tree on ${runtime === "image" ? "the image's" : "this machine's"} Node`, function () {
      let node: string;
      let emulatorHost: string;
      let pubsub: PubSub;
      let standIn: IntegrationStandIn;
      let metadata: MetadataServerStandIn;
      const roles: RunningRole[] = [];
      let home: string;

      before(async function () {
        this.timeout(300_000);
        if (runtime === "image") {
          const found = await imageNode(dockerfile.nodeVersion);
          if ("missing" in found) {
            console.log(`      skipped: ${found.missing}`);
            this.skip();
          }
          node = (found as { binary: string }).binary;
          assert.equal((await run(node, ["--version"], { cwd: ROOT })).trim(), `v${dockerfile.nodeVersion}`);
        } else {
          node = process.execPath;
        }
        emulator ??= await startEmulatorOrSkip(this);
        emulatorHost = emulator.host;
        pubsub = createPubSub({ projectId: PROJECT, emulatorHost });
        standIn = await IntegrationStandIn.start();
        metadata = await MetadataServerStandIn.start({ accessToken: "ya29.metadata-server-token" });
        // No credentials from this machine: google-auth-library looks under HOME for gcloud's ADC file.
        home = mkdtempSync(path.join(tmpdir(), "image-home-"));
      });

      after(async () => {
        for (const role of roles.splice(0)) await role.stop();
        await pubsub?.close();
        await standIn?.close();
        await metadata?.close();
      });

      /** The Dockerfile's ENV and CMD, with the listening address a test machine should use. */
      async function start(roleEnv: Record<string, string>): Promise<{ role: RunningRole; port: number }> {
        const port = await freePort();
        const env = {
          ...dockerfile.env,
          ...roleEnv,
          // The image listens on every interface (HOST=0.0.0.0) for Cloud Run's proxy; a test machine keeps loopback.
          HOST: "127.0.0.1",
          PORT: String(port), // Cloud Run sets PORT itself
          K_SERVICE: `hubspot-${roleEnv.ROLE}`,
          HOME: home,
          PUBSUB_EMULATOR_HOST: emulatorHost,
        };
        const role = startRole(node, dockerfile.cmd, tree.appDir, env);
        roles.push(role);
        return { role, port };
      }

      it("listener: a signed HubSpot batch becomes one Pub/Sub message per event, ids intact", async function () {
        this.timeout(60_000);
        const [events] = await pubsub.createTopic(`hubspot-events-${runtime}`);
        const [deadLetter] = await pubsub.createTopic(`hubspot-dead-letter-${runtime}`);
        const [reader] = await events.createSubscription(`events-reader-${runtime}`);
        const env = listenerEnv({
          project: PROJECT,
          publicUrl: PUBLIC_URL,
          eventsTopic: `hubspot-events-${runtime}`,
          deadLetterTopic: deadLetter.name,
          clientSecret: { secret: "client-secret", version: "latest" },
          signature: { allowLegacy: false, maxSkewSeconds: 300 },
          dedupWindowSeconds: 600,
          messageOrdering: false,
        });
        const { role, port } = await start(await resolveEnv(env, { HUBSPOT_CLIENT_SECRET: SECRET }));
        const ready = await role.waitForLog((entry) => entry.message === "listener started");
        assert.equal(ready.sink, "pubsub");

        const sent = sampleEvents("deal.creation", 3);
        const received: Message[] = [];
        const allThree = new Promise<void>((resolve, reject) => {
          reader.on("message", (message: Message) => {
            message.ack();
            received.push(message);
            if (received.length === sent.length) resolve();
          });
          reader.once("error", reject);
        });
        const response = await postSigned(`http://127.0.0.1:${port}/webhooks/hubspot`, batchJson(sent));
        assert.equal(response.status, 204, await response.text());
        await allThree;
        await reader.close();

        const payloads = received.map((m) => JSON.parse(m.data.toString("utf8")) as ConnectorEventPayload);
        assert.deepEqual(
          payloads.map((p) => p.objectId).sort(),
          sent.map((e) => e.objectId.toString()).sort(),
          "every objectId, those above 2^53 included, exact",
        );
        assert.ok(payloads.every((p) => p.eventType === "deal.creation" && p.portalId === sent[0].portalId.toString()));
        assert.deepEqual(received.map((m) => m.attributes.dedupKey).sort(), payloads.map((p) => p.dedupKey).sort());
      });

      it("dispatcher: a Pub/Sub push executes the integration with the Cloud Run identity's token", async function () {
        this.timeout(60_000);
        const subscription = `deals-created-${runtime}`;
        const [deadLetter] = await pubsub.createTopic(`dispatch-dead-letter-${runtime}`);
        const env = dispatcherEnv({
          project: PROJECT,
          deadLetterTopic: deadLetter.name,
          triggers: [
            {
              name: "deal-created",
              subscription,
              eventTypes: ["deal.creation"],
              propertyNames: [],
              integration: "on-deal-created",
              triggerId: "api_trigger/on-deal-created",
            },
          ],
          integrationProject: PROJECT,
          integrationLocation: LOCATION,
          executionTimeoutSeconds: 10,
          maxConcurrentExecutions: 5,
          enrichment: { enabled: false, contactProperties: [], companyProperties: [], dealProperties: [] },
          hubspot: { baseUrl: "https://api.hubapi.com" },
        });
        const { role, port } = await start({
          ...(await resolveEnv(env, {})),
          // Test endpoints the stack never sets: the stand-ins for Application Integration and the metadata server.
          INTEGRATIONS_ENDPOINT: standIn.url,
          GCE_METADATA_HOST: metadata.host,
        });
        await role.waitForLog((entry) => entry.message === "dispatcher listening");

        const [events] = await pubsub.createTopic(`dispatch-events-${runtime}`);
        await events.createSubscription(subscription, {
          pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/pubsub/push` },
          deadLetterPolicy: { deadLetterTopic: deadLetter.name, maxDeliveryAttempts: 5 },
        });
        const [deadReader] = await deadLetter.createSubscription(`dispatch-dead-reader-${runtime}`);
        const deadLettered = nextMessage(deadReader).then((m) => `dead-lettered: ${m.attributes.reason}`);
        const payload = samplePayload();
        const executed = role.waitForLog((entry) => entry.message === "integration executed");
        await events.publishMessage({
          data: Buffer.from(JSON.stringify(payload)),
          attributes: attributesOf(payload),
        });
        const outcome = await Promise.race([executed.then(() => "executed"), deadLettered]);
        await deadReader.close();
        assert.equal(outcome, "executed");

        assert.equal(standIn.requests.length, 1);
        const [request] = standIn.requests;
        assert.deepEqual(
          [request.project, request.location, request.integration, request.triggerId],
          [PROJECT, LOCATION, "on-deal-created", "api_trigger/on-deal-created"],
        );
        assert.equal(request.authorization, `Bearer ${metadata.accessToken}`);
        assert.ok(metadata.tokenRequests >= 1);
        assert.deepEqual(request.connectorEventPayload, payload);
      });

      it("stops on SIGTERM with exit code 0, as Cloud Run stops a revision", async function () {
        this.timeout(30_000);
        assert.equal(roles.length, 2, "both roles are running");
        const codes = await Promise.all(roles.splice(0).map((role) => role.stop()));
        assert.deepEqual(codes, [0, 0]);
      });
    });
  }

  after(async () => {
    await emulator?.stop();
    if (started) console.log(`      runtime image spec: ${Date.now() - started} ms`);
  });
});
