/**
 * Capacity model of one HubSpot trigger (README, "Capacity"). Internal. Exported for testing.
 *
 * Inbound: HubSpot keeps up to `maxConcurrentRequests` deliveries (<= 100 events each) in flight per installing portal,
 * so a public app in P portals can hold P x maxConcurrentRequests requests open at once; Cloud Run serves at most
 * maxInstances x concurrency of them, the rest wait or fail and HubSpot retries them later (late, not lost).
 * Outbound: Application Integration runs at most 50 executions at once per project; the dispatchers together must not
 * ask for more, or the excess is refused with 429 and redelivered by Pub/Sub with backoff.
 */
import { DEFAULT_CONCURRENT_EXECUTIONS } from "../contract/stack-config/sections";
import type { ScalingConfig } from "./args";

/** Application Integration's concurrent executions per project (its quota page; raisable on request). */
export const INTEGRATION_CONCURRENT_EXECUTIONS = DEFAULT_CONCURRENT_EXECUTIONS;
/** Cloud Run's default maximum instances per service before a quota increase. */
export const CLOUD_RUN_DEFAULT_MAX_INSTANCES = 100;
/** Executions one dispatcher instance runs at once: I/O-bound waiting on the integration, cheap on CPU. */
export const EXECUTIONS_PER_DISPATCHER = 10;

export interface DispatcherSizing {
  scaling: ScalingConfig;
  maxConcurrentExecutions: number;
}

/**
 * The dispatcher's own scaling: instances x per-instance cap stays within the project's execution quota, and its
 * Cloud Run concurrency equals the cap, so Cloud Run spreads pushes over instances instead of queuing them on a full
 * one (which would answer 429 while another instance idles).
 */
export function dispatcherSizing(
  listenerScaling: ScalingConfig,
  quota = INTEGRATION_CONCURRENT_EXECUTIONS,
): DispatcherSizing {
  const perInstance = Math.min(EXECUTIONS_PER_DISPATCHER, quota);
  const maxInstances = Math.max(1, Math.min(listenerScaling.maxInstances, Math.floor(quota / perInstance)));
  return {
    scaling: {
      minInstances: Math.min(listenerScaling.minInstances, maxInstances),
      maxInstances,
      concurrency: perInstance,
    },
    maxConcurrentExecutions: perInstance,
  };
}

export interface CapacityInput {
  /** Portals that install the HubSpot app (1 for a private app). */
  expectedPortals: number;
  /** HubSpot's in-flight deliveries per portal (the app's webhook throttling setting). */
  maxConcurrentRequests: number;
  listener: ScalingConfig;
}

/** What the configured maximum cannot take, with the setting to raise; [] when it fits. */
export function capacityWarnings(input: CapacityInput): string[] {
  const warnings: string[] = [];
  const peak = input.expectedPortals * input.maxConcurrentRequests;
  const served = input.listener.maxInstances * input.listener.concurrency;
  let needed = input.listener.maxInstances;
  if (peak > served) {
    needed = Math.ceil(peak / input.listener.concurrency);
    warnings.push(
      `capacity: ${input.expectedPortals} portal(s) x ${input.maxConcurrentRequests} concurrent HubSpot deliveries = ` +
        `${peak} requests in flight, but the listener serves at most ${served} ` +
        `(scaling.maxInstances ${input.listener.maxInstances} x scaling.concurrency ${input.listener.concurrency}); ` +
        `HubSpot retries the rest later. Raise scaling.maxInstances to ${needed} or scaling.concurrency.`,
    );
  }
  // Whether the instances are what the stack asks for or what the load needs, Cloud Run caps them alike.
  if (needed > CLOUD_RUN_DEFAULT_MAX_INSTANCES) {
    warnings.push(
      `capacity: ${needed} listener instances exceed Cloud Run's default limit of ${CLOUD_RUN_DEFAULT_MAX_INSTANCES} ` +
        `per service: request a quota increase, or raise scaling.concurrency (up to 1000).`,
    );
  }
  return warnings;
}
