import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { PscConsumer } from "./args";
import { LabelArgs, resourceLabels } from "./labels";

/** Names of the compute resources, from `resourceNames(...).psc`. */
export interface PscNames {
  readonly neg: string;
  readonly backendService: string;
  readonly urlMap: string;
  readonly targetProxy: string;
  readonly forwardingRule: string;
  readonly proxySubnet: string;
  readonly ilbSubnet: string;
  readonly natSubnet: string;
  readonly serviceAttachment: string;
}

export interface PrivateServiceConnectArgs extends LabelArgs {
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** VPC network (name or self link) that hosts the internal load balancer. */
  readonly network: pulumi.Input<string>;
  /** The Cloud Run service published (the listener), same region. */
  readonly cloudRunService: pulumi.Input<string>;
  readonly names: pulumi.Input<PscNames>;
  readonly natSubnetCidr: pulumi.Input<string>;
  readonly proxySubnetCidr: pulumi.Input<string>;
  readonly ilbSubnetCidr: pulumi.Input<string>;
  /** Projects allowed to connect (ACCEPT_MANUAL); empty means nobody until one is added. */
  readonly consumerAcceptList: readonly PscConsumer[];
}

/**
 * Publishes the listener inside VPCs (seed: "Activer la connectivité privée", "Rattachement de service"): serverless
 * NEG -> regional internal Application Load Balancer (its proxy-only subnet included) -> service attachment on a PSC
 * NAT subnet that accepts only the listed consumer projects.
 */
export class PrivateServiceConnect extends pulumi.ComponentResource {
  readonly serviceAttachment: gcp.compute.ServiceAttachment;
  readonly forwardingRule: gcp.compute.ForwardingRule;

  constructor(name: string, args: PrivateServiceConnectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:psc:PrivateServiceConnect", name, {}, opts);
    for (const [index, consumer] of args.consumerAcceptList.entries()) {
      if (!Number.isInteger(consumer.connectionLimit) || consumer.connectionLimit < 1) {
        throw new Error(
          `privateServiceConnect.consumerAcceptList[${index}].connectionLimit ${consumer.connectionLimit} ` +
            "must be a whole number >= 1",
        );
      }
    }
    const names = pulumi.output(args.names);
    const common = { project: args.project, region: args.region };
    const child = { parent: this };

    // The Envoy proxies of every regional managed LB in this region and network use this subnet.
    const proxySubnet = new gcp.compute.Subnetwork(
      `${name}-proxy-only-subnet`,
      {
        ...common,
        name: names.proxySubnet,
        network: args.network,
        ipCidrRange: args.proxySubnetCidr,
        purpose: "REGIONAL_MANAGED_PROXY",
        role: "ACTIVE",
      },
      child,
    );
    const ilbSubnet = new gcp.compute.Subnetwork(
      `${name}-ilb-subnet`,
      { ...common, name: names.ilbSubnet, network: args.network, ipCidrRange: args.ilbSubnetCidr },
      child,
    );
    const natSubnet = new gcp.compute.Subnetwork(
      `${name}-psc-nat-subnet`,
      {
        ...common,
        name: names.natSubnet,
        network: args.network,
        ipCidrRange: args.natSubnetCidr,
        purpose: "PRIVATE_SERVICE_CONNECT",
      },
      child,
    );
    const neg = new gcp.compute.RegionNetworkEndpointGroup(
      `${name}-neg`,
      { ...common, name: names.neg, networkEndpointType: "SERVERLESS", cloudRun: { service: args.cloudRunService } },
      child,
    );
    const backend = new gcp.compute.RegionBackendService(
      `${name}-backend`,
      {
        ...common,
        name: names.backendService,
        loadBalancingScheme: "INTERNAL_MANAGED",
        protocol: "HTTP",
        backends: [{ group: neg.id, balancingMode: "UTILIZATION", capacityScaler: 1 }],
      },
      child,
    );
    const urlMap = new gcp.compute.RegionUrlMap(
      `${name}-url-map`,
      { ...common, name: names.urlMap, defaultService: backend.id },
      child,
    );
    const proxy = new gcp.compute.RegionTargetHttpProxy(
      `${name}-proxy`,
      { ...common, name: names.targetProxy, urlMap: urlMap.id },
      child,
    );
    this.forwardingRule = new gcp.compute.ForwardingRule(
      `${name}-forwarding-rule`,
      {
        ...common,
        name: names.forwardingRule,
        loadBalancingScheme: "INTERNAL_MANAGED",
        ipProtocol: "TCP",
        portRange: "80",
        target: proxy.id,
        network: args.network,
        subnetwork: ilbSubnet.id,
        labels: resourceLabels(args, "psc"),
      },
      // The forwarding rule of an internal Application LB fails to create until the proxy-only subnet exists.
      { parent: this, dependsOn: [proxySubnet] },
    );
    this.serviceAttachment = new gcp.compute.ServiceAttachment(
      `${name}-attachment`,
      {
        ...common,
        name: names.serviceAttachment,
        connectionPreference: "ACCEPT_MANUAL",
        natSubnets: [natSubnet.id],
        targetService: this.forwardingRule.id,
        enableProxyProtocol: false,
        consumerAcceptLists: args.consumerAcceptList.map((consumer) => ({
          projectIdOrNum: consumer.project,
          connectionLimit: consumer.connectionLimit,
        })),
      },
      child,
    );

    this.registerOutputs({ serviceAttachment: this.serviceAttachment.selfLink });
  }
}
