import { STATE_RANK } from "../../contract/status-evaluation";
import type { HubSpotSettings, HubSpotSubscription, RegistrationStatus } from "./types";

/*
 * The seed's status field (Creating / Active / Error) computed from what HubSpot answered. Pure except the /readyz
 * probe, so tests drive every branch with plain values.
 */

export interface StatusReport {
  status: RegistrationStatus;
  statusMessage: string;
}

/** HubSpot documents that settings changes take up to five minutes to reach its delivery workers. */
export const SETTINGS_PROPAGATION_MS = 5 * 60 * 1000;
const READYZ_TIMEOUT_MS = 3000;

export interface ReadyzResult {
  reachable: boolean;
  ok: boolean;
  detail: string;
}

/** GET the listener's /readyz. Unreachable (private network, DNS not yet propagated) is reported, not an error. */
export async function probeReadyz(url: string | undefined): Promise<ReadyzResult | undefined> {
  if (!url) return undefined;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(READYZ_TIMEOUT_MS), redirect: "manual" });
    await response.body?.cancel();
    return { reachable: true, ok: response.ok, detail: `${url} answered HTTP ${response.status}` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { reachable: false, ok: false, detail: `${url} unreachable from here (${reason}); not checked` };
  }
}

export function settingsStatus(
  declared: { targetUrl: string; maxConcurrentRequests: number },
  actual: HubSpotSettings | undefined,
  readyz: ReadyzResult | undefined,
  now = Date.now(),
): StatusReport {
  if (!actual)
    return { status: "Error", statusMessage: "the app has no webhook settings in HubSpot: nothing is delivered" };
  if (actual.targetUrl !== declared.targetUrl) {
    return {
      status: "Error",
      statusMessage: `HubSpot delivers to ${actual.targetUrl}, not to the listener ${declared.targetUrl}`,
    };
  }
  const notes: string[] = [];
  if (actual.throttling.maxConcurrentRequests !== declared.maxConcurrentRequests) {
    notes.push(
      `maxConcurrentRequests is ${actual.throttling.maxConcurrentRequests} in HubSpot, ${declared.maxConcurrentRequests} declared`,
    );
  }
  if (readyz && !readyz.reachable) notes.push(readyz.detail);
  if (readyz?.reachable && !readyz.ok) {
    return {
      status: "Creating",
      statusMessage: `settings point at the listener but it is not ready: ${readyz.detail}`,
    };
  }
  const changedAt = Date.parse(actual.updatedAt ?? actual.createdAt);
  if (Number.isFinite(changedAt) && now - changedAt < SETTINGS_PROPAGATION_MS) {
    return {
      status: "Creating",
      statusMessage: [
        `settings changed at ${new Date(changedAt).toISOString()}; HubSpot applies them within 5 minutes`,
        ...notes,
      ].join("; "),
    };
  }
  return { status: "Active", statusMessage: ["settings point at the listener", ...notes].join("; ") };
}

export function subscriptionStatus(declaredActive: boolean, actual: HubSpotSubscription | undefined): StatusReport {
  if (!actual) return { status: "Error", statusMessage: "the subscription does not exist in HubSpot" };
  if (!actual.active) {
    return declaredActive
      ? { status: "Error", statusMessage: `subscription ${actual.id} is paused in HubSpot although declared active` }
      : {
          status: "Error",
          statusMessage: `subscription ${actual.id} is paused by declaration: no events are delivered`,
        };
  }
  return { status: "Active", statusMessage: `subscription ${actual.id} is active` };
}

/** The registration's overall status: the worst of its parts (Error > Creating > Active), with the messages that matter. */
export function combineStatuses(parts: { name: string; report: StatusReport }[]): StatusReport {
  const worst = parts.reduce<RegistrationStatus>(
    (acc, p) => (STATE_RANK[p.report.status] > STATE_RANK[acc] ? p.report.status : acc),
    "Active",
  );
  if (worst === "Active") return { status: "Active", statusMessage: `${parts.length} HubSpot resources active` };
  const messages = parts.filter((p) => p.report.status === worst).map((p) => `${p.name}: ${p.report.statusMessage}`);
  return { status: worst, statusMessage: messages.join("; ") };
}
