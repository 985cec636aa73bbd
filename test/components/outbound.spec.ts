import { strict as assert } from "node:assert";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { readDispatcherConfig } from "../../runtime/dispatcher/config";
import { mocks } from "../support/setup";
import { build, recorded, resolve, triggerArgs } from "./support";

const ATTACHMENT = "projects/hubspot-psc-prod/regions/europe-west1/serviceAttachments/hubspot-api";
const SERVICE = "gcp:cloudrunv2/service:Service";

/** The Cloud Run template's Direct VPC egress, as the component declared it. */
function vpcAccessOf(name: string): { networkInterfaces?: unknown; egress?: string } | undefined {
  const template = recorded(SERVICE, name).inputs.template as {
    vpcAccess?: { networkInterfaces?: unknown; egress?: string };
  };
  return template.vpcAccess;
}

describe("HubSpotTrigger outbound path: destination, egress and proxy password", () => {
  beforeEach(() => mocks.reset());

  it("without egress: no VPC access, no endpoint, no proxy secret", async () => {
    await build((opts) => new HubSpotTrigger("hs", triggerArgs(), opts));
    assert.equal(vpcAccessOf("hs-services-dispatcher"), undefined);
    assert.equal(mocks.ofType("gcp:compute/address:Address").length, 0);
    assert.equal(mocks.ofType("gcp:compute/forwardingRule:ForwardingRule").length, 0);
  });

  it("a service attachment gets a PSC endpoint in the egress subnetwork, and only the dispatcher egresses into the VPC", async () => {
    const args = triggerArgs({
      destination: { serviceAttachment: ATTACHMENT },
      egress: { network: "corp-vpc", subnetwork: "corp-egress" },
    });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    const address = recorded("gcp:compute/address:Address", "hs-egress-address").inputs;
    assert.equal(address.addressType, "INTERNAL");
    assert.equal(address.subnetwork, "corp-egress");
    // https://cloud.google.com/vpc/docs/configure-private-service-connect-services#create-endpoint: an endpoint to a
    // published service is a forwarding rule targeting the attachment, with an empty load-balancing scheme.
    const endpoint = recorded("gcp:compute/forwardingRule:ForwardingRule", "hs-egress-endpoint").inputs;
    assert.equal(endpoint.target, ATTACHMENT);
    assert.equal(endpoint.loadBalancingScheme, "");
    assert.equal(endpoint.network, "corp-vpc");
    assert.deepEqual(vpcAccessOf("hs-services-dispatcher"), {
      networkInterfaces: [{ network: "corp-vpc", subnetwork: "corp-egress" }],
      egress: "PRIVATE_RANGES_ONLY",
    });
    assert.equal(vpcAccessOf("hs-services-listener"), undefined);
    assert.ok(component.egress?.endpointAddress, "the endpoint's address is exposed to the dispatcher's env");
  });

  it("egress.allTraffic routes everything the dispatcher sends through the VPC", async () => {
    const args = triggerArgs({ egress: { subnetwork: "corp-egress", allTraffic: true } });
    await build((opts) => new HubSpotTrigger("hs", args, opts));
    assert.equal(vpcAccessOf("hs-services-dispatcher")?.egress, "ALL_TRAFFIC");
    assert.equal(mocks.ofType("gcp:compute/forwardingRule:ForwardingRule").length, 0, "no attachment, no endpoint");
  });

  it("the proxy password is a secret the dispatcher alone may read, and outputs name it, never its value", async () => {
    const args = triggerArgs({
      proxy: { enabled: true, host: "proxy.corp.example", authScheme: "BASIC", username: "svc" },
      proxyPassword: "pr0xy-pa55-value",
    });
    const { component } = await build((opts) => new HubSpotTrigger("hs", args, opts));
    const accessor = recorded(
      "gcp:secretmanager/secretIamMember:SecretIamMember",
      "hs-secrets-proxy-password-accessor",
    );
    const dispatcherAccount = recorded("gcp:serviceaccount/account:Account", "hs-identity-trigger").inputs;
    assert.equal(accessor.inputs.role, "roles/secretmanager.secretAccessor");
    assert.match(String(accessor.inputs.member), new RegExp(`serviceAccount:${dispatcherAccount.accountId}@`));
    const secrets = await resolve(component.secrets);
    assert.match(secrets.proxyPassword?.secret ?? "", /proxy-password/);
    assert.ok(!JSON.stringify(secrets).includes("pr0xy-pa55-value"));
  });
});

