import { TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readString } from "../lib/values";

/**
 * Severity: critical. Protects against unknown consumers reaching the private endpoint: with ACCEPT_AUTOMATIC any
 * project in any organization that learns the attachment's URI can create an endpoint to it; ACCEPT_MANUAL admits
 * only the consumers on the accept list.
 * https://cloud.google.com/vpc/docs/manage-security-psc-producers#connection-preference
 */
export const pscAcceptManual: ResourceRule = {
  name: "hubspot-trigger-psc-accept-manual",
  description: "Private Service Connect attachments accept consumers manually, never automatically.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Set `connectionPreference: "ACCEPT_MANUAL"` and list allowed consumer projects in ' +
    "`hubspot-trigger:privateServiceConnect.consumerAcceptList`.",
  url: "https://cloud.google.com/vpc/docs/manage-security-psc-producers",
  validateResource: validateResourceOfTypes([TYPES.serviceAttachment], (props, _args, report) => {
    const preference = readString(props, "connectionPreference");
    if (typeof preference === "string" && preference !== "ACCEPT_MANUAL") {
      report(`connectionPreference is "${preference}": any project could connect; use ACCEPT_MANUAL.`);
    }
  }),
};
