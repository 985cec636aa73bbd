import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { LabelArgs, resourceLabels } from "./labels";

/**
 * The dispatcher's way out to HubSpot's API when it is not the public internet: Cloud Run Direct VPC egress into the
 * organisation's network and, for a `destination.serviceAttachment`, a Private Service Connect endpoint there.
 */

export interface HubSpotEgressArgs extends LabelArgs {
  readonly project: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** VPC network; Cloud Run takes the subnetwork's network when absent. */
  readonly network?: pulumi.Input<string>;
  /** Subnetwork; Cloud Run takes the one named as the network when absent. */
  readonly subnetwork?: pulumi.Input<string>;
  /** ALL_TRAFFIC instead of PRIVATE_RANGES_ONLY. */
  readonly allTraffic: boolean;
  /** `projects/P/regions/R/serviceAttachments/S`: a PSC endpoint to it is created in the subnetwork. */
  readonly serviceAttachment?: pulumi.Input<string>;
  readonly names: { address: pulumi.Input<string>; forwardingRule: pulumi.Input<string> };
}

export class HubSpotEgress extends pulumi.ComponentResource {
  /** The dispatcher template's `vpcAccess`. */
  readonly vpcAccess: gcp.types.input.cloudrunv2.ServiceTemplateVpcAccess;
  /** The PSC endpoint's internal IP: the dispatcher connects there and verifies TLS against HubSpot's host name. */
  readonly endpointAddress?: pulumi.Output<string>;
  readonly endpoint?: gcp.compute.ForwardingRule;

  constructor(name: string, args: HubSpotEgressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hubspot-trigger:egress:HubSpotEgress", name, {}, opts);
    // Cloud Run: "at least one of network or subnetwork must be specified"; the other is derived
    // (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#direct-vpc-service).
    this.vpcAccess = {
      networkInterfaces: [{ network: args.network, subnetwork: args.subnetwork }],
      egress: args.allTraffic ? "ALL_TRAFFIC" : "PRIVATE_RANGES_ONLY",
    };
    if (args.serviceAttachment !== undefined) {
      const labels = resourceLabels(args, "egress");
      // An endpoint for a published service: an internal address plus a forwarding rule whose target is the
      // attachment and whose load-balancing scheme is empty
      // (https://cloud.google.com/vpc/docs/configure-private-service-connect-services#create-endpoint).
      const address = new gcp.compute.Address(
        `${name}-address`,
        {
          project: args.project,
          region: args.region,
          name: args.names.address,
          addressType: "INTERNAL",
          subnetwork: args.subnetwork ?? args.network,
          description: "Private Service Connect endpoint to HubSpot's API (destination.serviceAttachment)",
          labels,
        },
        { parent: this },
      );
      this.endpoint = new gcp.compute.ForwardingRule(
        `${name}-endpoint`,
        {
          project: args.project,
          region: args.region,
          name: args.names.forwardingRule,
          network: args.network,
          ipAddress: address.id,
          target: args.serviceAttachment,
          loadBalancingScheme: "",
          labels,
        },
        { parent: this },
      );
      this.endpointAddress = address.address;
    }
    this.registerOutputs({ endpointAddress: this.endpointAddress });
  }
}
