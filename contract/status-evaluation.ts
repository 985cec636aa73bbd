/**
 * Each trigger's Creating / Active / Error, judged from the status store's signals (status-store.ts) and, in api
 * mode, from HubSpot's subscription list. Pure: the readers (`npm run status`, the LiveStatus dynamic resource) fetch,
 * this decides, and the vectors in test/status/evaluation.spec.ts pin every rule.
 *
 *   Error    when any of these holds (every reason is listed, the first decides "since"):
 *            HubSpot's subscriptions disagree with the stack for one of the trigger's event types (api mode);
 *            over the window, signature rejections are at least MIN_FAILURES and outnumber verified requests
 *            (every trigger: a rejection cannot be attributed before verification);
 *            over the window, publish failures of its event types are at least MIN_FAILURES and at least as many as
 *            the events published;
 *            over the window, its failed executions are at least MIN_FAILURES and outnumber the successful ones.
 *   Active   else, once a verified delivery of one of its event types was accepted (HubSpot's "Test" button sends a
 *            signed event of the chosen type, so it counts the same way).
 *   Creating else: no verified delivery of its event types yet.
 */

export type TriggerState = "Creating" | "Active" | "Error";

/** How bad each state is: wherever states combine, the worst wins (Error > Creating > Active). */
export const STATE_RANK: Readonly<Record<TriggerState, number>> = { Active: 0, Creating: 1, Error: 2 };

/** Window counters, summed over the buckets of the window. */
export interface DeliveryWindow {
  verified: number;
  publishFailures: number;
  /** Start of the earliest bucket of the window with a publish failure. */
  firstFailureAt?: number;
}

export interface DeliverySignals {
  eventType: string;
  portalId: string;
  verified: number;
  publishFailures: number;
  firstVerifiedAt?: number;
  lastVerifiedAt?: number;
  lastPublishFailureAt?: number;
  lastPublishError?: string;
  window: DeliveryWindow;
}

export interface IntakeSignals {
  verifiedRequests: number;
  signatureRejected: number;
  deadLettered: number;
  lastRejectedAt?: number;
  lastRejectReason?: string;
  window: { verifiedRequests: number; signatureRejected: number; firstRejectedAt?: number };
}

export interface DispatchSignals {
  trigger: string;
  portalId: string;
  executed: number;
  failed: number;
  deadLettered: number;
  lastExecutedAt?: number;
  lastFailedAt?: number;
  lastError?: string;
  window: { executed: number; failed: number; firstFailureAt?: number };
}

/** What the store held when it was read. */
export interface StatusSignals {
  readAt: number;
  deliveries: DeliverySignals[];
  intake?: IntakeSignals;
  dispatches: DispatchSignals[];
}

export interface TriggerDeclaration {
  name: string;
  eventTypes: readonly string[];
}

/** A disagreement between HubSpot's subscription list and the stack (api mode), for one event type. */
export interface HubSpotDisagreement {
  eventType: string;
  problem: string;
}

export interface TriggerStatus {
  name: string;
  state: TriggerState;
  /** When the state began, as far as the signals tell (epoch ms); undefined when they do not. */
  since?: number;
  lastVerifiedAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  /** Dead letters the dispatcher wrote for this trigger (permanent failures). */
  deadLetters: number;
  /** Why the state is what it is, one sentence per reason. */
  reasons: string[];
  portals: string[];
}

/** Fewer failures than this in a window is noise (one bad request), not an Error. */
export const MIN_FAILURES = 3;
const WINDOW_MINUTES = 15;

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function earliest(values: (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

function latest<T>(items: readonly T[], at: (item: T) => number | undefined): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    const value = at(item);
    if (value !== undefined && (best === undefined || value > (at(best) ?? -Infinity))) best = item;
  }
  return best;
}

interface Reason {
  text: string;
  since?: number;
  error?: { text: string; at?: number };
}

