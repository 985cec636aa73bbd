/**
 * Pub/Sub push envelopes (https://cloud.google.com/pubsub/docs/push#receive_push): validation and decoding, no HTTP.
 * A malformed envelope is answered 400 by the caller: Pub/Sub redelivers it with backoff and, after the
 * subscription's max delivery attempts, moves it to the dead-letter topic, which is right for garbage we cannot read.
 */
import type { ConnectorEventPayload, ObjectType } from "../shared/connector-event-payload";
import { PAYLOAD_SCHEMA_VERSION } from "../shared/connector-event-payload";

export interface PushMessage {
  /** The message data as published (empty when the message had none). */
  data: Buffer;
  attributes: Record<string, string>;
  messageId: string;
  publishTime: string;
  orderingKey?: string;
}

export interface PushEnvelope {
  message: PushMessage;
  /** Full `projects/P/subscriptions/S`. */
  subscription: string;
  /** `S`: how DISPATCHER_TRIGGERS names it. */
  subscriptionId: string;
  /** Present only on subscriptions with a dead-letter policy. */
  deliveryAttempt?: number;
}

/** The envelope or the payload is not what Pub/Sub or the listener sends; `field` names the culprit. */
export class InvalidPushError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "InvalidPushError";
  }
}

const SUBSCRIPTION_PATH = /^projects\/[^/]+\/subscriptions\/([^/]+)$/;
// Strict base64 (standard alphabet, padded), as Pub/Sub encodes data; Buffer.from would silently skip bad characters.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parsePushEnvelope(body: unknown): PushEnvelope {
  if (!isRecord(body)) throw new InvalidPushError("body", "is not a JSON object; the rule is a Pub/Sub push envelope");
  const message = body.message;
  if (!isRecord(message)) throw new InvalidPushError("message", "is missing or not an object");
  const subscription = body.subscription;
  const match = typeof subscription === "string" ? SUBSCRIPTION_PATH.exec(subscription) : null;
  if (!match) {
    throw new InvalidPushError(
      "subscription",
      `${JSON.stringify(subscription)} is invalid; the rule is projects/P/subscriptions/S`,
    );
  }
  // Pub/Sub sends both camelCase and snake_case spellings of these two fields.
  const messageId = message.messageId ?? message.message_id;
  if (typeof messageId !== "string" || messageId === "") {
    throw new InvalidPushError("message.messageId", "is missing; the rule is a non-empty string");
  }
  const publishTime = message.publishTime ?? message.publish_time;
  if (typeof publishTime !== "string" || Number.isNaN(Date.parse(publishTime))) {
    throw new InvalidPushError("message.publishTime", `${JSON.stringify(publishTime)} is not an RFC 3339 timestamp`);
  }
  const rawData = message.data ?? "";
  if (typeof rawData !== "string" || !BASE64.test(rawData)) {
    throw new InvalidPushError("message.data", "is not base64; the rule is the base64 of the message bytes");
  }
  const rawAttributes = message.attributes ?? {};
  if (!isRecord(rawAttributes) || Object.values(rawAttributes).some((v) => typeof v !== "string")) {
    throw new InvalidPushError("message.attributes", "is not a map of strings");
  }
  const deliveryAttempt = body.deliveryAttempt;
  if (deliveryAttempt !== undefined && (!Number.isInteger(deliveryAttempt) || (deliveryAttempt as number) < 1)) {
    throw new InvalidPushError("deliveryAttempt", `${JSON.stringify(deliveryAttempt)} is not a positive integer`);
  }
  return {
    message: {
      data: Buffer.from(rawData, "base64"),
      attributes: rawAttributes as Record<string, string>,
      messageId,
      publishTime,
      orderingKey:
        typeof message.orderingKey === "string" && message.orderingKey !== "" ? message.orderingKey : undefined,
    },
    subscription: subscription as string,
    subscriptionId: match[1],
    deliveryAttempt: deliveryAttempt as number | undefined,
  };
}

const OBJECT_TYPES: readonly string[] = ["contact", "company", "deal"];

/**
 * The ConnectorEventPayload in a message. Checks only what the dispatcher relies on (version, routing and lookup
 * fields); the listener validated the rest against the published schema, and everything else is passed through.
 */
export function decodePayload(data: Buffer): ConnectorEventPayload {
  let value: unknown;
  try {
    value = JSON.parse(data.toString("utf8"));
  } catch (error) {
    throw new InvalidPushError("message.data", `is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(value))
    throw new InvalidPushError("payload", "is not a JSON object; the rule is a ConnectorEventPayload");
  if (value.schemaVersion !== PAYLOAD_SCHEMA_VERSION) {
    throw new InvalidPushError(
      "payload.schemaVersion",
      `${JSON.stringify(value.schemaVersion)} is not supported; the rule is "${PAYLOAD_SCHEMA_VERSION}"`,
    );
  }
  if (typeof value.eventType !== "string" || value.eventType === "") {
    throw new InvalidPushError("payload.eventType", "is missing; the rule is a string like deal.creation");
  }
  if (typeof value.objectType !== "string" || !OBJECT_TYPES.includes(value.objectType)) {
    throw new InvalidPushError(
      "payload.objectType",
      `${JSON.stringify(value.objectType)} is invalid; the rule is contact|company|deal`,
    );
  }
  // int64 ids travel as decimal strings so no digit is lost.
  if (typeof value.objectId !== "string" || !/^\d{1,20}$/.test(value.objectId)) {
    throw new InvalidPushError(
      "payload.objectId",
      `${JSON.stringify(value.objectId)} is invalid; the rule is a decimal string`,
    );
  }
  return value as unknown as ConnectorEventPayload & { objectType: ObjectType };
}
