import * as pulumi from "@pulumi/pulumi";
import { combineStatuses } from "./hubspot/status";
import type { RegistrationStatus } from "./hubspot/types";
import type { HubSpotRegistration } from "./hubspot";
import type { ManagedBackend } from "./managed/managed-backend";
import type { LiveStatus } from "./status/live-status";

/** How the webhook URL reached HubSpot, and the seed's subscription status (Creating / Active / Error). */
export interface RegistrationOutput {
  mode: string;
  status: string;
  statusMessage: string;
  /** HubSpot subscription ids by "eventType[/propertyName]" (api mode). */
  subscriptionIds: Record<string, string>;
  /** project mode: the webhooks-hsmeta.json document for `hs project upload`. */
  hsmeta?: string;
  /** manual mode: the exact steps to follow in HubSpot's UI. */
  manualSteps?: string[];
  /** api mode: the public app whose subscriptions `npm run status` compares with the stack. */
  appId?: string;
}

interface Deliveries {
  status: pulumi.Output<RegistrationStatus | undefined>;
  statusMessage: pulumi.Output<string | undefined>;
}

/**
 * The deliveries' side of the seed status: the status store's verdict (self-hosted), or the worst trigger's event
 * subscriptions (managed). Undefined values mean not read yet (preview).
 */
export function deliveryStatus(live: LiveStatus | undefined, backend: ManagedBackend | undefined): Deliveries {
  if (live) return { status: live.status, statusMessage: live.statusMessage };
  if (!backend) return { status: pulumi.output(undefined), statusMessage: pulumi.output(undefined) };
  const combined = backend.triggerStatuses.apply((statuses) =>
    combineStatuses(Object.entries(statuses).map(([trigger, report]) => ({ name: `trigger ${trigger}`, report }))),
  );
  return { status: combined.apply((c) => c.status), statusMessage: combined.apply((c) => c.statusMessage) };
}

/**
 * The `registration` output: the seed's status from the deliveries in every mode; in api mode HubSpot's side too, the
 * worse one winning. Project and manual modes cannot see HubSpot: their instructions follow until deliveries arrive.
 */
export function registrationOutput(
  mode: "api" | "project" | "manual",
  registration: HubSpotRegistration,
  deliveries: Deliveries,
  appId: pulumi.Input<string> | undefined,
): pulumi.Output<RegistrationOutput> {
  const r = registration;
  const combined = pulumi
    .all([r.status, r.statusMessage, deliveries.status, deliveries.statusMessage])
    .apply(([hubspotStatus, hubspotMessage, liveStatus, liveMessage]) => {
      const fromLive = {
        status: liveStatus ?? "Creating",
        statusMessage: liveMessage ?? "live status not read yet (preview)",
      };
      if (mode !== "api") {
        return fromLive.status === "Creating"
          ? { status: fromLive.status, statusMessage: `${fromLive.statusMessage}; ${hubspotMessage}` }
          : fromLive;
      }
      const hubspot = { status: hubspotStatus ?? "Creating", statusMessage: hubspotMessage ?? "not created yet" };
      const worst = combineStatuses([
        { name: "HubSpot", report: hubspot },
        { name: "deliveries", report: fromLive },
      ]);
      return worst.status === "Active"
        ? { status: worst.status, statusMessage: `${hubspot.statusMessage}; ${fromLive.statusMessage}` }
        : worst;
    });
  return pulumi
    .all([combined, r.subscriptionIds, r.hsmeta, r.manualSteps, appId])
    .apply(([{ status, statusMessage }, subscriptionIds, hsmeta, manualSteps, app]) => ({
      mode,
      status,
      statusMessage,
      subscriptionIds,
      ...(hsmeta !== undefined && { hsmeta }),
      ...(manualSteps !== undefined && { manualSteps }),
      ...(app !== undefined && { appId: String(app) }),
    }));
}
