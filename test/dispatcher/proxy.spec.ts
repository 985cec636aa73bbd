// Enrichment through a real proxy: Debian's tinyproxy with Basic authentication (testing/tinyproxy.ts), the
// dispatcher configured from its environment exactly as Cloud Run runs it (HUBSPOT_PROXY_*, HUBSPOT_API_ADDRESS).
// tinyproxy logs each request line ("Request (file descriptor N): CONNECT host:port HTTP/1.1", or the forwarded
// "POST http://host:port/path HTTP/1.1"), which is how the tests see that a call went through it.
import assert from "node:assert/strict";
import { createDispatcher, type Dispatcher } from "../../runtime/dispatcher";
import { readDispatcherConfig } from "../../runtime/dispatcher/config";
import { hubspotBatchReader } from "../../runtime/dispatcher/crm-batch-reader";
import { captureLogs, type LogEntry } from "../../runtime/shared/log";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { selfSigned, type SelfSigned } from "../../testing/self-signed";
import { startTinyproxyOrSkip, type Tinyproxy } from "../../testing/tinyproxy";
import { HubSpotCrmStandIn } from "../fixtures/hubspot-crm";
import { fixedTokenAuth, post, pushEnvelope, samplePayload } from "./helpers";
import { dispatcherEnv, PROXY_TEST_CREDENTIALS } from "./proxy-support";

const { USER, PASSWORD, TOKEN, OBJECTS } = PROXY_TEST_CREDENTIALS;

describe("enrichment through tinyproxy (Basic authentication)", function () {
  let plain: HubSpotCrmStandIn;
  let tls: HubSpotCrmStandIn;
  let certificate: SelfSigned;
  let proxy: Tinyproxy;
  let integrations: IntegrationStandIn;
  let dispatcher: Dispatcher | undefined;
  let logs: LogEntry[];

  before(async function () {
    const made = selfSigned("DNS:api.hubapi.test");
    if ("missing" in made) {
      console.log(`      skipped: ${made.missing}`);
      this.skip();
    }
    certificate = made;
    plain = await HubSpotCrmStandIn.start({ accessToken: TOKEN, objects: OBJECTS });
    tls = await HubSpotCrmStandIn.start({
      accessToken: TOKEN,
      objects: OBJECTS,
      tls: { ...certificate, name: "api.hubapi.test" },
    });
    proxy = await startTinyproxyOrSkip(this, {
      user: USER,
      password: PASSWORD,
      connectPorts: [plain.port, tls.port],
    });
  });
  after(async () => {
    await proxy?.stop();
    await plain?.close();
    await tls?.close();
  });
  beforeEach(async () => {
    integrations = await IntegrationStandIn.start();
  });
  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await integrations.close();
  });

  /**
   * A dispatcher from its environment. With `trustStandIn`, the reader it would build plus the TLS stand-in's CA
   * (through the test-only option: production trusts Node's roots); otherwise exactly the reader it builds.
   */
  async function start(env: NodeJS.ProcessEnv, trustStandIn = false): Promise<string> {
    const config = readDispatcherConfig(env);
    const captured = captureLogs();
    logs = captured.entries;
    const enrichment = config.enrichment;
    assert.ok(enrichment?.transport?.proxy, "the environment configures the proxy");
    dispatcher = createDispatcher({
      config,
      auth: fixedTokenAuth,
      logger: captured.logger,
      deadLetter: async () => "dead-lettered",
      ...(trustStandIn
        ? {
            crmReader: hubspotBatchReader({
              accessToken: enrichment.accessToken,
              transport: enrichment.transport,
              agentOptions: { caForTests: certificate.cert },
            }),
          }
        : {}),
    });
    return `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;
  }

  async function pushOne(url: string): Promise<number> {
    return (await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()))).status;
  }

  function assertEnriched(): void {
    assert.equal(integrations.count, 1);
    assert.deepEqual(integrations.requests[0].connectorEventPayload?.object, {
      properties: { dealname: "Renewal 2025" },
    });
  }

  it("AUTO, http destination: the batch read is forwarded by the proxy (absolute-form request line)", async () => {
    const before = plain.requests.length;
    const url = await start(dispatcherEnv({ baseUrl: plain.url, integrations: integrations.url, proxy }));
    assert.equal(await pushOne(url), 204);
    assertEnriched();
    assert.equal(plain.requests.length, before + 1);
    await proxy.waitForLog(
      new RegExp(
        `Request \\(file descriptor \\d+\\): POST ${plain.url}/crm/v3/objects/deals/batch/read\\?archived=false`,
      ),
    );
  });

  it("TUNNEL, http destination: the batch read goes through a CONNECT tunnel", async () => {
    const url = await start(
      dispatcherEnv({ baseUrl: plain.url, integrations: integrations.url, proxy, sslType: "TUNNEL" }),
    );
    assert.equal(await pushOne(url), 204);
    assertEnriched();
    await proxy.waitForLog(new RegExp(`Request \\(file descriptor \\d+\\): CONNECT 127\\.0\\.0\\.1:${plain.port} `));
  });

  it("AUTO, https destination at a PSC address: CONNECT to the address, TLS verified against HubSpot's name", async () => {
    const url = await start(
      dispatcherEnv({ baseUrl: tls.url, integrations: integrations.url, proxy, address: "127.0.0.1" }),
      true,
    );
    assert.equal(await pushOne(url), 204);
    assertEnriched();
    await proxy.waitForLog(new RegExp(`Request \\(file descriptor \\d+\\): CONNECT 127\\.0\\.0\\.1:${tls.port} `));
  });

  it("AUTO, http destination, no credentials: the forwarded request's 407 is an error naming the proxy", async () => {
    const reader = hubspotBatchReader({
      accessToken: TOKEN,
      transport: {
        baseUrl: plain.url,
        proxy: { host: proxy.host, port: proxy.port, authScheme: "NONE", sslType: "AUTO" },
      },
    });
    await assert.rejects(reader.read("deal", ["9007199254740993"], ["dealname"]), (error: Error) => {
      assert.equal(
        error.message,
        `HubSpot deal batch read failed: proxy 127.0.0.1:${proxy.port}: answered 407 Proxy Authentication Required: ` +
          "the proxy refused a request without credentials",
      );
      return true;
    });
  });

  it("a wrong password: the push answers non-2xx, the log names the proxy, the password appears nowhere", async () => {
    const wrong = "Wrong-pass-0000";
    const url = await start(
      dispatcherEnv({ baseUrl: tls.url, integrations: integrations.url, proxy, address: "127.0.0.1", password: wrong }),
      true,
    );
    const answer = await post(`${url}/pubsub/push`, pushEnvelope(samplePayload()));
    assert.equal(answer.status, 503, "Pub/Sub redelivers a non-2xx answer");
    assert.equal(integrations.count, 0, "nothing executed without the enrichment");
    const failure = logs.find((entry) => entry.reason === "enrichment-failed");
    assert.ok(failure, "the failure is logged");
    assert.match(
      String(failure.detail),
      new RegExp(
        `proxy 127\\.0\\.0\\.1:${proxy.port}: answered CONNECT 127\\.0\\.0\\.1:${tls.port} with 401 Unauthorized: ` +
          `the proxy refused the BASIC credentials of user "${USER}"`,
      ),
    );
    const everything = JSON.stringify(logs) + JSON.stringify(answer.body);
    for (const secret of [wrong, PASSWORD, Buffer.from(`${USER}:${wrong}`).toString("base64"), TOKEN]) {
      assert.ok(!everything.includes(secret), "no password, credential or token in the logs or the answer");
    }
  });
});
