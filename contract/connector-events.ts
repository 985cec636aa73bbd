/**
 * The Pub/Sub attributes that mark a message as written by an Integration Connectors event subscription (the managed
 * backend, issue 14) rather than by our listener. Google documents no attribute of its own on these messages: the
 * event subscription's Pub/Sub destination takes `attributes`, "Pub/Sub message attributes to be added to the
 * Pub/Sub message" (Connectors v1 `PubSub.attributes`, googleapis `Schema$PubSub`), so the stack declares these on
 * every event subscription it creates, and the dispatcher recognises the format by them, never by guessing from the
 * data. The listener never sets `eventSource`, so its messages cannot be taken for connector events.
 *
 * One module, read by the components (which write the attributes) and the runtime (which reads them).
 */

/** Attribute names the stack puts in `destinations.pubsub.attributes` of each event subscription. */
export const CONNECTOR_EVENT_ATTRIBUTES = {
  /** The marker: always CONNECTOR_EVENT_SOURCE. */
  source: "eventSource",
  /**
   * The event subscription's `eventTypeId` (`contact.creation`, ...): what the triggers' subscription filters read
   * (`attributes.eventType`, the same attribute the listener sets), and checked against the event in the data.
   */
  eventType: "eventType",
  /**
   * Optional: the subscription key (contract/subscription-key.ts) of the one trigger this event subscription serves.
   * With one event subscription per trigger, two triggers watching one type each get a copy of every event through
   * the shared events topic; this attribute lets each trigger run only on its own copy.
   */
  triggerSubscription: "triggerSubscription",
} as const;

/** The value of the `eventSource` attribute on every connector event. */
export const CONNECTOR_EVENT_SOURCE = "integration-connectors";

/** The attributes one event subscription's Pub/Sub destination declares. */
export function connectorEventAttributes(eventTypeId: string, triggerSubscriptionKey?: string): Record<string, string> {
  return {
    [CONNECTOR_EVENT_ATTRIBUTES.source]: CONNECTOR_EVENT_SOURCE,
    [CONNECTOR_EVENT_ATTRIBUTES.eventType]: eventTypeId,
    ...(triggerSubscriptionKey === undefined
      ? {}
      : { [CONNECTOR_EVENT_ATTRIBUTES.triggerSubscription]: triggerSubscriptionKey }),
  };
}
