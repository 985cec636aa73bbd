// The dispatcher's HubSpot transport variables (HUBSPOT_API_ADDRESS, HUBSPOT_PROXY_*): what they build, and every
// broken rule between them reported at once, naming the variable and the rule, never the password.
import assert from "node:assert/strict";
import { readDispatcherConfig } from "../../runtime/dispatcher/config";
import { dispatcherConfigProblems } from "./helpers";

const PASSWORD = "pr0xy-Secret-value";
const BASE: NodeJS.ProcessEnv = {
  ROLE: "dispatcher",
  GOOGLE_CLOUD_PROJECT: "demo-project",
  DEAD_LETTER_TOPIC: "projects/demo-project/topics/hubspot-dead-letter",
  DISPATCHER_TRIGGERS: JSON.stringify([
    {
      name: "deal-created",
      subscription: "deals-created",
      eventTypes: ["deal.creation"],
      integration: "on-deal",
      triggerId: "api_trigger/on-deal",
    },
  ]),
  INTEGRATION_LOCATION: "europe-west1",
  HUBSPOT_ACCESS_TOKEN: "pat-eu1-token",
  ENRICHMENT_DEAL_PROPERTIES: "dealname",
};

describe("dispatcher configuration: HubSpot destination address and proxy", () => {
  it("calls HubSpot directly by name when nothing is set", () => {
    assert.deepEqual(readDispatcherConfig(BASE).enrichment?.transport, { baseUrl: "https://api.hubapi.com" });
  });

  it("builds the transport from the variables, with the documented defaults", () => {
    const config = readDispatcherConfig({
      ...BASE,
      HUBSPOT_API_ADDRESS: "10.10.0.5",
      HUBSPOT_PROXY_HOST: "proxy.corp.example",
      HUBSPOT_PROXY_PORT: "3128",
      HUBSPOT_PROXY_AUTH_SCHEME: "BASIC",
      HUBSPOT_PROXY_USERNAME: "svc-hubspot",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
    });
    assert.deepEqual(config.enrichment?.transport, {
      baseUrl: "https://api.hubapi.com",
      address: "10.10.0.5",
      proxy: {
        host: "proxy.corp.example",
        port: 3128,
        authScheme: "BASIC",
        username: "svc-hubspot",
        password: PASSWORD,
        sslType: "AUTO",
      },
    });
    const none = readDispatcherConfig({ ...BASE, HUBSPOT_PROXY_HOST: "10.0.0.9", HUBSPOT_PROXY_PORT: "8080" });
    assert.deepEqual(none.enrichment?.transport?.proxy, {
      host: "10.0.0.9",
      port: 8080,
      authScheme: "NONE",
      sslType: "AUTO",
    });
  });

  it("reports every broken rule at once, naming the variable and the rule, never the password", () => {
    const problems = dispatcherConfigProblems({
      ...BASE,
      HUBSPOT_API_ADDRESS: "api.hubapi.com",
      HUBSPOT_PROXY_HOST: "proxy.corp.example",
      HUBSPOT_PROXY_AUTH_SCHEME: "BASIC",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
      HUBSPOT_PROXY_SSL_TYPE: "SOMETIMES",
    });
    assert.deepEqual(problems, [
      'HUBSPOT_API_ADDRESS: "api.hubapi.com" is not an IP address; the rule is an IPv4 or IPv6 address',
      'HUBSPOT_PROXY_SSL_TYPE: "SOMETIMES" is not allowed; the rule is one of AUTO|ALWAYS|NEVER|TUNNEL',
    ]);
    // Value problems come first (the schema); the rules between variables once every value parses.
    const between = dispatcherConfigProblems({
      ...BASE,
      HUBSPOT_PROXY_HOST: "proxy.corp.example",
      HUBSPOT_PROXY_AUTH_SCHEME: "BASIC",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
    });
    assert.deepEqual(between, [
      "HUBSPOT_PROXY_PORT: is missing; the rule is: required with HUBSPOT_PROXY_HOST",
      "HUBSPOT_PROXY_USERNAME: is missing; the rule is: required with HUBSPOT_PROXY_AUTH_SCHEME BASIC",
    ]);
    for (const problem of [...problems, ...between]) assert.ok(!problem.includes(PASSWORD));
  });

  it("never echoes a bad password", () => {
    const problems = dispatcherConfigProblems({
      ...BASE,
      HUBSPOT_PROXY_HOST: "p",
      HUBSPOT_PROXY_PORT: "1",
      HUBSPOT_PROXY_AUTH_SCHEME: "DIGEST",
      HUBSPOT_PROXY_USERNAME: "u",
      HUBSPOT_PROXY_PASSWORD: `${PASSWORD}\nsecond line`,
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^HUBSPOT_PROXY_PASSWORD: the value does not match; the rule is a single line$/);
  });

  it("refuses proxy settings without a proxy host, and credentials with NONE", () => {
    assert.deepEqual(dispatcherConfigProblems({ ...BASE, HUBSPOT_PROXY_PORT: "3128", HUBSPOT_PROXY_USERNAME: "u" }), [
      "HUBSPOT_PROXY_PORT: is set without HUBSPOT_PROXY_HOST; the rule is: proxy settings need the proxy's host",
      "HUBSPOT_PROXY_USERNAME: is set without HUBSPOT_PROXY_HOST; the rule is: proxy settings need the proxy's host",
    ]);
    const withNone = dispatcherConfigProblems({
      ...BASE,
      HUBSPOT_PROXY_HOST: "p",
      HUBSPOT_PROXY_PORT: "3128",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
    });
    assert.equal(withNone.length, 1);
    assert.match(withNone[0], /^HUBSPOT_PROXY_PASSWORD: is set but HUBSPOT_PROXY_AUTH_SCHEME is NONE; the rule is/);
  });

  it("refuses DIGEST for forwarded plain-http requests, and keeps the plain-http base URL loopback-only", () => {
    const problems = dispatcherConfigProblems({
      ...BASE,
      HUBSPOT_API_BASE_URL: "http://hubapi.internal.example",
      HUBSPOT_PROXY_HOST: "p",
      HUBSPOT_PROXY_PORT: "3128",
      HUBSPOT_PROXY_AUTH_SCHEME: "DIGEST",
      HUBSPOT_PROXY_USERNAME: "u",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
    });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^HUBSPOT_API_BASE_URL: .* is plain http; the rule is https \(http only on loopback\)$/);
    assert.match(problems[1], /^HUBSPOT_PROXY_AUTH_SCHEME: DIGEST .* the rule is: DIGEST authenticates tunnels only/);
    const tunnelled = readDispatcherConfig({
      ...BASE,
      HUBSPOT_API_BASE_URL: "http://127.0.0.1:8080",
      HUBSPOT_PROXY_HOST: "p",
      HUBSPOT_PROXY_PORT: "3128",
      HUBSPOT_PROXY_AUTH_SCHEME: "DIGEST",
      HUBSPOT_PROXY_USERNAME: "u",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
      HUBSPOT_PROXY_SSL_TYPE: "TUNNEL",
    });
    assert.equal(tunnelled.enrichment?.transport?.proxy?.authScheme, "DIGEST");
  });
});
