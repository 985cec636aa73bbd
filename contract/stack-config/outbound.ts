import { z } from "zod";
import { DEFAULT_HUBSPOT_API_BASE_URL, PROXY_AUTH_SCHEMES, PROXY_SSL_TYPES } from "../hubspot-transport";
import { ALWAYS, describeValue, flag, integer, oneOf, section, text } from "./fields";
import { NETWORK, type StringRule } from "./rules";

/**
 * How the stack reaches HubSpot's API: the seed connection's "Destinations" (host address or Private Service Connect
 * service attachment) and proxy fields, plus Direct VPC egress for the dispatcher. The listener receives HubSpot's
 * calls and is not concerned; the dispatcher's enrichment and the registration provider are.
 */

/**
 * `https://host[:port]` or a bare `host[:port]`; no path, no query. Plain http is refused: every HubSpot call carries
 * a bearer token (the runtime allows http only on loopback, for stand-ins).
 */
export const HUBSPOT_HOST: StringRule = {
  pattern:
    /^(?:https:\/\/)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::[0-9]{1,5})?\/?$/,
  rule: "a host name (`api.hubapi.com`) or `https://host[:port]`, lower case, no path; https only, since every call carries a token",
};

/** https://cloud.google.com/vpc/docs/about-vpc-hosted-services#service-attachments: a regional resource. */
export const SERVICE_ATTACHMENT: StringRule = {
  pattern:
    /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/regions\/[a-z]+-[a-z]+[0-9]+\/serviceAttachments\/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  rule: "a service attachment as projects/PROJECT/regions/REGION/serviceAttachments/NAME (Private Service Connect)",
};

export const SUBNETWORK: StringRule = {
  pattern:
    /^(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/regions\/[a-z]+-[a-z]+[0-9]+\/subnetworks\/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)$/,
  rule: "a subnetwork name (in the stack's region) or projects/P/regions/R/subnetworks/S",
};

/** Proxy host: a DNS name or an IPv4 address (an IPv6 literal would need brackets in every URL; not accepted). */
export const PROXY_HOST: StringRule = {
  pattern: /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  rule: "the proxy's host name or IPv4 address, without scheme or port",
};

/** Proxy user names go in a Proxy-Authorization header: printable, no colon (Basic's separator, RFC 7617 §2). */
export const PROXY_USERNAME: StringRule = {
  pattern: /^[\x21-\x39\x3b-\x7e]{1,256}$/,
  rule: "1-256 printable ASCII characters without spaces or colons (RFC 7617 §2)",
};

/** The base URL every HubSpot call uses: `https://` + host, without a trailing slash. */
export function hubspotBaseUrl(host: string): string {
  const withScheme = host.startsWith("https://") ? host : `https://${host}`;
  return withScheme.replace(/\/+$/, "");
}

export const destinationSchema = section({
  host: text(HUBSPOT_HOST).default(DEFAULT_HUBSPOT_API_BASE_URL).meta({
    docDefault: "`https://api.hubapi.com`",
    rule: "HubSpot's API host (seed \"Adresse de l'hôte\"); https only; TLS is verified against this name, also through a service attachment",
  }),
  serviceAttachment: text(SERVICE_ATTACHMENT).optional().meta({
    rule: 'seed "Rattachement de service": a Private Service Connect endpoint to it in `egress.network`, which the dispatcher reaches through Direct VPC egress; needs `egress`',
  }),
})
  .transform((destination) => ({ ...destination, host: hubspotBaseUrl(destination.host) }))
  .prefault({});

export const proxySchema = section({
  enabled: flag(false).meta({ rule: 'seed "Utiliser un proxy": HubSpot calls go through `host:port`' }),
  host: text(PROXY_HOST).optional().meta({ rule: "required when enabled" }),
  port: integer({ min: 1, max: 65_535, default: 3128 }).meta({ docDefault: "`3128`", rule: "1..65535" }),
  authScheme: oneOf(PROXY_AUTH_SCHEMES, "is not a proxy authentication scheme", "one of NONE, BASIC, DIGEST")
    .default("NONE")
    .meta({ rule: 'seed "Schéma d\'authentification du proxy": NONE, BASIC or DIGEST (RFC 7616)' }),
  username: text(PROXY_USERNAME)
    .optional()
    .meta({ rule: 'seed "Utilisateur du proxy": required with BASIC and DIGEST, refused with NONE' }),
  sslType: oneOf(PROXY_SSL_TYPES, "is not a proxy SSL type", "one of AUTO, ALWAYS, NEVER, TUNNEL")
    .default("AUTO")
    .meta({
      rule: 'seed "Type SSL du proxy": AUTO, ALWAYS, NEVER or TUNNEL ([outbound](outbound.md#proxy-ssl-types))',
    }),
})
  .check(
    z.superRefine((proxy: Record<string, unknown>, ctx) => {
      if (proxy.enabled !== true) {
        for (const key of ["host", "username"] as const) {
          if (proxy[key] !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: "is set but proxy.enabled is not true; set it only with enabled: true",
            });
          }
        }
        return;
      }
      if (proxy.host === undefined) {
        ctx.addIssue({ code: "custom", path: ["host"], message: `missing; required when enabled; ${PROXY_HOST.rule}` });
      }
      const authenticates = proxy.authScheme === "BASIC" || proxy.authScheme === "DIGEST";
      if (authenticates && proxy.username === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["username"],
          message: `missing; authScheme ${String(proxy.authScheme)} needs a user name; ${PROXY_USERNAME.rule}`,
        });
      }
      if (proxy.authScheme === "NONE" && proxy.username !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["username"],
          message: `is set (${describeValue(proxy.username)}) but authScheme is NONE; set authScheme BASIC or DIGEST, or remove username`,
        });
      }
    }, ALWAYS),
  )
  .prefault({});

export const egressSchema = section({
  network: text(NETWORK).optional().meta({
    rule: "the VPC network the dispatcher sends through (Cloud Run Direct VPC egress); default: the subnetwork's",
  }),
  subnetwork: text(SUBNETWORK).optional().meta({
    docDefault: "the subnetwork named as the network",
    rule: "a subnetwork of `network` in `region`; it also holds the Private Service Connect endpoint of `destination.serviceAttachment`",
  }),
  allTraffic: flag(false).meta({
    rule: "`true`: all the dispatcher's traffic leaves through the VPC (your NAT or firewall); `false`: only private ranges",
  }),
})
  .check(
    z.superRefine((egress: Record<string, unknown>, ctx) => {
      if (egress.allTraffic === true && egress.network === undefined && egress.subnetwork === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["allTraffic"],
          message: "is true but neither network nor subnetwork is set; Direct VPC egress needs one of them",
        });
      }
    }, ALWAYS),
  )
  .transform((egress) => ({
    enabled: egress.network !== undefined || egress.subnetwork !== undefined,
    ...egress,
  }))
  .prefault({});

export const DESTINATION_DEFAULTS = destinationSchema.parse({});
export const PROXY_DEFAULTS = proxySchema.parse({});
export const EGRESS_DEFAULTS = egressSchema.parse({});
