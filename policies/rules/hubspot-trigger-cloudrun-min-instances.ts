import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readNumber, UNKNOWN } from "../lib/values";

interface MinInstancesConfig {
  minimum?: number;
}

/**
 * Severity: medium. Protects against lost or late webhooks: HubSpot gives up on a delivery after 5 seconds, and a
 * Node cold start plus a first Pub/Sub publish can take longer; with no warm instance the first batch after an idle
 * period is answered late and retried, and under sustained retries HubSpot may throttle the app.
 * Mandatory in prod, advisory in dev (policies/config/<env>.json).
 * https://cloud.google.com/run/docs/configuring/min-instances
 */
export const minInstances: ResourceRule = {
  name: "hubspot-trigger-cloudrun-min-instances",
  description: "Cloud Run services keep at least the configured number of warm instances.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set `hubspot-trigger:scaling.minInstances` to 1 or more (the seed's default is 2).",
  url: "https://cloud.google.com/run/docs/configuring/min-instances",
  configSchema: { properties: { minimum: { type: "integer", minimum: 0, default: 1 } } },
  validateResource: validateResourceOfTypes([TYPES.cloudRunService], (props, args, report) => {
    const minimum = args.getConfig<MinInstancesConfig>().minimum ?? 1;
    const template = readNumber(props, "template.scaling.minInstanceCount");
    const service = readNumber(props, "scaling.minInstanceCount");
    if (template === UNKNOWN || service === UNKNOWN) return;
    const min = Math.max(template ?? 0, service ?? 0);
    if (min < minimum) {
      report(
        `Minimum instance count is ${min}; at least ${minimum} warm instance(s) required: raise ${configKey("scaling.minInstances")}.`,
      );
    }
  }),
};
