import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { loadSerializedProvider } from "../support/serialized-provider";
import { connectionEventingProvider } from "../../components/managed/connection-eventing";
import { eventSubscriptionProvider } from "../../components/managed/event-subscription";
import { ACCESS_TOKEN_ENV } from "../../components/managed/connectors-api";
import { ACCESS_TOKEN, CONNECTION } from "./support";

describe("managed backend dynamic providers: serialization", () => {
  const providers = { ConnectionEventing: connectionEventingProvider, EventSubscription: eventSubscriptionProvider };

  for (const [name, provider] of Object.entries(providers)) {
    it(`${name}: serializes, holds no credential (even with a token in the environment), requires googleapis by name, and runs when loaded`, async () => {
      process.env[ACCESS_TOKEN_ENV] = ACCESS_TOKEN;
      try {
        const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        assert.ok(!serialized.text.includes(ACCESS_TOKEN), "no access token in the provider text");
        assert.ok(
          serialized.text.includes('require("googleapis")'),
          "googleapis is required by package name at call time",
        );
        assert.ok(!/require\("\/[^"]*node_modules/.test(serialized.text), "no deep node_modules path");

        const loaded = loadSerializedProvider(serialized.text);
        const news =
          name === "ConnectionEventing"
            ? { connectionName: CONNECTION, deadLetter: { projectId: "hubspot-trigger-dev", topic: "goog-x" } }
            : {
                connectionName: CONNECTION,
                eventSubscriptionId: "s1",
                eventTypeId: "deal.creation",
                pubsub: { projectId: "hubspot-trigger-dev", topicId: "events" },
                serviceAccount: "nobody",
              };
        const result = await loaded.check?.({}, news);
        assert.equal(
          result?.failures?.length,
          1,
          `the loaded provider still validates: ${JSON.stringify(result?.failures)}`,
        );
      } finally {
        delete process.env[ACCESS_TOKEN_ENV];
      }
    });
  }
});
