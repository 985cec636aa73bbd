// HubSpotTrigger with backend "managed", built under the mock engine as a program using the library would build it.
import { strict as assert } from "node:assert";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { mocks } from "../support/setup";
import { build, resolve, triggerArgs } from "./support";

const CONNECTOR_VERSION = "projects/acme-hubspot-test/locations/global/providers/gcp/connectors/hubspot/versions/1";
const EXISTING_ACCOUNT = "hubspot-connector@acme-hubspot-test.iam.gserviceaccount.com";

function managedArgs(overrides: Parameters<typeof triggerArgs>[0] = {}) {
  return triggerArgs({
    backend: "managed",
    managed: { connectorVersion: CONNECTOR_VERSION },
    previousClientSecret: undefined,
    registration: { mode: "api", appId: "1234567", maxConcurrentRequests: 10, apiVersion: "v3" },
    ...overrides,
  });
}

describe("HubSpotTrigger with backend managed", () => {
  beforeEach(() => mocks.reset());

  it("registers the connection's listener endpoint in HubSpot (api mode), with no readiness probe of a listener", async () => {
    const { component } = await build((opts) => new HubSpotTrigger("hs", managedArgs(), opts));
    const webhookUrl = await resolve(component.webhookUrl);
    const [eventing] = mocks.ofType("pulumi-nodejs:dynamic/connectors:ConnectionEventing");
    assert.equal(webhookUrl, eventing.state.eventsListenerEndpoint);
    const [settings] = mocks.ofType("pulumi-nodejs:dynamic/hubspot:WebhookSettings");
    assert.equal(settings.inputs.targetUrl, webhookUrl);
    assert.equal(settings.inputs.readyzUrl, undefined, "Google's connector serves no /readyz");
    assert.equal(component.liveStatus, undefined);
    assert.equal(component.services.listener, undefined);
    assert.equal(mocks.ofType("gcp:cloudrunv2/service:Service").length, 1);
  });

  it("gives the status store's role to the dispatcher only, and runs the connection as the given account", async () => {
    await build(
      (opts) =>
        new HubSpotTrigger(
          "hs",
          managedArgs({ managed: { connectorVersion: CONNECTOR_VERSION, serviceAccount: EXISTING_ACCOUNT } }),
          opts,
        ),
    );
    const [connection] = mocks.ofType("gcp:integrationconnectors/connection:Connection");
    assert.equal(connection.inputs.serviceAccount, EXISTING_ACCOUNT);
    const accounts = mocks.ofType("gcp:serviceaccount/account:Account").map((a) => String(a.inputs.accountId));
    assert.ok(!accounts.some((id) => id.includes("listen")), `no listener account created: ${accounts.join(", ")}`);
    const datastore = mocks
      .ofType("gcp:projects/iAMMember:IAMMember")
      .filter((m) => m.inputs.role === "roles/datastore.user")
      .map((m) => String(m.inputs.member));
    assert.equal(datastore.length, 1);
    assert.match(datastore[0], /hubspot-trigger-/);
  });

  it("turns the event subscriptions' states into each trigger's status output", async () => {
    const { component } = await build((opts) => new HubSpotTrigger("hs", managedArgs(), opts));
    const triggers = await resolve(component.triggers);
    assert.deepEqual(
      triggers.map((t) => [t.name, t.status]),
      [
        ["deal-pipeline", "Creating"],
        ["all-contacts", "Creating"],
      ],
    );
    const subscriptions = mocks.ofType("pulumi-nodejs:dynamic/connectors:EventSubscription");
    assert.equal(subscriptions.length, 5, "2 + 3 event types");
    const registration = await resolve(component.registrationStatus!);
    assert.equal(registration.status, "Creating");
  });
});
