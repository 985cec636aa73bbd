import type { PolicyResource } from "@pulumi/policy";
import { HTTP_PATHS } from "../vendor/contract";
import { TYPES } from "../lib/conventions";
import { envVar } from "../lib/cloud-run";
import { connectionsOf, servicesOf, type StackRule } from "../lib/rule";
import { readArray, readString } from "../lib/values";

interface TargetUrlConfig {
  /** Extra hosts that may front the listener (a custom domain or external load balancer). */
  allowedHosts?: string[];
}

/** The webhook URLs this stack's listeners answer on, from their known `uri` / `urls` outputs. */
function listenerWebhookUrls(listeners: ReturnType<typeof servicesOf>): string[] {
  return listeners.flatMap((service) => {
    const urls = readArray(service.props, "urls");
    const uri = readString(service.props, "uri");
    const bases = [...(Array.isArray(urls) ? urls : []), uri].filter((u): u is string => typeof u === "string");
    return bases.map((base) => base.replace(/\/+$/, "") + HTTP_PATHS.webhook);
  });
}

/**
 * The webhook URLs of this stack's Integration Connectors connections (backend `managed`): the connection's
 * `eventsListenerEndpoint`, known once Google has provisioned the listener (empty or unknown before).
 */
function managedListenerUrls(resources: PolicyResource[]): string[] {
  return resources
    .filter((r) => r.type === TYPES.connectionEventing)
    .map((r) => readString(r.props, "eventsListenerEndpoint"))
    .filter((url): url is string => typeof url === "string" && url !== "");
}

/** Cloud Run's deterministic URL form, `<service>-<project number>.<region>.run.app`, which `uri` may not list. */
function isDeterministicHost(listener: ReturnType<typeof servicesOf>[number], host: string): boolean {
  const name = readString(listener.props, "name");
  const location = readString(listener.props, "location");
  if (typeof name !== "string" || typeof location !== "string") return false;
  return (
    host.startsWith(`${name}-`) && new RegExp(`^\\d+\\.${location}\\.run\\.app$`).test(host.slice(name.length + 1))
  );
}

/**
 * Severity: critical. Protects against HubSpot delivering CRM events to the wrong place: a plain-http target sends
 * event data and signatures in clear text, and a target that is not this stack's listener (a copy-pasted URL from
 * another environment) feeds prod events into dev or loses them. The listener's PUBLIC_URL must also equal the
 * registered URL, since the v3 signature covers the exact URL HubSpot called. With backend `managed` the listener is
 * Google's HubSpot connector: the target is the connection's events listener endpoint.
 * https://developers.hubspot.com/docs/api/webhooks#webhook-settings
 */
export const targetUrl: StackRule = {
  name: "hubspot-trigger-hubspot-target-url",
  description:
    "The HubSpot webhook target URL is https and points at this stack's listener or, with backend managed, its connection's listener endpoint.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Let the stack set the target URL from the listener's URL (registration mode `api`), or add the custom domain " +
    "fronting the listener to this rule's `allowedHosts`; keep the listener's PUBLIC_URL equal to it.",
  url: "https://developers.hubspot.com/docs/api/webhooks#webhook-settings",
  configSchema: { properties: { allowedHosts: { type: "array", items: { type: "string" }, default: [] } } },
  validateStack: (args, report) => {
    const allowedHosts = args.getConfig<TargetUrlConfig>().allowedHosts ?? [];
    const listeners = servicesOf(args.resources, "listener");
    const managed = connectionsOf(args.resources).length > 0;
    const expected = [...listenerWebhookUrls(listeners), ...managedListenerUrls(args.resources)];
    const listenerKnown = expected.length > 0;
    for (const settings of args.resources.filter((r) => r.type === TYPES.webhookSettings)) {
      const target = readString(settings.props, "targetUrl");
      if (typeof target !== "string") continue;
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        report(`targetUrl "${target}" is not a URL.`, settings.urn);
        continue;
      }
      if (url.protocol !== "https:") report(`targetUrl "${target}" is not https.`, settings.urn);
      if (listeners.length === 0 && !managed) {
        report(
          "No listener service (Cloud Run, label component=listener) or Integration Connectors connection in this stack to receive the webhooks.",
          settings.urn,
        );
        continue;
      }
      const onAllowedHost =
        (allowedHosts.includes(url.host) || listeners.some((l) => isDeterministicHost(l, url.host))) &&
        url.pathname === HTTP_PATHS.webhook;
      if (listenerKnown && !expected.includes(target) && !onAllowedHost) {
        report(`targetUrl "${target}" is not this stack's listener (expected ${expected[0]}).`, settings.urn);
      }
      for (const listener of listeners) {
        const publicUrl = envVar(listener.props, "PUBLIC_URL")?.value;
        if (typeof publicUrl === "string" && publicUrl !== target) {
          report(
            `Listener PUBLIC_URL "${publicUrl}" differs from targetUrl "${target}": every v3 signature would fail.`,
            listener.urn,
          );
        }
      }
    }
  },
};
