import assert from "node:assert/strict";
import { connectorTriggerFilter, FILTER_MAX_BYTES } from "../../components/event-filter";
import { proxyConfigVariables, resolveManaged, triggerStatus } from "../../components/managed";
import { eventSubscriptionId } from "../../components/naming";
import type { HubSpotTriggerArgs } from "../../components/args";

// The managed backend's pure pieces: the seed status of a trigger from its event subscriptions, the trigger filter,
// the proxy config variables, the subscription ids, and the library-level argument rules.
describe("managed backend: pure pieces", () => {
  it("a trigger's status is its worst event subscription: ERROR/SUSPENDED > CREATING/UPDATING > ACTIVE", () => {
    const sub = (eventType: string, state: string, description = "") => ({ eventType, state, description });
    // Connectors v1 EventSubscriptionStatus.state values (discovery revision 20240701).
    assert.deepEqual(triggerStatus([sub("deal.creation", "ACTIVE"), sub("deal.deletion", "ACTIVE")]), {
      status: "Active",
      statusMessage: "every event subscription is ACTIVE",
    });
    assert.deepEqual(triggerStatus([sub("deal.creation", "ACTIVE"), sub("deal.deletion", "UPDATING")]), {
      status: "Creating",
      statusMessage: "event subscription deal.deletion is UPDATING",
    });
    assert.deepEqual(
      triggerStatus([
        sub("deal.creation", "CREATING"),
        sub("deal.deletion", "ERROR", "webhook registration failed: 401"),
        sub("deal.propertyChange", "SUSPENDED"),
      ]),
      { status: "Error", statusMessage: "event subscription deal.deletion is ERROR: webhook registration failed: 401" },
    );
    assert.deepEqual(triggerStatus([sub("contact.creation", "")]), {
      status: "Creating",
      statusMessage: "event subscription contact.creation is not reported yet",
    });
  });

  it("filters a trigger's push subscription on the mark its event subscriptions set, within Pub/Sub's 256 bytes", () => {
    // Pub/Sub filter syntax: https://cloud.google.com/pubsub/docs/subscription-message-filter (attribute equality).
    assert.equal(
      connectorTriggerFilter("hubspot-prod-trigger-deals-bb5a1322"),
      'attributes.triggerSubscription = "hubspot-prod-trigger-deals-bb5a1322"',
    );
    assert.throws(() => connectorTriggerFilter("k".repeat(FILTER_MAX_BYTES)), /over Pub\/Sub's 256 bytes/);
  });

  it("names one event subscription per trigger and event type as an RFC 1035 label", () => {
    assert.equal(eventSubscriptionId("deals", "deal.propertyChange"), "deals-deal-propertychange");
    const long = eventSubscriptionId("a".repeat(49), "contact.propertyChange");
    assert.ok(long.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(long), long);
    assert.notEqual(long, eventSubscriptionId("a".repeat(49), "contact.creation"));
  });

  it("writes the seed's proxy fields as the connectors' documented config variables", () => {
    // Keys: Google's Terraform variables of its connectors, e.g.
    // https://cloud.google.com/integration-connectors/docs/connectors/bigquery/configure ("Use terraform to create connections")
    const base = { port: 3128, sslType: "AUTO" as const, authScheme: "NONE" as const };
    assert.deepEqual(proxyConfigVariables({ ...base, enabled: false }), [
      { key: "proxy_enabled", booleanValue: false },
    ]);
    assert.deepEqual(
      proxyConfigVariables(
        {
          ...base,
          enabled: true,
          host: "proxy.acme.example",
          authScheme: "DIGEST",
          username: "svc",
          sslType: "TUNNEL",
        },
        "projects/p/secrets/proxy/versions/2",
      ),
      [
        { key: "proxy_enabled", booleanValue: true },
        { key: "proxy_auth_scheme", stringValue: "DIGEST" },
        { key: "proxy_user", stringValue: "svc" },
        { key: "proxy_password", secretValue: { secretVersion: "projects/p/secrets/proxy/versions/2" } },
        { key: "proxy_ssltype", stringValue: "TUNNEL" },
      ],
    );
  });

  it("refuses, for a program calling the component, what the managed backend cannot take, all at once", () => {
    const args: HubSpotTriggerArgs = {
      project: "acme",
      region: "europe-west1",
      clientSecret: "s",
      previousClientSecret: "p",
      image: "europe-west1-docker.pkg.dev/p/r/i:1",
      triggers: [{ name: "companies", eventTypes: ["company.creation"], integration: "crm" }],
      privateServiceConnect: { enabled: true },
      backend: "managed",
      managed: {
        connectorVersion: "projects/p/locations/global/providers/gcp/connectors/hubspot/versions/1",
        minNodes: 9,
        maxNodes: 2,
        serviceAccount: "123456789012-compute@developer.gserviceaccount.com",
      },
    };
    assert.throws(
      () => resolveManaged(args),
      (error: Error) => {
        for (const part of [
          /accessToken: missing; the connection authenticates with it/,
          /previousClientSecret: is set; the connection verifies with one client secret/,
          /privateServiceConnect\.enabled: is true with backend managed; there is no Cloud Run listener/,
          /triggers\.0\.eventTypes\.0: "company\.creation" is not offered by Google's HubSpot connector/,
          /managed\.minNodes: 9 is above maxNodes 2; minNodes <= maxNodes/,
          /managed\.serviceAccount: .*Compute Engine default/i,
        ]) {
          assert.match(error.message, part);
        }
        return true;
      },
    );
    assert.throws(() => resolveManaged({ ...args, backend: undefined }), /managed: is set but backend is not managed/);
    const resolved = resolveManaged({
      ...args,
      accessToken: "t",
      previousClientSecret: undefined,
      privateServiceConnect: undefined,
      triggers: [{ name: "deals", eventTypes: ["deal.creation"], integration: "crm" }],
      managed: {
        connectorVersion: "v",
        serviceAccount: "serviceAccount:conn-sa1@acme-hubspot-test.iam.gserviceaccount.com",
      },
    });
    assert.equal(resolved?.serviceAccount, "conn-sa1@acme-hubspot-test.iam.gserviceaccount.com");
    assert.deepEqual([resolved?.minNodes, resolved?.maxNodes], [2, 50]);
    assert.equal(resolved?.connectorKeys.tokenVariable, "access_token");
  });
});
