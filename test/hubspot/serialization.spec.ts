import assert from "node:assert/strict";
import Module from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { webhookSettingsProvider } from "../../components/hubspot/webhook-settings";
import { webhookSubscriptionProvider } from "../../components/hubspot/webhook-subscription";
import { DEVELOPER_API_KEY, OAUTH_TOKEN } from "./support";

/** Loads serialized provider text the way the dynamic-provider host does (requireFromString), from the repo root. */
function load(text: string): { handler: () => pulumi.dynamic.ResourceProvider } {
  const filename = join(__dirname, "..", "..", "serialized-provider.js");
  const loaded = new Module(filename);
  loaded.filename = filename;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    join(__dirname, "..", ".."),
  );
  (loaded as unknown as { _compile(code: string, file: string): void })._compile(text, filename);
  return loaded.exports as { handler: () => pulumi.dynamic.ResourceProvider };
}

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

        const loaded = load(serialized.text).handler();
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
