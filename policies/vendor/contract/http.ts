// Generated from contract/http.ts by scripts/generate/policies-contract.ts: do not edit, change contract/ and
// run `npm run generate`. The policy pack is published alone, so it carries its own copy of the contract.
/** Paths both sides of a wire agree on: the runtime serves them, the components point HubSpot, Pub/Sub and probes at them. */
export const HTTP_PATHS = {
  /** Where HubSpot posts its webhook batches (the listener role). */
  webhook: "/webhooks/hubspot",
  /** Where Pub/Sub pushes (the dispatcher role). */
  push: "/pubsub/push",
  /** Liveness: the process answers. */
  health: "/healthz",
  /** Readiness: the role can do its work (the listener's topic exists, the dispatcher is configured). */
  ready: "/readyz",
} as const;