export function evaluateTrigger(
  trigger: TriggerDeclaration,
  signals: StatusSignals,
  disagreements: readonly HubSpotDisagreement[] = [],
): TriggerStatus {
  const types = new Set(trigger.eventTypes);
  const deliveries = signals.deliveries.filter((d) => types.has(d.eventType));
  const dispatches = signals.dispatches.filter((d) => d.trigger === trigger.name);
  const reasons: Reason[] = [];

  for (const disagreement of disagreements.filter((d) => types.has(d.eventType))) {
    reasons.push({ text: `HubSpot: ${disagreement.eventType} ${disagreement.problem}` });
  }

  const intake = signals.intake;
  if (intake) {
    const { signatureRejected, verifiedRequests } = intake.window;
    if (signatureRejected >= MIN_FAILURES && signatureRejected > verifiedRequests) {
      const last = intake.lastRejectReason ? ` (last: ${intake.lastRejectReason})` : "";
      reasons.push({
        text:
          `signature rejections dominate: ${signatureRejected} of ${signatureRejected + verifiedRequests} requests in ` +
          `the last ${WINDOW_MINUTES} min failed verification${last}; check the client secret (a rotation?) and the webhook URL`,
        since: intake.window.firstRejectedAt,
        error: { text: `signature: ${intake.lastRejectReason ?? "rejected"}`, at: intake.lastRejectedAt },
      });
    }
  }

  const published = sum(deliveries, (d) => d.window.verified);
  const publishFailures = sum(deliveries, (d) => d.window.publishFailures);
  if (publishFailures >= MIN_FAILURES && publishFailures >= published) {
    const last = latest(deliveries, (d) => d.lastPublishFailureAt);
    reasons.push({
      text:
        `publish failures dominate: ${publishFailures} of ${publishFailures + published} events of its types in the ` +
        `last ${WINDOW_MINUTES} min were not published (HubSpot retries them)`,
      since: earliest(deliveries.map((d) => d.window.firstFailureAt)),
      error: last && { text: `publish: ${last.lastPublishError ?? "failed"}`, at: last.lastPublishFailureAt },
    });
  }

  const executed = sum(dispatches, (d) => d.window.executed);
  const failed = sum(dispatches, (d) => d.window.failed);
  if (failed >= MIN_FAILURES && failed > executed) {
    const last = latest(dispatches, (d) => d.lastFailedAt);
    reasons.push({
      text: `dispatches keep failing: ${failed} of ${failed + executed} executions in the last ${WINDOW_MINUTES} min failed`,
      since: earliest(dispatches.map((d) => d.window.firstFailureAt)),
      error: last && { text: `dispatch: ${last.lastError ?? "failed"}`, at: last.lastFailedAt },
    });
  }

  const lastVerified = latest(deliveries, (d) => d.lastVerifiedAt)?.lastVerifiedAt;
  const lastError = latestError(deliveries, dispatches, reasons);
  const base = {
    name: trigger.name,
    lastVerifiedAt: lastVerified,
    ...lastError,
    deadLetters: sum(dispatches, (d) => d.deadLettered),
    portals: [...new Set([...deliveries, ...dispatches].map((d) => d.portalId))].sort(),
  };
  if (reasons.length > 0) {
    return { ...base, state: "Error", since: reasons[0].since, reasons: reasons.map((r) => r.text) };
  }
  const verified = sum(deliveries, (d) => d.verified);
  if (verified > 0) {
    return {
      ...base,
      state: "Active",
      since: earliest(deliveries.map((d) => d.firstVerifiedAt)),
      reasons: [`${verified} verified events of its types accepted`],
    };
  }
  return {
    ...base,
    state: "Creating",
    reasons: [`no verified HubSpot delivery of ${[...types].join(", ")} yet`],
  };
}

/** The most recent error any signal of the trigger carries: the one an operator reads first. */
function latestError(
  deliveries: readonly DeliverySignals[],
  dispatches: readonly DispatchSignals[],
  reasons: readonly Reason[],
): { lastError?: string; lastErrorAt?: number } {
  const candidates: { text: string; at?: number }[] = [
    ...reasons.flatMap((r) => (r.error ? [r.error] : [])),
    ...deliveries.flatMap((d) =>
      d.lastPublishError ? [{ text: `publish: ${d.lastPublishError}`, at: d.lastPublishFailureAt }] : [],
    ),
    ...dispatches.flatMap((d) => (d.lastError ? [{ text: `dispatch: ${d.lastError}`, at: d.lastFailedAt }] : [])),
  ];
  const newest = latest(candidates, (c) => c.at) ?? candidates[0];
  return newest ? { lastError: newest.text, lastErrorAt: newest.at } : {};
}

/** Every trigger's status; disagreements come from HubSpot in api mode ([] otherwise). */
export function evaluateTriggers(
  triggers: readonly TriggerDeclaration[],
  signals: StatusSignals,
  disagreements: readonly HubSpotDisagreement[] = [],
): TriggerStatus[] {
  return triggers.map((trigger) => evaluateTrigger(trigger, signals, disagreements));
}

/** The registration's status from its triggers' (worst wins: Error > Creating > Active), with the reasons that matter. */
export function overallStatus(statuses: readonly TriggerStatus[]): { status: TriggerState; statusMessage: string } {
  const worst = statuses.reduce<TriggerState>(
    (acc, s) => (STATE_RANK[s.state] > STATE_RANK[acc] ? s.state : acc),
    "Active",
  );
  if (statuses.length === 0) return { status: "Creating", statusMessage: "no trigger declared" };
  const parts = statuses.filter((s) => s.state === worst).map((s) => `${s.name}: ${s.reasons.join("; ")}`);
  return { status: worst, statusMessage: parts.join(" | ") };
}
