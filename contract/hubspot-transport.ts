/**
 * How every outbound call to HubSpot's API travels (the seed connection's "Destinations" and proxy fields), shared by
 * the dispatcher's enrichment at run time and the registration provider at deploy time.
 */

export const DEFAULT_HUBSPOT_API_BASE_URL = "https://api.hubapi.com";

/** Seed: "Schéma d'authentification du proxy". */
export const PROXY_AUTH_SCHEMES = ["NONE", "BASIC", "DIGEST"] as const;
export type ProxyAuthScheme = (typeof PROXY_AUTH_SCHEMES)[number];

/**
 * Seed: "Type SSL du proxy" (the connector's ProxySSLType).
 * - AUTO: plain connection to the proxy; https destinations through a CONNECT tunnel, http ones forwarded.
 * - ALWAYS: TLS to the proxy itself (its certificate verified), then a CONNECT tunnel inside it for https.
 * - NEVER: plain connection to the proxy, never TLS to it; https destinations are still tunnelled (TLS end to end
 *   with HubSpot: the proxy never sees the token).
 * - TUNNEL: a CONNECT tunnel for every destination, http ones included.
 */
export const PROXY_SSL_TYPES = ["AUTO", "ALWAYS", "NEVER", "TUNNEL"] as const;
export type ProxySslType = (typeof PROXY_SSL_TYPES)[number];

/** A proxy in front of HubSpot, as the seed's five fields plus host and port. */
export interface ProxySettings {
  host: string;
  port: number;
  authScheme: ProxyAuthScheme;
  /** Required with BASIC and DIGEST. */
  username?: string;
  /** Required with BASIC and DIGEST; a secret: never logged, never in an error message. */
  password?: string;
  sslType: ProxySslType;
}

/** Where and how HubSpot's API is reached. */
export interface HubSpotTransportSettings {
  /** Default https://api.hubapi.com. TLS is verified against this URL's host name. */
  baseUrl: string;
  /**
   * An IP address to connect to instead of resolving the base URL's host: the Private Service Connect endpoint of a
   * `destination.serviceAttachment`. TLS is still verified against the base URL's host name.
   */
  address?: string;
  proxy?: ProxySettings;
}
