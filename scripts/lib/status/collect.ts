/**
 * One stack's live status: its outputs (which triggers, which status database, which registration mode) + the
 * status store's signals + in api mode HubSpot's subscription list, judged by contract/status-evaluation.ts.
 */
import type { Firestore } from "@google-cloud/firestore";
import { evaluateTriggers, type HubSpotDisagreement, type TriggerStatus } from "../../../contract/status-evaluation";
import { listSubscriptions } from "../../../components/hubspot/webhooks-api";
import { CREDENTIAL_ENV, DEFAULT_API_BASE_URL, type CredentialKind } from "../../../components/hubspot/types";
import { registrationDisagreements } from "../../../components/status/hubspot-check";
import { readStatusSignals } from "../../../components/status/read-signals";
import type { StackOutputs } from "../stack-outputs";
import type { ApiSettings } from "../../../components/managed/connectors-api";
import { withSubscriptionStates } from "./managed";

export interface HubSpotAccess {
  credentialKind: CredentialKind;
  credential: string | undefined;
  baseUrl: string;
}

/** HubSpot's credential as the registration provider reads it (HUBSPOT_DEVELOPER_API_KEY or _OAUTH_TOKEN). */
export function hubspotAccessFromEnv(env: NodeJS.ProcessEnv): HubSpotAccess {
  const kind: CredentialKind = env[CREDENTIAL_ENV.developerApiKey] ? "developerApiKey" : "oauthToken";
  return {
    credentialKind: kind,
    credential: env[CREDENTIAL_ENV[kind]] || undefined,
    baseUrl: env.HUBSPOT_API_BASE_URL || DEFAULT_API_BASE_URL,
  };
}

export interface StackStatus {
  stack: string;
  statusDatabase: string;
  mode: string;
  readAt: number;
  triggers: TriggerStatus[];
  /** api mode: whether HubSpot's subscriptions were compared, and if not why. */
  hubspot: { checked: boolean; detail: string };
}

/** The project the stack's resources live in: the events topic's. */
export function projectOf(outputs: StackOutputs): string {
  return outputs.eventsTopic.split("/")[1];
}

async function hubspotCheck(
  outputs: StackOutputs,
  access: HubSpotAccess,
): Promise<{ disagreements: HubSpotDisagreement[]; checked: boolean; detail: string }> {
  const registration = outputs.registration;
  if (registration?.mode !== "api") {
    return { disagreements: [], checked: false, detail: `${registration?.mode ?? "no"} registration: not checked` };
  }
  if (!registration.appId) {
    return { disagreements: [], checked: false, detail: "the registration output names no appId: redeploy to check" };
  }
  if (!access.credential) {
    return {
      disagreements: [],
      checked: false,
      detail: `not checked: set ${CREDENTIAL_ENV.developerApiKey} or ${CREDENTIAL_ENV.oauthToken} to compare with HubSpot`,
    };
  }
  const actual = await listSubscriptions({
    baseUrl: access.baseUrl,
    apiVersion: "v3",
    appId: registration.appId,
    credentialKind: access.credentialKind,
    credential: access.credential,
  });
  const disagreements = registrationDisagreements(registration.subscriptionIds, actual);
  return {
    disagreements,
    checked: true,
    detail: `${Object.keys(registration.subscriptionIds).length} subscriptions compared, ${disagreements.length} disagree`,
  };
}

export async function collectStatus(
  stack: string,
  outputs: StackOutputs,
  store: Firestore,
  access: HubSpotAccess,
  nowMs: number,
  connectors: ApiSettings = {},
): Promise<StackStatus> {
  const [signals, hubspot] = await Promise.all([readStatusSignals(store, nowMs), hubspotCheck(outputs, access)]);
  const evaluated = evaluateTriggers(outputs.triggers, signals, hubspot.disagreements);
  return {
    stack,
    statusDatabase: outputs.statusDatabase ?? "",
    mode: outputs.registration?.mode ?? "none",
    readAt: nowMs,
    triggers: await withSubscriptionStates(outputs, evaluated, connectors),
    hubspot: { checked: hubspot.checked, detail: hubspot.detail },
  };
}
