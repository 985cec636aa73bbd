import { configKey, HUBSPOT_MIN_CONCURRENT_REQUESTS, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readNumber } from "../lib/values";

/**
 * Severity: medium. Protects against a webhook registration HubSpot refuses or that starves delivery: HubSpot's
 * throttling setting accepts at least 5 concurrent requests; lower values fail `pulumi up` half-way.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-settings
 */
export const maxConcurrentRequests: ResourceRule = {
  name: "hubspot-trigger-hubspot-max-concurrent-requests",
  description: `HubSpot webhook settings allow at least ${HUBSPOT_MIN_CONCURRENT_REQUESTS} concurrent requests.`,
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: `Set \`hubspot-trigger:registration.maxConcurrentRequests\` to ${HUBSPOT_MIN_CONCURRENT_REQUESTS} or more (default 10).`,
  url: "https://developers.hubspot.com/docs/api/webhooks#webhook-settings",
  validateResource: validateResourceOfTypes([TYPES.webhookSettings], (props, _args, report) => {
    const value = readNumber(props, "maxConcurrentRequests");
    if (typeof value === "number" && value < HUBSPOT_MIN_CONCURRENT_REQUESTS) {
      report(
        `maxConcurrentRequests is ${value}; HubSpot requires at least ${HUBSPOT_MIN_CONCURRENT_REQUESTS}: raise ${configKey("registration.maxConcurrentRequests")}.`,
      );
    }
  }),
};
