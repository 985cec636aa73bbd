import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { readArray, readNumber, readString, UNKNOWN } from "../lib/values";

/**
 * Severity: medium. Protects against a private endpoint nobody can use, or one open to unnamed consumers: with
 * ACCEPT_MANUAL and an empty accept list every connection stays pending (the integration never receives events),
 * and each entry must name a consumer project or network and allow at least one endpoint.
 * Mandatory in prod, advisory in dev, where an empty list is a normal first step.
 * https://cloud.google.com/vpc/docs/manage-security-psc-producers#manage-accept-reject-lists
 */
export const pscConsumerAcceptList: ResourceRule = {
  name: "hubspot-trigger-psc-consumer-accept-list",
  description: "Private Service Connect attachments list at least one consumer, each with a connection limit.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Add the consumer project (the one hosting the Integration Connectors connection) to " +
    "`hubspot-trigger:privateServiceConnect.consumerAcceptList` with `connectionLimit` >= 1.",
  url: "https://cloud.google.com/vpc/docs/manage-security-psc-producers",
  validateResource: validateResourceOfTypes([TYPES.serviceAttachment], (props, _args, report) => {
    if (readString(props, "connectionPreference") !== "ACCEPT_MANUAL") return;
    const list = readArray(props, "consumerAcceptLists");
    if (list === UNKNOWN) return;
    if (list === undefined || list.length === 0) {
      report(
        `consumerAcceptLists is empty: no consumer can connect to the service attachment; add the consumer project to ${configKey("privateServiceConnect.consumerAcceptList")}.`,
      );
      return;
    }
    list.forEach((entry, index) => {
      if (entry === UNKNOWN) return;
      const names = ["projectIdOrNum", "networkUrl", "endpointUrl"].map((field) => readString(entry, field));
      if (names.every((name) => name === undefined || name === "")) {
        report(
          `consumerAcceptLists[${index}] names no consumer (projectIdOrNum, networkUrl or endpointUrl): set ${configKey(`privateServiceConnect.consumerAcceptList[${index}].project`)}.`,
        );
      }
      const limit = readNumber(entry, "connectionLimit");
      if (typeof limit === "number" && limit < 1) {
        report(
          `consumerAcceptLists[${index}].connectionLimit is ${limit}; at least 1 endpoint must be allowed: raise ${configKey(`privateServiceConnect.consumerAcceptList[${index}].connectionLimit`)}.`,
        );
      }
    });
  }),
};
