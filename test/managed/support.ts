import type * as pulumi from "@pulumi/pulumi";
import { ConnectorsStandIn, type ConnectorsStandInOptions } from "../../testing/connectors-stand-in";
import { ACCESS_TOKEN_ENV, type PollingPolicy, type RetryPolicy } from "../../components/managed/connectors-api";
import { connectionEventingProvider } from "../../components/managed/connection-eventing";
import { eventSubscriptionProvider } from "../../components/managed/event-subscription";

/** Shared by the managed-backend specs: a started Connectors stand-in and the providers with every method present. */
export const ACCESS_TOKEN = "ya29.stand-in-access-token-3f9c1e7a";
export const PROJECT = "hubspot-trigger-dev";
export const CONNECTION = `projects/${PROJECT}/locations/europe-west1/connections/hubspot-events`;
export const EVENTS_TOPIC = "hubspot-trigger-events";
export const SERVICE_ACCOUNT = `hubspot-connector@${PROJECT}.iam.gserviceaccount.com`;

export type Provider = Required<pulumi.dynamic.ResourceProvider>;
export const eventingProvider = connectionEventingProvider as Provider;
export const subscriptionProvider = eventSubscriptionProvider as Provider;

/** No waiting between polls or retries: specs wait for the stand-in's counts, never for time. */
export const NO_DELAY_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 0 };
/** With zero delays each poll counts 1 ms towards the bounds: at most 50 polls per operation or settle. */
export const NO_DELAY_POLLING: PollingPolicy = { initialDelayMs: 0, maxDelayMs: 0, timeoutMs: 50, settleTimeoutMs: 50 };

export interface Started {
  standIn: ConnectorsStandIn;
  rootUrl: string;
  /** Provider settings pointing at the stand-in. */
  settings: { rootUrl: string; retry: RetryPolicy; polling: PollingPolicy };
}

/** Starts a stand-in with the test connection seeded, and hands the providers an access token through the env. */
export async function startStandIn(options: ConnectorsStandInOptions = {}): Promise<Started> {
  const standIn = new ConnectorsStandIn(options);
  const rootUrl = await standIn.start();
  standIn.seedConnection(CONNECTION, {
    eventingConfig: {
      registrationDestinationConfig: { destinations: [{ host: "https://api.hubapi.com" }] },
      listenerAuthConfig: { authType: "USER_PASSWORD", userPassword: { username: "hubspot" } },
    },
  });
  process.env[ACCESS_TOKEN_ENV] = ACCESS_TOKEN;
  return { standIn, rootUrl, settings: { rootUrl, retry: NO_DELAY_RETRY, polling: NO_DELAY_POLLING } };
}

export async function stopStandIn(started: Started | undefined): Promise<void> {
  delete process.env[ACCESS_TOKEN_ENV];
  await started?.standIn.stop();
}

/** What `check` hands to create: the provider's own defaults applied, failures asserted empty. */
export async function checked(provider: Provider, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await provider.check({}, news);
  if (result.failures && result.failures.length > 0)
    throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs as Record<string, unknown>;
}
