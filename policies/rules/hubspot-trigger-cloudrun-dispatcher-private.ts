import { shortName, stackGrants } from "../lib/iam";
import { accountMembers, servicesOf, type StackRule } from "../lib/rule";
import { readBoolean, readString, UNKNOWN } from "../lib/values";

const INTERNAL_INGRESS = ["INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"];

/**
 * Severity: critical. Protects against anyone on the internet starting the stack's integrations: the dispatcher
 * executes Application Integrations with the trigger account's rights for whatever event it is pushed. It must take
 * internal traffic only (Pub/Sub push from the same project still arrives), keep IAM invoker checks on, and let
 * only the push identity (description "hubspot-trigger:push") invoke it.
 * https://cloud.google.com/run/docs/securing/ingress
 */
export const dispatcherPrivate: StackRule = {
  name: "hubspot-trigger-cloudrun-dispatcher-private",
  description: "The dispatcher service is internal-only, IAM-checked, and invocable only by the push identity.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Set `ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY"` and leave `invokerIamDisabled` unset on the dispatcher, and grant ' +
    "roles/run.invoker on it to the push service account only.",
  url: "https://cloud.google.com/run/docs/securing/ingress",
  validateStack: (args, report) => {
    const push = accountMembers(args.resources, "push");
    const pushUnknown = push.includes(UNKNOWN);
    for (const dispatcher of servicesOf(args.resources, "dispatcher")) {
      const ingress = readString(dispatcher.props, "ingress");
      if (ingress !== UNKNOWN && !INTERNAL_INGRESS.includes(ingress ?? "")) {
        report(
          `Dispatcher ingress is ${ingress ?? "unset (INGRESS_TRAFFIC_ALL)"}; it must be internal.`,
          dispatcher.urn,
        );
      }
      if (readBoolean(dispatcher.props, "invokerIamDisabled") === true) {
        report("Dispatcher has invokerIamDisabled: anyone who reaches it can invoke it.", dispatcher.urn);
      }
      const name = readString(dispatcher.props, "name");
      if (typeof name !== "string") continue;
      for (const { resource, grant } of stackGrants(args.resources)) {
        if (grant.scope !== "cloudRunService" || grant.role !== "roles/run.invoker") continue;
        if (typeof grant.target !== "string" || shortName(grant.target) !== name) continue;
        for (const member of grant.members) {
          if (typeof member !== "string" || push.includes(member)) continue;
          if (pushUnknown && member.startsWith("serviceAccount:")) continue;
          report(`${member} may invoke the dispatcher; only the push identity may.`, resource.urn);
        }
      }
    }
  },
};
