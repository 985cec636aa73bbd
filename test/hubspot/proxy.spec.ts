// The registration provider's HubSpot calls through the customer's proxy: a real tinyproxy with Basic authentication
// (testing/tinyproxy.ts) in front of the webhooks stand-in, the proxy password kept out of state in clear text, and a
// change of proxy settings an in-place update of the connection, never a replacement of subscriptions.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { HubSpotRegistration } from "../../components/hubspot";
import type { ProxySettings } from "../../contract/hubspot-transport";
import { startTinyproxyOrSkip, type Tinyproxy } from "../../testing/tinyproxy";
import type { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { mocks } from "../support/setup";
import {
  APP_ID,
  checked,
  connection,
  DEVELOPER_API_KEY,
  LISTENER_URL,
  settingsProvider,
  SIX_SUBSCRIPTIONS,
  startStandIn,
  subscriptionProvider,
} from "./support";

const USER = "svc-hubspot";
const PASSWORD = "Tiny-Pr0xy-pass-7e21";
const SETTINGS = "pulumi-nodejs:dynamic/hubspot:WebhookSettings";
const SUBSCRIPTION = "pulumi-nodejs:dynamic/hubspot:WebhookSubscription";

/** Pulumi's wire form of a secret, as the mock engine receives it. */
function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

/** The value with every secret replaced: what Pulumi would store or show in clear text. */
function clearText(value: unknown): unknown {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(clearText);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, clearText(inner)]));
  }
  return value;
}

describe("registration provider through tinyproxy (Basic authentication)", function () {
  let standIn: HubSpotWebhooksStandIn;
  let baseUrl: string;
  let proxy: Tinyproxy;

  before(async function () {
    ({ standIn, baseUrl } = await startStandIn());
    proxy = await startTinyproxyOrSkip(this, {
      user: USER,
      password: PASSWORD,
      connectPorts: [Number(new URL(baseUrl).port)],
    });
  });
  after(async () => {
    await proxy?.stop();
    await standIn?.stop();
  });
  beforeEach(() => standIn.reset());

  // TUNNEL: a CONNECT as for https://api.hubapi.com, so the proxy never sees the request (nor the hapikey in it).
  const viaProxy = (password = PASSWORD): ProxySettings => ({
    host: proxy.host,
    port: proxy.port,
    authScheme: "BASIC",
    username: USER,
    password,
    sslType: "TUNNEL",
  });

  it("creates the webhook settings through the proxy (its log shows the CONNECT)", async () => {
    const inputs = await checked(settingsProvider, {
      ...connection(baseUrl),
      transport: { proxy: viaProxy() },
      targetUrl: LISTENER_URL,
      maxConcurrentRequests: 10,
    });
    const { outs } = await settingsProvider.create(inputs);
    assert.equal(outs.targetUrl, LISTENER_URL);
    assert.ok(standIn.requestLog.length > 0, "the calls reached the stand-in");
    await proxy.waitForLog(
      new RegExp(`Request \\(file descriptor \\d+\\): CONNECT 127\\.0\\.0\\.1:${new URL(baseUrl).port} `),
    );
    assert.ok(!proxy.log().join("\n").includes(DEVELOPER_API_KEY), "inside the tunnel: the proxy never sees the key");
  });

  it("a wrong password fails at once with an error naming the proxy, without the password or the key", async () => {
    const inputs = await checked(subscriptionProvider, {
      ...connection(baseUrl),
      transport: { proxy: viaProxy("Wrong-pass-1111") },
      eventType: "deal.creation",
    });
    await assert.rejects(subscriptionProvider.create(inputs), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(
          `failed after 1 attempts: .*proxy 127\\.0\\.0\\.1:${proxy.port}: answered CONNECT .* with 401 Unauthorized`,
        ),
      );
      for (const secret of ["Wrong-pass-1111", PASSWORD, DEVELOPER_API_KEY]) assert.ok(!error.message.includes(secret));
      return true;
    });
    assert.equal(standIn.requestLog.length, 0, "nothing reached HubSpot");
  });

  it("a new proxy or address is an in-place update of the connection, not a replacement", async () => {
    const olds = { ...connection(baseUrl), eventType: "deal.creation", active: true, subscriptionId: "1" };
    for (const transport of [{ proxy: viaProxy() }, { address: "10.10.0.5" }]) {
      const diff = await subscriptionProvider.diff("1", olds, { ...olds, transport });
      assert.deepEqual(diff.replaces, [], JSON.stringify(transport));
      assert.equal(diff.changes, true);
    }
  });

  it("check names each broken transport rule, never the password", async () => {
    const result = await settingsProvider.check(
      {},
      {
        ...connection(baseUrl),
        targetUrl: LISTENER_URL,
        maxConcurrentRequests: 10,
        transport: { address: "hubapi", proxy: { host: "p", port: 70000, authScheme: "BASIC", password: PASSWORD } },
      },
    );
    const failures = (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
    assert.deepEqual(failures, [
      'transport.address: "hubapi" is not an IP address (the Private Service Connect endpoint\'s)',
      "transport.proxy.port: 70000 is not a port (an integer in 1..65535)",
      "transport.proxy.username: is missing: required with authScheme BASIC",
    ]);
    assert.ok(!failures.join("\n").includes(PASSWORD));
  });
});

