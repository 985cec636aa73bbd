// The component library used as a Pulumi program's author would: only what differs from the defaults. It is
// compiled under strict with the package and planned under Pulumi's mocks by test/components/library-example.spec.ts.
import * as pulumi from "@pulumi/pulumi";
import { HubSpotTrigger } from "./components";

const trigger = new HubSpotTrigger("crm", {
  project: "acme-dev",
  region: "europe-west1",
  image: "europe-west1-docker.pkg.dev/acme-dev/hubspot/listener:1.0.0",
  clientSecret: pulumi.secret("0123456789abcdef"),
  triggers: [{ name: "deals", eventTypes: ["deal.creation"], integration: "crm-sync" }],
});
export const webhookUrl = trigger.webhookUrl;
