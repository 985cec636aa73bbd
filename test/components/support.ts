// Helpers of the component specs: a realistic args object and a way to build a component and wait for every child.
import * as pulumi from "@pulumi/pulumi";
import type { HubSpotTriggerArgs } from "../../components/hubspot-trigger";
import { mocks } from "../support/setup";
import type { RecordedResource } from "../../scripts/lib/offline-plan/mocks";

export const CLIENT_SECRET = "client-secret-value-4f1c2e";
export const PREVIOUS_CLIENT_SECRET = "previous-client-secret-9a7b";
export const ACCESS_TOKEN = "pat-na1-access-token-7d3e";
export const PROJECT = "acme-hubspot-test";

export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

/** A complete, valid args object with every section spelled out; `overrides` replace top-level fields. */
export function triggerArgs(overrides: Partial<HubSpotTriggerArgs> = {}): HubSpotTriggerArgs {
  return {
    project: PROJECT,
    region: "europe-west1",
    expectedPortals: 1,
    connectionName: "hubspot",
    environment: "test",
    labels: { team: "revops" },
    image: "europe-west1-docker.pkg.dev/acme/hubspot-trigger/listener:1.0.0",
    integration: { name: "crm-sync", location: "europe-west1" },
    triggers: [
      {
        name: "deal-pipeline",
        eventTypes: ["deal.creation", "deal.propertyChange"],
        propertyNames: ["dealstage"],
        integration: "crm-sync",
        triggerId: "api_trigger/crm-sync",
      },
      {
        name: "all-contacts",
        eventTypes: ["contact.creation", "contact.propertyChange", "contact.deletion"],
        propertyNames: ["lifecyclestage"],
        integration: "onboarding",
        triggerId: "api_trigger/onboarding",
      },
    ],
    admins: ["group:platform@acme.example", "user:ops@acme.example"],
    scaling: { minInstances: 2, maxInstances: 50, concurrency: 80 },
    deadLetter: { maxDeliveryAttempts: 10, retentionDays: 7 },
    retry: { minimumBackoff: "10s", maximumBackoff: "600s" },
    messageOrdering: false,
    dedupWindowSeconds: 600,
    privateServiceConnect: {
      enabled: false,
      network: "default",
      natSubnetCidr: "10.10.0.0/24",
      proxySubnetCidr: "10.10.1.0/24",
      ilbSubnetCidr: "10.10.2.0/24",
      consumerAcceptList: [],
    },
    clientSecret: pulumi.secret(CLIENT_SECRET),
    previousClientSecret: pulumi.secret(PREVIOUS_CLIENT_SECRET),
    accessToken: pulumi.secret(ACCESS_TOKEN),
    enrichment: { enabled: true, contactProperties: ["email"], companyProperties: [], dealProperties: ["amount"] },
    signature: { allowLegacy: false, maxSkewSeconds: 300 },
    deletionProtection: false,
    ...overrides,
  };
}

/** One resource as a `transformations` hook saw it: its options (parent, dependsOn) and the object. */
export interface Seen {
  type: string;
  name: string;
  resource: pulumi.Resource;
  opts: pulumi.ResourceOptions;
}

/**
 * Builds a component with a `transformations` hook (inherited by every descendant) and waits until the mock engine
 * has registered every resource it created, so `mocks.resources` is complete.
 */
export async function build<T extends pulumi.Resource>(
  create: (opts: pulumi.ComponentResourceOptions) => T,
): Promise<{ component: T; seen: Seen[] }> {
  const seen: Seen[] = [];
  const component = create({
    transformations: [
      (args) => {
        seen.push({ type: args.type, name: args.name, resource: args.resource, opts: args.opts });
        return undefined;
      },
    ],
  });
  // Children register once their inputs resolve, and may create more children: wait until the set stops growing.
  let settled = -1;
  while (settled !== seen.length) {
    settled = seen.length;
    await Promise.all(seen.map((s) => resolve(s.resource.urn)));
  }
  return { component, seen };
}

/** The recorded resource of a type and name; fails the test with the names seen when missing. */
export function recorded(type: string, name: string): RecordedResource {
  const found = mocks.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = mocks.ofType(type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; recorded: ${names.join(", ") || "none"}`);
  }
  return found;
}
