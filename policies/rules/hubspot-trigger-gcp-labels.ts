import { APP_LABEL, COMPONENT_LABELS } from "../vendor/contract";
import { configKey, LABELLED_TYPES, USER_LABELLED_TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readStringMap } from "../lib/values";

/**
 * Severity: low. Protects against resources nobody can attribute: billing exports, cost reports, inventory queries
 * and the other rules of this pack find the trigger's resources by `app`, `env` and `component` labels. Labels set
 * by the provider's `defaultLabels` count; alert policies carry theirs as `userLabels`.
 * https://cloud.google.com/resource-manager/docs/creating-managing-labels
 */
export const labels: ResourceRule = {
  name: "hubspot-trigger-gcp-labels",
  description: "Every resource that takes labels carries app=hubspot-trigger, env and component labels.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediationSteps:
    "Build labels with the components' `resourceLabels()` (app=hubspot-trigger, env=<environment>, " +
    `component=${COMPONENT_LABELS.join("|")}) and merge user labels from \`hubspot-trigger:labels\`.`,
  url: "https://cloud.google.com/resource-manager/docs/creating-managing-labels",
  validateResource: validateResourceOfTypes([...LABELLED_TYPES, ...USER_LABELLED_TYPES], (props, args, report) => {
    const own = readStringMap(props, USER_LABELLED_TYPES.includes(args.type) ? "userLabels" : "labels");
    const defaults = readStringMap(args.provider?.props, "defaultLabels");
    if (own.partlyUnknown || defaults.partlyUnknown) return;
    const merged = { ...defaults.entries, ...own.entries };
    if (merged.app !== APP_LABEL) {
      report(`Label app is ${merged.app === undefined ? "missing" : `"${merged.app}"`}; expected "${APP_LABEL}".`);
    }
    if (!merged.env) report(`Label env is missing: set ${configKey("environment")} (default: the stack name).`);
    if (!(COMPONENT_LABELS as readonly string[]).includes(merged.component ?? "")) {
      const actual = merged.component === undefined ? "missing" : `"${merged.component}"`;
      report(`Label component is ${actual}; expected one of ${COMPONENT_LABELS.join(", ")}.`);
    }
  }),
};
