/** Shared vocabulary of the HubSpot webhook registration. Types only: safe to import anywhere. */
import type { ProxySettings } from "../../contract/hubspot-transport";

export type ApiVersion = "v3" | "2026-03";
export const API_VERSIONS: readonly ApiVersion[] = ["v3", "2026-03"];

export type CredentialKind = "developerApiKey" | "oauthToken";
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ["developerApiKey", "oauthToken"];

/** Environment variables read at call time when no credential input is given (never captured by the provider). */
export const CREDENTIAL_ENV: Record<CredentialKind, string> = {
  developerApiKey: "HUBSPOT_DEVELOPER_API_KEY",
  oauthToken: "HUBSPOT_DEVELOPER_OAUTH_TOKEN",
};

export const DEFAULT_API_BASE_URL = "https://api.hubapi.com";

/** One HubSpot subscription as the stack declares it: one per event type and, for propertyChange, per property. */
export interface SubscriptionSpec {
  eventType: string;
  propertyName?: string;
  /** When the stack stops declaring it: leave it in HubSpot ("keep") or delete it. Default: `retainOnDelete`. */
  onRemove?: "keep" | "delete";
}

/**
 * How the provider's calls travel besides the base URL: the connection's destination address (a Private Service
 * Connect endpoint, TLS still verified against the base URL's host name) and the customer's proxy. A proxy password
 * makes the whole value a Pulumi secret.
 */
export interface ApiTransport {
  address?: string;
  proxy?: ProxySettings;
}

/** Where and as whom the provider talks to HubSpot's webhooks API. */
export interface ApiTarget {
  baseUrl: string;
  apiVersion: ApiVersion;
  appId: string;
  credentialKind: CredentialKind;
  credential: string;
  transport?: ApiTransport;
}

export type RegistrationStatus = "Creating" | "Active" | "Error";

/** A subscription as HubSpot returns it (SubscriptionResponse in the specs: ids are strings in responses). */
export interface HubSpotSubscription {
  id: string;
  eventType: string;
  propertyName?: string;
  active: boolean;
  createdAt: string;
  updatedAt?: string;
}

/** Webhook settings as HubSpot returns them (SettingsResponse). */
export interface HubSpotSettings {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period?: string };
  createdAt: string;
  updatedAt?: string;
}

/** Developer-platform object type for generic `object.*` subscriptions (hsmeta `crmObjects`), e.g. "contact". */
export type ObjectSubscriptionSpec = SubscriptionSpec & { objectType?: string };
