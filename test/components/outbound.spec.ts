import { strict as assert } from "node:assert";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { mocks } from "../support/setup";
import { build, recorded, resolve, triggerArgs } from "./support";

const ATTACHMENT = "projects/hubspot-psc-prod/regions/europe-west1/serviceAttachments/hubspot-api";
const SERVICE = "gcp:cloudrunv2/service:Service";

/** The Cloud Run service's Direct VPC egress as the mock recorded it (inputs are untyped there). */
function vpcAccessOf(service: string): { egress?: string } | undefined {
  return (recorded(SERVICE, service).inputs.template as { vpcAccess?: { egress?: string } } | undefined)?.vpcAccess;
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