describe("HubSpotTrigger outbound path: what the dispatcher and the registration provider receive", () => {
  beforeEach(() => mocks.reset());

  const PASSWORD = "pr0xy-pa55-value";
  const proxied = (mode: "api" | "manual") =>
    triggerArgs({
      destination: { host: "hubspot-api.corp.example", serviceAttachment: ATTACHMENT },
      egress: { network: "corp-vpc", subnetwork: "corp-egress" },
      proxy: { enabled: true, host: "proxy.corp.example", port: 8080, authScheme: "BASIC", username: "svc" },
      proxyPassword: PASSWORD,
      accessToken: "pat-na1-token",
      enrichment: { dealProperties: ["dealname"] },
      registration: { mode, appId: mode === "api" ? "1234567" : undefined, apiVersion: "v3" },
    });

  it("the dispatcher's env, read by the dispatcher's own config reader, sends enrichment through the proxy and the endpoint", async () => {
    await build((opts) => new HubSpotTrigger("hs", proxied("manual"), opts));
    const container = (
      recorded(SERVICE, "hs-services-dispatcher").inputs.template as {
        containers: { envs: { name: string; value?: string; valueSource?: { secretKeyRef: { secret: string } } }[] }[];
      }
    ).containers[0];
    const env = Object.fromEntries(container.envs.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    const password = container.envs.find((e) => e.name === "HUBSPOT_PROXY_PASSWORD");
    assert.match(String(password?.valueSource?.secretKeyRef.secret), /proxy-password/, "from Secret Manager");
    assert.equal(password?.value, undefined, "never a literal");
    const config = readDispatcherConfig({
      ...env,
      PORT: "8080",
      HUBSPOT_ACCESS_TOKEN: "pat-na1-token",
      HUBSPOT_PROXY_PASSWORD: PASSWORD,
    });
    const transport = config.enrichment?.transport;
    assert.equal(transport?.baseUrl, "https://hubspot-api.corp.example");
    assert.ok(transport?.address, "the PSC endpoint's address");
    assert.deepEqual(transport?.proxy, {
      host: "proxy.corp.example",
      port: 8080,
      authScheme: "BASIC",
      username: "svc",
      password: PASSWORD,
      sslType: "AUTO",
    });
  });

  it("api mode: the provider calls the same destination through the same proxy, the password a secret input", async () => {
    await build((opts) => new HubSpotTrigger("hs", proxied("api"), opts));
    const [settings] = mocks.ofType("pulumi-nodejs:dynamic/hubspot:WebhookSettings");
    assert.equal(settings.inputs.apiBaseUrl, "https://hubspot-api.corp.example");
    // Pulumi marks a secret on the wire with this signature key (sdk/nodejs/runtime/rpc.ts, specialSigKey/specialSecretSig).
    const wire = settings.inputs.transport as { "4dabf18193072939515e22adb298388d"?: string; value?: unknown };
    assert.equal(wire["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "a secret input");
    const transport = wire.value as { address?: string; proxy?: { host: string; password?: string } };
    assert.equal(transport.proxy?.host, "proxy.corp.example");
    assert.equal(transport.proxy?.password, PASSWORD);
    assert.ok(transport.address, "the PSC endpoint's address");
    for (const subscription of mocks.ofType("pulumi-nodejs:dynamic/hubspot:WebhookSubscription")) {
      assert.deepEqual(subscription.inputs.transport, wire);
    }
  });

  it("manual mode makes no HubSpot call at deploy time, so no provider receives the password", async () => {
    await build((opts) => new HubSpotTrigger("hs", proxied("manual"), opts));
    const holders = mocks.resources.filter((r) => JSON.stringify(r.inputs).includes(PASSWORD)).map((r) => r.name);
    assert.deepEqual(holders, ["hs-secrets-proxy-password-version"], "only the Secret Manager version holds it");
  });
});
