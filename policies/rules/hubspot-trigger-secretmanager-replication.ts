import { TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { read, readArray, readString, UNKNOWN } from "../lib/values";

interface ReplicationConfig {
  /** Locations replicas may live in (data residency); empty: any location, automatic replication allowed. */
  allowedLocations?: string[];
}

/**
 * Severity: medium. Protects against secrets whose replication is left implicit or empty, and (with
 * `allowedLocations` configured) against the HubSpot client secret and token being stored outside the regions a
 * data-residency policy allows: automatic replication may place replicas in any region.
 * https://cloud.google.com/secret-manager/docs/choosing-replication
 */
export const secretReplication: ResourceRule = {
  name: "hubspot-trigger-secretmanager-replication",
  description: "Every secret declares its replication, within the allowed locations when some are configured.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Set `replication: { auto: {} }`, or `replication: { userManaged: { replicas: [{ location }] } }` with every " +
    "location among the rule's `allowedLocations`.",
  url: "https://cloud.google.com/secret-manager/docs/choosing-replication",
  configSchema: {
    properties: {
      allowedLocations: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: validateResourceOfTypes([TYPES.secret], (props, args, report) => {
    const allowed = args.getConfig<ReplicationConfig>().allowedLocations ?? [];
    const replication = read(props, "replication");
    if (replication === UNKNOWN) return;
    const auto = read(props, "replication.auto");
    const replicas = readArray(props, "replication.userManaged.replicas");
    if (auto === undefined && replicas === undefined) {
      report("Replication is not set: choose replication.auto or replication.userManaged with replicas.");
      return;
    }
    if (auto !== undefined && allowed.length > 0) {
      report(`Automatic replication may store the secret anywhere; allowed locations are ${allowed.join(", ")}.`);
    }
    if (replicas === undefined || replicas === UNKNOWN) return;
    if (replicas.length === 0) report("replication.userManaged has no replica.");
    for (const replica of replicas) {
      const location = readString(replica, "location");
      if (typeof location === "string" && allowed.length > 0 && !allowed.includes(location)) {
        report(`Replica location "${location}" is not among the allowed locations (${allowed.join(", ")}).`);
      }
    }
  }),
};
