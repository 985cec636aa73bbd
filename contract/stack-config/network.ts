import { z } from "zod";
import { ALWAYS, describeValue, flag, integer, section, text } from "./fields";
import { cidrsOverlap, NETWORK, parseIpv4Cidr, PROJECT_ID_OR_NUMBER, type Ipv4Cidr } from "./rules";

/** Defaults sit in 10.128/9-free space so they do not collide with auto-mode VPC subnets (10.128.0.0/9). */
export const PSC_DEFAULTS = {
  network: "default",
  natSubnetCidr: "10.100.0.0/28",
  proxySubnetCidr: "10.100.64.0/23",
  ilbSubnetCidr: "10.100.1.0/28",
} as const;

// GCP: IPv4 subnet ranges are at most /29; a proxy-only subnet should be /23 and must be at least /26.
const SUBNETS = [
  { key: "natSubnetCidr", maxPrefix: 29, purpose: "the PSC NAT subnet" },
  { key: "proxySubnetCidr", maxPrefix: 26, purpose: "the proxy-only subnet (Google recommends /23)" },
  { key: "ilbSubnetCidr", maxPrefix: 29, purpose: "the load balancer's subnet" },
] as const;

function subnetRule(subnet: (typeof SUBNETS)[number]): string {
  return `an IPv4 CIDR of /${subnet.maxPrefix} or larger for ${subnet.purpose}, disjoint from the other two`;
}

/** A subnet CIDR: valid, aligned and large enough (overlaps are a rule of the section). */
function subnetCidr(subnet: (typeof SUBNETS)[number]) {
  const rule = subnetRule(subnet);
  return z
    .string({ error: (iss) => `got ${describeValue(iss.input)}; ${rule}` })
    .check(
      z.superRefine((value: string, ctx) => {
        const cidr = parseIpv4Cidr(value);
        if ("error" in cidr)
          ctx.addIssue({ code: "custom", message: `${describeValue(value)} ${cidr.error}; ${rule}` });
        else if (cidr.prefix > subnet.maxPrefix) {
          ctx.addIssue({ code: "custom", message: `${describeValue(value)} is a /${cidr.prefix}, too small; ${rule}` });
        }
      }),
    )
    .default(PSC_DEFAULTS[subnet.key]);
}

export const pscConsumerSchema = section({
  project: text(PROJECT_ID_OR_NUMBER),
  connectionLimit: integer({ min: 1, max: 1000, default: 10 }),
});

export const privateServiceConnectSchema = section({
  enabled: flag(false).meta({ rule: "publish the listener through a PSC service attachment" }),
  network: text(NETWORK).default(PSC_DEFAULTS.network).meta({ rule: "network name or `projects/P/global/networks/N`" }),
  natSubnetCidr: subnetCidr(SUBNETS[0]).meta({ docType: "CIDR", rule: "IPv4, aligned, /29 or larger" }),
  proxySubnetCidr: subnetCidr(SUBNETS[1]).meta({
    docType: "CIDR",
    rule: "IPv4, aligned, /26 or larger (Google recommends /23)",
  }),
  ilbSubnetCidr: subnetCidr(SUBNETS[2]).meta({
    docType: "CIDR",
    rule: "IPv4, aligned, /29 or larger; the three CIDRs must not overlap",
  }),
  consumerAcceptList: z
    .array(pscConsumerSchema, {
      error: (iss) => `got ${describeValue(iss.input)}; must be a list; a list of {project, connectionLimit}`,
    })
    .check(
      z.superRefine((consumers: unknown[], ctx) => {
        if (!Array.isArray(consumers)) return;
        const seen = new Set<unknown>();
        consumers.forEach((consumer, index) => {
          const project =
            typeof consumer === "object" && consumer !== null ? (consumer as { project?: unknown }).project : undefined;
          if (typeof project !== "string") return;
          if (seen.has(project)) {
            ctx.addIssue({
              code: "custom",
              path: [index, "project"],
              message: `${describeValue(project)} is listed twice; one entry per consumer project`,
            });
          }
          seen.add(project);
        });
      }, ALWAYS),
    )
    .default([])
    .meta({
      docType: "list of `{project, connectionLimit}`",
      rule: "project id or number; limit 1..1000, default 10; required (non-empty) when enabled in an environment starting with `prod`",
    }),
})
  .check(
    z.superRefine((psc: Record<string, unknown>, ctx) => {
      // Each subnet is compared with the valid ones before it, so an overlap is reported once, on the later key.
      const valid: { key: string; cidr: Ipv4Cidr }[] = [];
      for (const subnet of SUBNETS) {
        const value = psc[subnet.key];
        if (typeof value !== "string") continue;
        const cidr = parseIpv4Cidr(value);
        if ("error" in cidr || cidr.prefix > subnet.maxPrefix) continue;
        const clash = valid.find((other) => cidrsOverlap(other.cidr, cidr));
        if (clash) {
          ctx.addIssue({
            code: "custom",
            path: [subnet.key],
            message: `${describeValue(value)} overlaps ${clash.key} (${clash.cidr.text}); ${subnetRule(subnet)}`,
          });
          continue;
        }
        valid.push({ key: subnet.key, cidr });
      }
    }, ALWAYS),
  )
  .prefault({});

export const PRIVATE_SERVICE_CONNECT_DEFAULTS = privateServiceConnectSchema.parse({});
