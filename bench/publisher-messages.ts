// The messages the listener publishes for the bench's batches, built ahead of time for the publisher-bare scenario:
// the same signed batches (bench/requests.ts), through the listener's own normalization, serialised as its Pub/Sub
// sink serialises them (data = the ConnectorEventPayload's JSON, attributes = eventAttributes).
import { normalizeEvent } from "../runtime/listener/events/normalize";
import { eventAttributes } from "../runtime/listener/sinks/sink";
import { prepareRequests } from "./requests";

export interface PrebuiltMessage {
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey?: string;
}

/** `ordering`: with the per-object ordering key the sink adds when MESSAGE_ORDERING is on. */
export function prebuiltBatches(count: number, ordering: boolean): PrebuiltMessage[][] {
  const receivedAt = new Date().toISOString();
  return prepareRequests(count).map((request) =>
    (JSON.parse(request.body.toString("utf8")) as unknown[]).map((event) => {
      const result = normalizeEvent(event, receivedAt);
      if (!result.ok) throw new Error(`bench event does not normalize: ${result.detail}`);
      const { payload } = result;
      return {
        data: Buffer.from(JSON.stringify(payload)),
        attributes: eventAttributes(payload),
        ...(ordering ? { orderingKey: `${payload.objectType}:${payload.objectId}` } : {}),
      };
    }),
  );
}
