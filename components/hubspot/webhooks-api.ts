import { hubspotRequest, redact } from "./http";
import type { ApiTarget, HubSpotSettings, HubSpotSubscription, SubscriptionSpec } from "./types";

/*
 * The webhooks endpoints the provider uses, typed after HubSpot's OpenAPI specs (v3 and 2026-03 share shapes).
 * Subscription ids are strings in responses and int32 in paths and batch inputs, hence the Number() conversions.
 *
 * Pulumi runs the operations of one `pulumi up` concurrently in one provider process; two process-wide registries
 * (on globalThis, because each serialized provider text is evaluated in its own module scope) let concurrent calls share work:
 * one subscriptions listing for every create in flight, and one batch/update for every `active` change that arrives
 * within COALESCE_WINDOW_MS. The registries hold credentials in memory only, never in state.
 */

const COALESCE_WINDOW_MS = 25;

interface PendingActive {
  id: string;
  active: boolean;
  resolve: (subscription: HubSpotSubscription) => void;
  reject: (error: Error) => void;
}

interface Registries {
  listings: Map<string, Promise<HubSpotSubscription[]>>;
  activeBatches: Map<string, { target: ApiTarget; pending: PendingActive[] }>;
}

function registries(): Registries {
  const holder = globalThis as { __hubspotTriggerWebhooks?: Registries };
  holder.__hubspotTriggerWebhooks ??= { listings: new Map(), activeBatches: new Map() };
  return holder.__hubspotTriggerWebhooks;
}

function targetKey(target: ApiTarget): string {
  return [
    target.baseUrl,
    target.apiVersion,
    target.appId,
    target.credentialKind,
    target.credential,
    JSON.stringify(target.transport ?? null),
  ].join("\n");
}

function subscriptionPath(id: string): string {
  const numeric = Number(id);
  if (!Number.isSafeInteger(numeric))
    throw new Error(`subscription id "${id}" is not an integer, as HubSpot's paths require`);
  return `/subscriptions/${numeric}`;
}

export async function getSettings(target: ApiTarget): Promise<HubSpotSettings | undefined> {
  const response = await hubspotRequest(target, "GET", "/settings", { allowNotFound: true });
  return response.status === 404 ? undefined : (response.body as HubSpotSettings);
}

export async function putSettings(
  target: ApiTarget,
  targetUrl: string,
  maxConcurrentRequests: number,
): Promise<HubSpotSettings> {
  const body = { targetUrl, throttling: { maxConcurrentRequests, period: "SECONDLY" } };
  return (await hubspotRequest(target, "PUT", "/settings", { body })).body as HubSpotSettings;
}

export async function deleteSettings(target: ApiTarget): Promise<void> {
  await hubspotRequest(target, "DELETE", "/settings", { allowNotFound: true });
}

/** All subscriptions of the app; concurrent callers for the same app share one request. */
export function listSubscriptions(target: ApiTarget): Promise<HubSpotSubscription[]> {
  const { listings } = registries();
  const key = targetKey(target);
  const inFlight = listings.get(key);
  if (inFlight) return inFlight;
  const listing = hubspotRequest(target, "GET", "/subscriptions")
    .then((response) => (response.body as { results: HubSpotSubscription[] }).results)
    .finally(() => listings.delete(key));
  listings.set(key, listing);
  return listing;
}

export async function getSubscription(target: ApiTarget, id: string): Promise<HubSpotSubscription | undefined> {
  const response = await hubspotRequest(target, "GET", subscriptionPath(id), { allowNotFound: true });
  return response.status === 404 ? undefined : (response.body as HubSpotSubscription);
}

export async function createSubscription(
  target: ApiTarget,
  spec: SubscriptionSpec,
  active: boolean,
): Promise<HubSpotSubscription> {
  // `active` is always sent: v3 defaults it to false and 2026-03 requires it.
  const body = { eventType: spec.eventType, active, ...(spec.propertyName ? { propertyName: spec.propertyName } : {}) };
  return (await hubspotRequest(target, "POST", "/subscriptions", { body })).body as HubSpotSubscription;
}

export async function deleteSubscription(target: ApiTarget, id: string): Promise<void> {
  await hubspotRequest(target, "DELETE", subscriptionPath(id), { allowNotFound: true });
}

/** Pauses or resumes one subscription; changes arriving together for the same app go out as one batch/update. */
export function setSubscriptionActive(target: ApiTarget, id: string, active: boolean): Promise<HubSpotSubscription> {
  subscriptionPath(id);
  const { activeBatches } = registries();
  const key = targetKey(target);
  return new Promise((resolve, reject) => {
    const batch = activeBatches.get(key);
    if (batch) {
      batch.pending.push({ id, active, resolve, reject });
      return;
    }
    activeBatches.set(key, { target, pending: [{ id, active, resolve, reject }] });
    setTimeout(() => {
      const due = activeBatches.get(key);
      activeBatches.delete(key);
      if (due) void flushActive(due.target, due.pending);
    }, COALESCE_WINDOW_MS);
  });
}

interface BatchError {
  category?: string;
  message?: string;
  context?: Record<string, string[]>;
}

/** HubSpot's batch endpoints take at most 100 inputs (CRM batch limit; the specs set no maxItems). */
const BATCH_LIMIT = 100;

async function flushActive(target: ApiTarget, pending: PendingActive[]): Promise<void> {
  for (let start = 0; start < pending.length; start += BATCH_LIMIT) {
    await flushChunk(target, pending.slice(start, start + BATCH_LIMIT));
  }
}

async function flushChunk(target: ApiTarget, pending: PendingActive[]): Promise<void> {
  try {
    if (pending.length === 1) {
      const [only] = pending;
      const response = await hubspotRequest(target, "PATCH", subscriptionPath(only.id), {
        body: { active: only.active },
      });
      only.resolve(response.body as HubSpotSubscription);
      return;
    }
    const body = { inputs: pending.map((p) => ({ id: Number(p.id), active: p.active })) };
    const response = await hubspotRequest(target, "POST", "/subscriptions/batch/update", { body });
    // 200 and 207 share the shape; 207 adds per-item errors naming the failed ids in context.subscriptionIds.
    const result = response.body as { results: HubSpotSubscription[]; errors?: BatchError[] };
    for (const item of pending) {
      const done = result.results.find((r) => String(r.id) === item.id);
      if (done) {
        item.resolve(done);
        continue;
      }
      const failure = (result.errors ?? []).find((e) =>
        Object.values(e.context ?? {}).some((ids) => ids.map(String).includes(item.id)),
      );
      const reason = failure
        ? `${failure.category ?? "ERROR"}: ${failure.message ?? "no message"}`
        : "absent from the batch result";
      item.reject(
        new Error(
          redact(
            `HubSpot batch update of subscription ${item.id} failed (HTTP ${response.status}) ${reason}`,
            target.credential,
          ),
        ),
      );
    }
  } catch (error) {
    for (const item of pending) item.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** The subscription HubSpot already has for this spec, if any: what `create` adopts instead of duplicating. */
export function findIdentical(
  existing: HubSpotSubscription[],
  spec: SubscriptionSpec,
): HubSpotSubscription | undefined {
  return existing.find((s) => s.eventType === spec.eventType && (s.propertyName ?? "") === (spec.propertyName ?? ""));
}
