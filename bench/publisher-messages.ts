// The messages the listener publishes for the bench's batches, built ahead of time for the publisher-bare scenario:
// the same signed batches (bench/requests.ts), through the listener's own normalization and its sinks' own
// `eventMessage` (data, attributes and, with ordering, the ordering key), so the two scenarios send the same bytes.
import { normalizeEvent } from "../runtime/listener/events/normalize";
import { eventMessage } from "../runtime/listener/sinks/sink";
import type { MessageShape } from "../runtime/shared/pubsub-limits";
import { prepareRequests } from "./requests";

export function prebuiltBatches(count: number, ordering: boolean): MessageShape[][] {
  const receivedAt = new Date().toISOString();
  return prepareRequests(count).map((request) =>
    (JSON.parse(request.body.toString("utf8")) as unknown[]).map((event) => {
      const normalized = normalizeEvent(event, receivedAt);
      if (!normalized.ok) throw new Error(`bench event does not normalize: ${normalized.detail}`);
      const built = eventMessage(normalized.payload, ordering);
      if (!built.ok) throw new Error(`bench event makes no message: ${JSON.stringify(built.outcome)}`);
      return built.message;
    }),
  );
}
