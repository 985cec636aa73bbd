// The pack's entry point for `pulumi preview --policy-pack policies`. Nothing else belongs here: constructing the
// pack starts the analyzer's gRPC server, so tests and `npm run plan` import ./rules and ./offline instead.
import { PolicyPack } from "@pulumi/policy";
import { rules } from "./rules";

new PolicyPack("hubspot-trigger", {
  description:
    "Guardrails for the HubSpot trigger on Google Cloud: IAM, Secret Manager, Pub/Sub, Cloud Run, PSC, HubSpot.",
  displayName: "hubspot-trigger",
  provider: "gcp",
  tags: ["gcp", "hubspot", "security", "reliability"],
  policies: rules,
});
