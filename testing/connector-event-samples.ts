/**
 * Messages as an Integration Connectors event subscription of the HubSpot connector writes them to the events topic
 * (the managed backend, issue 14), for the dispatcher's specs and for trying the managed path by hand.
 *
 * Built from documentation, not recorded from Google: no capture of such a message is published, and Google documents
 * no exact data shape (docs/connector-events.md lists what it does document). So:
 * - attributes are the ones the stack declares on each event subscription's Pub/Sub destination
 *   (contract/connector-events.ts; Connectors v1 `PubSub.attributes`);
 * - data is one HubSpot webhook event, field for field as HubSpot documents its webhook payloads (eventId,
 *   subscriptionId, portalId, appId, occurredAt in ms, subscriptionType, attemptNumber, objectId, changeSource,
 *   changeFlag, sourceId, propertyName/propertyValue), which is what Google says the HubSpot trigger's
 *   ConnectorEventPayload holds ("le schéma de charge utile HubSpot").
 * Data is kept as JSON text so ids beyond 2^53 keep every digit.
 */
import { connectorEventAttributes } from "../contract/connector-events";

export interface ConnectorEventSample {
  name: string;
  /** The message data, exactly as published. */
  data: string;
  attributes: Record<string, string>;
  /** RFC 3339 with nanoseconds, as Pub/Sub writes publishTime. */
  publishTime: string;
}

export const SAMPLE_PUBLISH_TIME = "2024-11-27T09:35:00.123456789Z";

function sample(name: string, eventTypeId: string, data: string): ConnectorEventSample {
  return { name, data, attributes: connectorEventAttributes(eventTypeId), publishTime: SAMPLE_PUBLISH_TIME };
}

/** One well-formed event per supported type: the seed's six, then a company one in the generic object.* shape. */
export const CONNECTOR_EVENT_SAMPLES: readonly ConnectorEventSample[] = [
  sample(
    "contact.creation",
    "contact.creation",
    '{"eventId":1001,"subscriptionId":2881778,"portalId":62515,"appId":1160452,"occurredAt":1732700000000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeFlag":"CREATED","changeSource":"CRM_UI"}',
  ),
  sample(
    "contact.propertyChange",
    "contact.propertyChange",
    '{"eventId":1002,"subscriptionId":2881779,"portalId":62515,"appId":1160452,"occurredAt":1732700001001,"subscriptionType":"contact.propertyChange","attemptNumber":1,"objectId":124,"propertyName":"lifecyclestage","propertyValue":"marketingqualifiedlead","changeSource":"CRM_UI","sourceId":"userId:73462119"}',
  ),
  sample(
    "contact.deletion",
    "contact.deletion",
    '{"eventId":1003,"subscriptionId":2881780,"portalId":62515,"appId":1160452,"occurredAt":1732700002002,"subscriptionType":"contact.deletion","attemptNumber":0,"objectId":125,"changeFlag":"DELETED","changeSource":"CRM_UI"}',
  ),
  sample(
    "deal.creation (objectId beyond 2^53)",
    "deal.creation",
    '{"eventId":1004,"subscriptionId":2881781,"portalId":62515,"appId":1160452,"occurredAt":1732700003003,"subscriptionType":"deal.creation","attemptNumber":0,"objectId":9007199254740993,"changeFlag":"CREATED","changeSource":"API"}',
  ),
  sample(
    "deal.propertyChange",
    "deal.propertyChange",
    '{"eventId":1005,"subscriptionId":2881782,"portalId":62515,"appId":1160452,"occurredAt":1732700004004,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":126,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM_UI"}',
  ),
  sample(
    "deal.deletion",
    "deal.deletion",
    '{"eventId":1006,"subscriptionId":2881783,"portalId":62515,"appId":1160452,"occurredAt":1732700005005,"subscriptionType":"deal.deletion","attemptNumber":0,"objectId":127,"changeFlag":"DELETED","changeSource":"CRM_UI"}',
  ),
  sample(
    "company.creation (generic object.creation, objectTypeId 0-2)",
    "company.creation",
    '{"eventId":1007,"subscriptionId":2881784,"portalId":62515,"appId":1160452,"occurredAt":1732700006006,"subscriptionType":"object.creation","objectTypeId":"0-2","attemptNumber":0,"objectId":128,"changeFlag":"CREATED","changeSource":"CRM_UI"}',
  ),
];

