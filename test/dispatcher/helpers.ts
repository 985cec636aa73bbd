// Builders shared by the dispatcher specs: realistic payloads and push envelopes, and a POST helper.
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import assert from "node:assert/strict";
import { EnvError } from "../../contract/runtime-env";
import { readDispatcherConfig, type DispatcherConfig, type TriggerRoute } from "../../runtime/dispatcher/config";
import { eventAttributes } from "../../runtime/listener/sinks/sink";

export const PROJECT = "demo-project";
export const FIXED_TOKEN = "ya29.test-access-token";

export function samplePayload(overrides: Partial<ConnectorEventPayload> = {}): ConnectorEventPayload {
  return {
    schemaVersion: "1",
    eventType: "deal.creation",
    objectType: "deal",
    objectId: "9007199254740993", // above 2^53: must stay exact
    portalId: "62515",
    appId: "1160452",
    eventId: "100",
    subscriptionId: "2881778",
    occurredAt: { epochMillis: 1732700000000, iso: "2024-11-27T09:33:20.000Z" },
    changeSource: "CRM_UI",
    attemptNumber: 0,
    receivedAt: "2024-11-27T09:33:20.500Z",
    dedupKey: "3f".repeat(32),
    raw: { eventId: "100", objectId: "9007199254740993", subscriptionType: "deal.creation" },
    ...overrides,
  };
}

/** The attributes the listener publishes with each event. */
export const attributesOf = (payload: ConnectorEventPayload): Record<string, string> => eventAttributes(payload);

let nextMessageId = 1000;

export function pushEnvelope(
  payload: ConnectorEventPayload | Buffer,
  options: { subscription?: string; deliveryAttempt?: number; attributes?: Record<string, string> } = {},
): Record<string, unknown> {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  return {
    message: {
      data: data.toString("base64"),
      attributes: options.attributes ?? (Buffer.isBuffer(payload) ? {} : attributesOf(payload)),
      messageId: String(nextMessageId++),
      publishTime: new Date().toISOString(),
    },
    subscription: `projects/${PROJECT}/subscriptions/${options.subscription ?? "deals-created"}`,
    ...(options.deliveryAttempt ? { deliveryAttempt: options.deliveryAttempt } : {}),
  };
}

export const DEAL_TRIGGER: TriggerRoute = {
  name: "deal-created",
  subscription: "deals-created",
  eventTypes: ["deal.creation"],
  integration: "on-deal-created",
  triggerId: "api_trigger/on-deal-created",
};

export function testConfig(overrides: Partial<DispatcherConfig> = {}): DispatcherConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    projectId: PROJECT,
    deadLetterTopic: `projects/${PROJECT}/topics/hubspot-dead-letter`,
    triggers: [DEAL_TRIGGER],
    integrationProject: PROJECT,
    integrationLocation: "europe-west1",
    integrationsEndpoint: "http://127.0.0.1:9",
    maxConcurrentExecutions: 50,
    executionTimeoutMs: 2000,
    ...overrides,
  };
}

/** Fixed-token credentials, standing in for GoogleAuth on the trigger service account. */
export const fixedTokenAuth = {
  getRequestHeaders: async () => new Headers({ authorization: `Bearer ${FIXED_TOKEN}` }),
};

export async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

/** Every problem `readDispatcherConfig` reports for an environment it must refuse. */
export function dispatcherConfigProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    readDispatcherConfig(env);
  } catch (error) {
    assert.ok(error instanceof EnvError, `expected EnvError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the configuration to be rejected");
}
