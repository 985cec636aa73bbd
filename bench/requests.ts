// Realistic signed HubSpot deliveries for the benchmarks: 100-event batches (about 20 KB), v3 signatures with fresh
// timestamps, every batch distinct (different occurredAt and ids) so the listener's replay cache never short-cuts one.
// Ids are below 2^53 as HubSpot's are today unless `bigIds`: then every third object id needs the lossless parser.
import { batchJson, SEED_EVENT_TYPES, sampleEvents } from "../testing/sample-events";
import { signV3 } from "../runtime/listener/signature/sign";
import type { PreparedRequest } from "./load-generator";

export const BENCH_SECRET = "bench-client-secret-0123456789";
export const BENCH_PUBLIC_URL = "https://hubspot-listener.example.run.app/webhooks/hubspot";
export const EVENTS_PER_BATCH = 100;

export function prepareRequests(
  count: number,
  options: { bigIds?: boolean; startMs?: number } = {},
): PreparedRequest[] {
  const startMs = options.startMs ?? Date.now();
  const requests: PreparedRequest[] = [];
  for (let index = 0; index < count; index++) {
    const now = startMs - index * 1000;
    // The seed's six only: the measured numbers in docs/performance.md were taken on them.
    const events = SEED_EVENT_TYPES.flatMap((type, typeIndex) =>
      sampleEvents(type, Math.ceil(EVENTS_PER_BATCH / SEED_EVENT_TYPES.length), {
        now: now + typeIndex * 200,
        bigIds: options.bigIds ?? false,
      }),
    ).slice(0, EVENTS_PER_BATCH);
    const body = Buffer.from(batchJson(events));
    const timestamp = String(Date.now());
    requests.push({
      path: "/webhooks/hubspot",
      body,
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "x-hubspot-request-timestamp": timestamp,
        "x-hubspot-signature-v3": signV3({
          secret: BENCH_SECRET,
          method: "POST",
          uri: BENCH_PUBLIC_URL,
          body,
          timestamp,
        }),
      },
    });
  }
  return requests;
}
