import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSerializedProvider } from "../support/serialized-provider";
import { webhookSettingsProvider } from "../../components/hubspot/webhook-settings";
import { webhookSubscriptionProvider } from "../../components/hubspot/webhook-subscription";
import { DEVELOPER_API_KEY, OAUTH_TOKEN } from "./support";

describe("hubspot dynamic providers: serialization", () => {
  const providers = { WebhookSettings: webhookSettingsProvider, WebhookSubscription: webhookSubscriptionProvider };

  for (const [name, provider] of Object.entries(providers)) {
    it(`${name}: serializes, holds no credential (even with credentials in the environment), and runs when loaded`, async () => {
      process.env.HUBSPOT_DEVELOPER_API_KEY = DEVELOPER_API_KEY;
      process.env.HUBSPOT_DEVELOPER_OAUTH_TOKEN = OAUTH_TOKEN;
      try {
        const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        assert.ok(!serialized.text.includes(DEVELOPER_API_KEY), "no developer API key in the provider text");
        assert.ok(!serialized.text.includes(OAUTH_TOKEN), "no OAuth token in the provider text");
        for (const name of ["node-fetch", "https-proxy-agent", "http-proxy-agent"]) {
          assert.ok(serialized.text.includes(`require("${name}")`), `${name} is required by package name at call time`);
        }
        assert.ok(!/require\("\/[^"]*node_modules/.test(serialized.text), "no deep node_modules path");

        const loaded = loadSerializedProvider(serialized.text);
        const news =
          name === "WebhookSettings"
            ? {
                appId: "1",
                credentialKind: "developerApiKey",
                targetUrl: "http://insecure.example.com",
                maxConcurrentRequests: 10,
              }
            : { appId: "1", credentialKind: "developerApiKey", eventType: "deal.propertyChange" };
        const result = await loaded.check?.({}, news);
        assert.equal(
          result?.failures?.length,
          1,
          `the loaded provider still validates: ${JSON.stringify(result?.failures)}`,
        );
      } finally {
        delete process.env.HUBSPOT_DEVELOPER_API_KEY;
        delete process.env.HUBSPOT_DEVELOPER_OAUTH_TOKEN;
      }
    });
  }
});