describe("HubSpotRegistration: the proxy password is a secret in state (mocks)", () => {
  beforeEach(() => mocks.reset());

  it("hands the providers the transport as a secret when it holds the password, and plain otherwise", async () => {
    const proxy: ProxySettings = {
      host: "proxy.corp.example",
      port: 3128,
      authScheme: "BASIC",
      username: USER,
      password: PASSWORD,
      sslType: "AUTO",
    };
    const registration = new HubSpotRegistration("reg", {
      mode: "api",
      appId: APP_ID,
      webhookUrl: LISTENER_URL,
      subscriptions: SIX_SUBSCRIPTIONS,
      maxConcurrentRequests: 10,
      retainOnDelete: false,
      apiVersion: "v3",
      credential: { kind: "developerApiKey", value: pulumi.secret(DEVELOPER_API_KEY) },
      transport: { address: "10.10.0.5", proxy },
    });
    await new Promise((done) => registration.urn.apply(done));
    await new Promise((done) => registration.subscriptionIds.apply(done));
    const resources = [...mocks.ofType(SETTINGS), ...mocks.ofType(SUBSCRIPTION)];
    assert.equal(resources.length, 1 + SIX_SUBSCRIPTIONS.length);
    for (const resource of resources) {
      const transport = resource.inputs.transport;
      assert.ok(isSecret(transport), `${resource.name}: the transport arrives as a secret`);
      assert.deepEqual(transport.value, { address: "10.10.0.5", proxy });
      // Everything Pulumi would keep in clear text, the serialized provider (__provider) included.
      const visible = JSON.stringify(clearText(resource.inputs));
      assert.ok(visible.length > 1000, "the serialized provider is part of what is checked");
      assert.ok(!visible.includes(PASSWORD), `${resource.name}: no proxy password in clear text`);
    }

    mocks.reset();
    const withoutPassword = new HubSpotRegistration("reg2", {
      mode: "api",
      appId: APP_ID,
      webhookUrl: LISTENER_URL,
      subscriptions: SIX_SUBSCRIPTIONS.slice(0, 1),
      maxConcurrentRequests: 10,
      retainOnDelete: false,
      apiVersion: "v3",
      transport: { proxy: { host: "proxy.corp.example", port: 3128, authScheme: "NONE", sslType: "AUTO" } },
    });
    await new Promise((done) => withoutPassword.subscriptionIds.apply(done));
    const plain = mocks.ofType(SETTINGS)[0].inputs.transport;
    assert.ok(!isSecret(plain), "no password: the preview shows which proxy");
  });
});
