/**
 * Realistic HubSpot webhook events, shaped like HubSpot's documented deliveries, for `npm run send-test-event`, the
 * tests and benchmarks. Ids are bigints so some can exceed 2^53 as real int64 ids do; serialize batches with
 * `batchJson` (lossless-json keeps every digit, JSON.stringify cannot write a bigint).
 */
import { stringify } from "lossless-json";
import type { EventType } from "../contract/events";

/** Every type a trigger may list (the seed's six, then the opt-in company types); SEED_EVENT_TYPES is the six. */
export { EVENT_TYPES, SEED_EVENT_TYPES } from "../contract/events";
export type SampleEventType = EventType;

export interface SampleEvent {
  eventId: bigint;
  subscriptionId: bigint;
  portalId: bigint;
  appId: bigint;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: bigint;
  objectTypeId?: string;
  changeSource: string;
  changeFlag?: string;
  sourceId?: string;
  propertyName?: string;
  propertyValue?: string;
}

export interface SampleOptions {
  portalId?: bigint;
  appId?: bigint;
  /** Generic `object.*` shape (objectTypeId) instead of the legacy `contact.*`/`deal.*`/`company.*` one. */
  generic?: boolean;
  /** Every third event gets an objectId above 2^53 unless false. */
  bigIds?: boolean;
  now?: number;
}

type SampleObjectType = "deal" | "contact" | "company";

const PROPERTY_CHANGES: Record<SampleObjectType, Array<[string, string]>> = {
  deal: [
    ["dealstage", "closedwon"],
    ["amount", "12500.50"],
    ["hubspot_owner_id", "73462119"],
  ],
  contact: [
    ["lifecyclestage", "marketingqualifiedlead"],
    ["email", "ada.lovelace@example.com"],
    ["phone", "+33 1 23 45 67 89"],
  ],
  company: [
    ["industry", "COMPUTER_SOFTWARE"],
    ["domain", "acme.example"],
    ["numberofemployees", "250"],
  ],
};
// HubSpot's object type ids, as generic object.* events carry them.
const OBJECT_TYPE_IDS: Record<SampleObjectType, string> = { contact: "0-1", deal: "0-3", company: "0-2" };
// One HubSpot subscription per object type, as an app registered by this stack would have.
const SUBSCRIPTION_IDS: Record<SampleObjectType, bigint> = {
  contact: 2_461_226n,
  deal: 2_461_227n,
  company: 2_461_228n,
};
const BEYOND_2_POW_53 = 9_007_199_254_740_993n; // 2^53 + 1: the first integer a double cannot hold

export function sampleEvents(type: SampleEventType, count: number, options: SampleOptions = {}): SampleEvent[] {
  const [objectType, change] = type.split(".") as [SampleObjectType, "creation" | "propertyChange" | "deletion"];
  const now = options.now ?? Date.now();
  const events: SampleEvent[] = [];
  for (let index = 0; index < count; index++) {
    const big = options.bigIds !== false && index % 3 === 2;
    const objectId = big ? BEYOND_2_POW_53 + BigInt(index) * 1_000_003n : 31_000_000_000n + BigInt(index) * 7n;
    const event: SampleEvent = {
      eventId: BigInt(now % 1_000_000_000) * 100n + BigInt(index),
      subscriptionId: SUBSCRIPTION_IDS[objectType],
      portalId: options.portalId ?? 62_515n,
      appId: options.appId ?? 1_234_567n,
      occurredAt: now - 1000 + index,
      subscriptionType: options.generic ? `object.${change}` : type,
      attemptNumber: 0,
      objectId,
      changeSource: change === "propertyChange" ? "CRM_UI" : "CRM",
    };
    if (options.generic) event.objectTypeId = OBJECT_TYPE_IDS[objectType];
    if (change === "creation") event.changeFlag = "CREATED";
    if (change === "deletion") event.changeFlag = "DELETED";
    if (change === "propertyChange") {
      const [name, value] = PROPERTY_CHANGES[objectType][index % PROPERTY_CHANGES[objectType].length];
      event.propertyName = name;
      event.propertyValue = value;
      event.sourceId = "userId:8675309";
    }
    events.push(event);
  }
  return events;
}

/** The JSON text HubSpot would send, every int64 digit intact. */
export function batchJson(events: readonly SampleEvent[]): string {
  return stringify(events) as string;
}
