import { strict as assert } from "node:assert";
import { ConfigValidationError, validateStackConfig, type RawStackConfig } from "../../infra/config";

/** destination, proxy, proxyPassword(Ref) and egress: the seed connection's outbound fields. */

const CONTEXT = { stack: "dev", project: "acme-hubspot-dev" };

function config(values: RawStackConfig["values"], secrets: RawStackConfig["secrets"] = {}) {
  const base = {
    image: "europe-west1-docker.pkg.dev/acme-dev/hubspot-trigger/listener:0.1.0",
    integration: { name: "hubspot-crm-sync" },
    triggers: [{ name: "deals", eventTypes: ["deal.creation"] }],
  };
  return validateStackConfig({ values: { ...base, ...values }, secrets: { clientSecret: "x", ...secrets } }, CONTEXT);
}

function problems(values: RawStackConfig["values"], secrets: RawStackConfig["secrets"] = {}): Map<string, string> {
  try {
    config(values, secrets);
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, String(error));
    const byKey = new Map<string, string>();
    for (const p of error.problems) {
      const key = p.key.replace("hubspot-trigger:", "");
      byKey.set(key, [byKey.get(key), p.message].filter(Boolean).join(" | "));
    }
    return byKey;
  }
  assert.fail("expected the config to be rejected");
}

const ATTACHMENT = "projects/hubspot-psc-prod/regions/europe-west1/serviceAttachments/hubspot-api";

describe("stack config: destination, proxy and egress", () => {
  it("defaults: HubSpot's public API, no proxy, no egress, no proxy password", () => {
    const parsed = config({});
    assert.deepEqual(parsed.destination, { host: "https://api.hubapi.com" });
    assert.deepEqual(parsed.proxy, { enabled: false, port: 3128, authScheme: "NONE", sslType: "AUTO" });
    assert.deepEqual(parsed.egress, { enabled: false, allTraffic: false });
    assert.equal(parsed.proxyPassword, undefined);
  });

  it("takes a bare host, a service attachment with egress, and an authenticating proxy with its password", () => {
    const parsed = config(
      {
        destination: { host: "hubspot-api.corp.example", serviceAttachment: ATTACHMENT },
        egress: { network: "corp-vpc", subnetwork: "corp-egress", allTraffic: true },
        proxy: {
          enabled: true,
          host: "proxy.corp.example",
          port: 8080,
          authScheme: "BASIC",
          username: "svc-hubspot",
          sslType: "TUNNEL",
        },
      },
      { proxyPassword: "pr0xy-pa55" },
    );
    assert.equal(parsed.destination.host, "https://hubspot-api.corp.example");
    assert.equal(parsed.destination.serviceAttachment, ATTACHMENT);
    assert.deepEqual(parsed.egress, {
      enabled: true,
      network: "corp-vpc",
      subnetwork: "corp-egress",
      allTraffic: true,
    });
    assert.equal(parsed.proxy.sslType, "TUNNEL");
    assert.equal(parsed.proxyPassword?.kind, "managed");
  });

  it("takes the proxy password from an existing secret", () => {
    const parsed = config({
      proxy: { enabled: true, host: "10.0.0.5", authScheme: "DIGEST", username: "svc" },
      proxyPasswordRef: { secret: "projects/acme-shared/secrets/proxy-password", version: "3" },
    });
    assert.deepEqual(parsed.proxyPassword, {
      kind: "existing",
      secret: "projects/acme-shared/secrets/proxy-password",
      version: "3",
    });
  });

  // Every HubSpot call carries a bearer token (private-app token, developer key): plain http would expose it.
  it("refuses plain http, a path, an invalid attachment and an unknown scheme or SSL type, all at once", () => {
    const found = problems({
      destination: { host: "http://api.hubapi.com", serviceAttachment: "hubspot-api" },
      proxy: { enabled: true, host: "proxy", authScheme: "NTLM", sslType: "SOMETIMES" },
    });
    assert.match(found.get("destination.host") ?? "", /https only/);
    assert.match(
      found.get("destination.serviceAttachment") ?? "",
      /projects\/PROJECT\/regions\/REGION\/serviceAttachments\/NAME/,
    );
    assert.match(
      found.get("proxy.authScheme") ?? "",
      /"NTLM" is not a proxy authentication scheme; one of NONE, BASIC, DIGEST/,
    );
    assert.match(
      found.get("proxy.sslType") ?? "",
      /"SOMETIMES" is not a proxy SSL type; one of AUTO, ALWAYS, NEVER, TUNNEL/,
    );
  });

  it("a service attachment needs egress: the dispatcher reaches the endpoint through Direct VPC egress", () => {
    const found = problems({ destination: { serviceAttachment: ATTACHMENT } });
    assert.match(found.get("destination.serviceAttachment") ?? "", /is set but egress is not; .*egress\.network/);
  });

  it("an authenticating proxy needs host, user name and password; NONE takes neither user nor password", () => {
    const basic = problems({ proxy: { enabled: true, authScheme: "BASIC" } });
    assert.match(basic.get("proxy.host") ?? "", /missing; required when enabled/);
    assert.match(basic.get("proxy.username") ?? "", /missing; authScheme BASIC needs a user name/);
    assert.match(
      basic.get("proxyPassword") ?? "",
      /missing; .*pulumi config set --secret hubspot-trigger:proxyPassword/,
    );
    const none = problems({ proxy: { enabled: true, host: "proxy", username: "svc" } }, { proxyPassword: "x" });
    assert.match(none.get("proxy.username") ?? "", /authScheme is NONE/);
    assert.match(none.get("proxyPassword") ?? "", /the proxy does not authenticate/);
  });

  it("proxy fields without enabled: true are refused rather than ignored", () => {
    const found = problems({ proxy: { host: "proxy.corp.example" } });
    assert.match(found.get("proxy.host") ?? "", /proxy\.enabled is not true/);
  });

  it("both proxyPassword and proxyPasswordRef is one too many", () => {
    const found = problems(
      {
        proxy: { enabled: true, host: "proxy", authScheme: "BASIC", username: "svc" },
        proxyPasswordRef: { secret: "proxy-password" },
      },
      { proxyPassword: "x" },
    );
    assert.match(found.get("proxyPasswordRef") ?? "", /set either .*proxyPassword.* or proxyPasswordRef, not both/);
  });

  it("egress.allTraffic alone is refused: Direct VPC egress needs a network or subnetwork", () => {
    const found = problems({ egress: { allTraffic: true } });
    assert.match(found.get("egress.allTraffic") ?? "", /neither network nor subnetwork/);
  });

  it("onRemove per trigger: keep or delete", () => {
    const parsed = config({ triggers: [{ name: "deals", eventTypes: ["deal.creation"], onRemove: "keep" }] });
    assert.equal(parsed.triggers[0].onRemove, "keep");
    const found = problems({ triggers: [{ name: "deals", eventTypes: ["deal.creation"], onRemove: "retain" }] });
    assert.match(found.get("triggers[0].onRemove") ?? "", /"retain" is not a removal choice; keep or delete/);
  });
});