export interface MalformedConnectorEventSample extends ConnectorEventSample {
  reason: "invalid-connector-event" | "unsupported-event-type";
  /** A part of the reasonDetail: the field, the problem or the rule it must name. */
  detailIncludes: string[];
}

function malformed(
  name: string,
  data: string,
  attributes: Record<string, string>,
  reason: MalformedConnectorEventSample["reason"],
  detailIncludes: string[],
): MalformedConnectorEventSample {
  return { name, data, attributes, publishTime: SAMPLE_PUBLISH_TIME, reason, detailIncludes };
}

const DEAL_CREATION = CONNECTOR_EVENT_SAMPLES[3].data;

/** Connector events the dispatcher must dead-letter, each with the reason it must give. */
export const MALFORMED_CONNECTOR_EVENT_SAMPLES: readonly MalformedConnectorEventSample[] = [
  malformed("not JSON", "deal created", connectorEventAttributes("deal.creation"), "invalid-connector-event", [
    "message.data",
    "not valid JSON",
  ]),
  malformed("empty data", "", connectorEventAttributes("deal.creation"), "invalid-connector-event", [
    "message.data",
    "one HubSpot webhook event object per message",
  ]),
  malformed(
    "a batch array instead of one event",
    `[${DEAL_CREATION}]`,
    connectorEventAttributes("deal.creation"),
    "invalid-connector-event",
    ["message.data is a JSON array", "one HubSpot webhook event object per message"],
  ),
  malformed(
    "two JSON values",
    `${DEAL_CREATION},${DEAL_CREATION}`,
    connectorEventAttributes("deal.creation"),
    "invalid-connector-event",
    ["2 values", "one HubSpot webhook event object per message"],
  ),
  malformed(
    "objectId not an integer",
    DEAL_CREATION.replace('"objectId":9007199254740993', '"objectId":"abc"'),
    connectorEventAttributes("deal.creation"),
    "invalid-connector-event",
    ["objectId", '"abc"', "the rule is an integer"],
  ),
  malformed(
    "objectId beyond int64",
    DEAL_CREATION.replace('"objectId":9007199254740993', '"objectId":99999999999999999999'),
    connectorEventAttributes("deal.creation"),
    "invalid-connector-event",
    ["objectId", "beyond int64", "2^63-1"],
  ),
  malformed(
    "occurredAt missing",
    DEAL_CREATION.replace('"occurredAt":1732700003003,', ""),
    connectorEventAttributes("deal.creation"),
    "invalid-connector-event",
    ["occurredAt is missing", "epoch milliseconds"],
  ),
  malformed(
    "propertyChange without propertyName",
    CONNECTOR_EVENT_SAMPLES[4].data.replace('"propertyName":"dealstage",', ""),
    connectorEventAttributes("deal.propertyChange"),
    "invalid-connector-event",
    ["propertyName is missing", "non-empty string on propertyChange events"],
  ),
  malformed(
    "a key repeated",
    DEAL_CREATION.replace('"objectId":9007199254740993', '"objectId":1,"objectId":2'),
    connectorEventAttributes("deal.creation"),
    "invalid-connector-event",
    ['repeats the key "objectId"', "unique keys"],
  ),
  malformed(
    "a type HubSpot has but we do not handle",
    DEAL_CREATION.replace('"deal.creation"', '"ticket.creation"'),
    connectorEventAttributes("ticket.creation"),
    "unsupported-event-type",
    ["subscriptionType", '"ticket.creation"', "not handled"],
  ),
  malformed(
    "eventType attribute disagreeing with the event",
    DEAL_CREATION,
    connectorEventAttributes("contact.creation"),
    "invalid-connector-event",
    ['attribute eventType is "contact.creation"', '"deal.creation"', "same event type"],
  ),
  malformed(
    "eventType attribute missing",
    DEAL_CREATION,
    { eventSource: "integration-connectors" },
    "invalid-connector-event",
    ["attribute eventType is missing", "eventTypeId"],
  ),
];
