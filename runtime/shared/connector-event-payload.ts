/**
 * ConnectorEventPayload, version 1: what every consumer of the events topic receives (Pub/Sub message data) and what
 * the dispatcher hands to Application Integration as the `ConnectorEventPayload` input, as the seed's trigger does.
 * The JSON Schema next to this file (connector-event-payload.schema.json) is the published contract; keep both equal.
 */
export const PAYLOAD_SCHEMA_VERSION = "1";

export type ObjectType = "contact" | "deal" | "company";

export interface ConnectorEventPayload {
  schemaVersion: typeof PAYLOAD_SCHEMA_VERSION;
  /** Always the legacy form `contact.creation`, `deal.propertyChange`, ... even for generic `object.*` deliveries. */
  eventType: string;
  objectType: ObjectType;
  /** int64 in HubSpot: kept as a decimal string so no digit is lost. */
  objectId: string;
  portalId: string;
  appId: string;
  /** int64 in HubSpot, not unique on its own (see dedupKey). */
  eventId: string;
  subscriptionId: string;
  occurredAt: { epochMillis: number; iso: string };
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
  changeFlag?: string;
  sourceId?: string;
  attemptNumber: number;
  /** When the listener accepted the batch, ISO 8601. */
  receivedAt: string;
  /** Hex SHA-256 of the fields that identify the change (portal, object, type, property, value, occurredAt). */
  dedupKey: string;
  /**
   * The event as HubSpot sent it: numbers a double holds exactly stay numbers; any other (an id beyond 2^53, 1e400)
   * is the string of its digits as sent.
   */
  raw: Record<string, unknown>;
  /** Filled by the dispatcher when enrichment is on: the object's current properties. */
  object?: { properties: Record<string, string | null>; deleted?: boolean };
}
