// The floor the listener is held to: the least work any "one message per event" design does. Per request
// the HMAC and JSON.parse of the floor, then per event one message the size and shape of the listener's
// ConnectorEventPayload, serialised (`Buffer.from(JSON.stringify(...))`), and its attributes object serialised too
// (JSON standing in for the client's protobuf encoding of the map). No validation, no hashing: fields are copied as
// they come, and the dedupKey is a fixed string of a SHA-256 hex's length, so the message costs what the listener's
// costs to serialise while computing the key stays the listener's own cost.
import { serveSignedBatches } from "./signed-http";

const KEY_SIZED = "0".repeat(64);
let serialisedBytes = 0; // kept, so no serialisation can be optimised away

function serialiseEvent(event: Record<string, unknown>, receivedAt: string): void {
  const type = String(event.subscriptionType);
  const epochMillis = Number(event.occurredAt);
  const message = {
    schemaVersion: "1",
    eventType: type,
    objectType: type.slice(0, type.indexOf(".")),
    objectId: String(event.objectId),
    portalId: String(event.portalId),
    appId: String(event.appId),
    eventId: String(event.eventId),
    subscriptionId: String(event.subscriptionId),
    occurredAt: { epochMillis, iso: new Date(epochMillis).toISOString() },
    attemptNumber: event.attemptNumber,
    receivedAt,
    dedupKey: KEY_SIZED,
    raw: event,
    propertyName: event.propertyName,
    propertyValue: event.propertyValue,
    changeSource: event.changeSource,
    changeFlag: event.changeFlag,
    sourceId: event.sourceId,
  };
  const attributes = {
    eventType: message.eventType,
    objectType: message.objectType,
    portalId: message.portalId,
    objectId: message.objectId,
    eventId: message.eventId,
    dedupKey: KEY_SIZED,
    ...(typeof event.propertyName === "string" ? { propertyName: event.propertyName } : {}),
  };
  serialisedBytes += Buffer.from(JSON.stringify(message)).length + JSON.stringify(attributes).length;
}

serveSignedBatches((text) => {
  const events = JSON.parse(text) as Record<string, unknown>[];
  const receivedAt = new Date().toISOString();
  for (const event of events) serialiseEvent(event, receivedAt);
});
process.on("message", () => process.send?.({ serialisedBytes }));
