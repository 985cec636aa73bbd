import type { PrivateServiceConnectConfig, PscConsumer } from "../config-types";
import { readArray, readBoolean, readInteger, readObject, readString } from "./fields";
import { describeValue, type Problems } from "./problems";
import { cidrsOverlap, NETWORK, parseIpv4Cidr, PROJECT_ID_OR_NUMBER, type Ipv4Cidr } from "./rules";

const PSC_KEYS = [
  "enabled",
  "network",
  "natSubnetCidr",
  "proxySubnetCidr",
  "ilbSubnetCidr",
  "consumerAcceptList",
] as const;

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

function readConsumers(problems: Problems, value: unknown): PscConsumer[] {
  const path = ["privateServiceConnect", "consumerAcceptList"];
  const consumers: PscConsumer[] = [];
  readArray(problems, path, value, "a list of {project, connectionLimit}").forEach((item, index) => {
    const at = [...path, index];
    const raw = readObject(problems, at, item, ["project", "connectionLimit"]);
    if (raw.project === undefined)
      problems.add([...at, "project"], "missing", `required; ${PROJECT_ID_OR_NUMBER.rule}`);
    const project = readString(problems, [...at, "project"], raw.project, PROJECT_ID_OR_NUMBER);
    const connectionLimit = readInteger(problems, [...at, "connectionLimit"], raw.connectionLimit, {
      min: 1,
      max: 1000,
      default: 10,
    });
    if (project === undefined) return;
    if (consumers.some((c) => c.project === project)) {
      problems.add([...at, "project"], `${describeValue(project)} is listed twice`, "one entry per consumer project");
      return;
    }
    consumers.push({ project, connectionLimit });
  });
  return consumers;
}

/** `privateServiceConnect`: CIDRs valid, aligned, large enough and disjoint; a production stack names its consumers. */
export function readPrivateServiceConnect(
  problems: Problems,
  value: unknown,
  environment: string,
): PrivateServiceConnectConfig {
  const path = ["privateServiceConnect"];
  const raw = readObject(problems, path, value, PSC_KEYS);
  const enabled = readBoolean(problems, [...path, "enabled"], raw.enabled, false);
  const network = readString(problems, [...path, "network"], raw.network, NETWORK) ?? PSC_DEFAULTS.network;
  const cidrs: Partial<Record<(typeof SUBNETS)[number]["key"], string>> = {};
  const parsed: { key: string; cidr: Ipv4Cidr }[] = [];
  for (const subnet of SUBNETS) {
    const text = raw[subnet.key] ?? PSC_DEFAULTS[subnet.key];
    const rule = `an IPv4 CIDR of /${subnet.maxPrefix} or larger for ${subnet.purpose}, disjoint from the other two`;
    if (typeof text !== "string") {
      problems.add([...path, subnet.key], `got ${describeValue(text)}`, rule);
      continue;
    }
    const cidr = parseIpv4Cidr(text);
    if ("error" in cidr) {
      problems.add([...path, subnet.key], `${describeValue(text)} ${cidr.error}`, rule);
      continue;
    }
    if (cidr.prefix > subnet.maxPrefix) {
      problems.add([...path, subnet.key], `${describeValue(text)} is a /${cidr.prefix}, too small`, rule);
      continue;
    }
    const clash = parsed.find((other) => cidrsOverlap(other.cidr, cidr));
    if (clash) {
      problems.add([...path, subnet.key], `${describeValue(text)} overlaps ${clash.key} (${clash.cidr.text})`, rule);
      continue;
    }
    parsed.push({ key: subnet.key, cidr });
    cidrs[subnet.key] = text;
  }
  const consumerAcceptList = readConsumers(problems, raw.consumerAcceptList);
  if (enabled && consumerAcceptList.length === 0 && /^prod/.test(environment)) {
    problems.add(
      [...path, "consumerAcceptList"],
      `is empty in environment ${describeValue(environment)}`,
      "a production stack with Private Service Connect must list the consumer projects allowed to connect (ACCEPT_MANUAL)",
    );
  }
  return {
    enabled,
    network,
    natSubnetCidr: cidrs.natSubnetCidr ?? PSC_DEFAULTS.natSubnetCidr,
    proxySubnetCidr: cidrs.proxySubnetCidr ?? PSC_DEFAULTS.proxySubnetCidr,
    ilbSubnetCidr: cidrs.ilbSubnetCidr ?? PSC_DEFAULTS.ilbSubnetCidr,
    consumerAcceptList,
  };
}
