// Shared by the proxy specs: the credentials tinyproxy is started with, and the dispatcher's environment on Cloud
// Run with the proxy variables.
import type { Tinyproxy } from "../../testing/tinyproxy";
import { DEAL_TRIGGER } from "./helpers";

const TOKEN = "pat-eu1-11111111-2222-3333-4444-555555555555";
const USER = "svc-hubspot";
const PASSWORD = "Tiny-Pr0xy-pass-9f3c";
const OBJECTS = { deals: { "9007199254740993": { properties: { dealname: "Renewal 2025" } } } };

/** The dispatcher's environment on Cloud Run, with the proxy variables. */
export function dispatcherEnv(options: {
  baseUrl: string;
  integrations: string;
  proxy: Tinyproxy;
  password?: string;
  sslType?: string;
  address?: string;
  deadLetterTopic?: string;
  emulatorHost?: string;
}): NodeJS.ProcessEnv {
  return {
    ROLE: "dispatcher",
    GOOGLE_CLOUD_PROJECT: "demo-project",
    DEAD_LETTER_TOPIC: options.deadLetterTopic ?? "projects/demo-project/topics/hubspot-dead-letter",
    DISPATCHER_TRIGGERS: JSON.stringify([DEAL_TRIGGER]),
    INTEGRATION_LOCATION: "europe-west1",
    INTEGRATIONS_ENDPOINT: options.integrations,
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_API_BASE_URL: options.baseUrl,
    ENRICHMENT_DEAL_PROPERTIES: "dealname",
    HUBSPOT_PROXY_HOST: options.proxy.host,
    HUBSPOT_PROXY_PORT: String(options.proxy.port),
    HUBSPOT_PROXY_AUTH_SCHEME: "BASIC",
    HUBSPOT_PROXY_USERNAME: USER,
    HUBSPOT_PROXY_PASSWORD: options.password ?? PASSWORD,
    ...(options.sslType ? { HUBSPOT_PROXY_SSL_TYPE: options.sslType } : {}),
    ...(options.address ? { HUBSPOT_API_ADDRESS: options.address } : {}),
    ...(options.emulatorHost ? { PUBSUB_EMULATOR_HOST: options.emulatorHost } : {}),
  };
}

export const PROXY_TEST_CREDENTIALS = { USER, PASSWORD, TOKEN, OBJECTS } as const;
