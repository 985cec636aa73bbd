import type * as pulumi from "@pulumi/pulumi";
import { HubSpotWebhooksStandIn } from "../fixtures/hubspot-webhooks-stand-in/server";
import { webhookSettingsProvider } from "../../components/hubspot/webhook-settings";
import { webhookSubscriptionProvider } from "../../components/hubspot/webhook-subscription";

/** Shared by the HubSpot specs: a started stand-in and the providers with every method present. */
export const APP_ID = "424242";
export const DEVELOPER_API_KEY = "dev-key-7c1f0e9a-secret";
export const OAUTH_TOKEN = "oauth-token-5b2d77e1-secret";
export const LISTENER_URL = "https://hubspot-listener-abc123-ew.a.run.app/webhooks/hubspot";

export type Provider = Required<pulumi.dynamic.ResourceProvider>;
export const settingsProvider = webhookSettingsProvider as Provider;
export const subscriptionProvider = webhookSubscriptionProvider as Provider;

export async function startStandIn(
  subscriptionLimit?: number,
): Promise<{ standIn: HubSpotWebhooksStandIn; baseUrl: string }> {
  const standIn = new HubSpotWebhooksStandIn({
    appId: APP_ID,
    developerApiKey: DEVELOPER_API_KEY,
    oauthToken: OAUTH_TOKEN,
    subscriptionLimit,
  });
  const baseUrl = await standIn.start();
  return { standIn, baseUrl };
}

export function connection(baseUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appId: APP_ID,
    apiVersion: "v3",
    apiBaseUrl: baseUrl,
    credentialKind: "developerApiKey",
    credential: DEVELOPER_API_KEY,
    retainOnDelete: false,
    ...overrides,
  };
}

/** What `check` would hand to create: the provider's own defaults applied and failures asserted empty. */
export async function checked(provider: Provider, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, news);
  if (result.failures && result.failures.length > 0)
    throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs as Record<string, unknown>;
}

export const SIX_SUBSCRIPTIONS = [
  { eventType: "deal.creation" },
  { eventType: "deal.propertyChange", propertyName: "dealstage" },
  { eventType: "deal.deletion" },
  { eventType: "contact.creation" },
  { eventType: "contact.propertyChange", propertyName: "email" },
  { eventType: "contact.deletion" },
];
