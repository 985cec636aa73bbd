// Generated from contract/labels.ts by scripts/generate/policies-contract.ts: do not edit, change contract/ and
// run `npm run generate`. The policy pack is published alone, so it carries its own copy of the contract.
/** The `app` label on every resource that takes labels. */
export const APP_LABEL = "hubspot-trigger";

/** Label keys the package sets itself; a user label with one of these keys is refused. */
export const RESERVED_LABEL_KEYS = ["app", "env", "component"] as const;

/** The `component` label of each part, read by the policy pack and by cost reports. */
export const COMPONENT_LABELS = [
  "listener",
  "dispatcher",
  "events",
  "dead-letter",
  "secrets",
  "psc",
  "image",
  "egress",
  "monitoring",
  "connection",
] as const;

export type ComponentLabel = (typeof COMPONENT_LABELS)[number];
