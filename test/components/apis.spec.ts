// API enablement: every API the stack uses is switched on (never off on destroy), and nothing is created before the
// API that serves it is on. A fresh project has none of them (https://cloud.google.com/service-usage/docs/enabled-service),
// so without this the first resource of `pulumi up` fails with SERVICE_DISABLED.
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { API, API_BY_RESOURCE_TYPE, requiredApis } from "../../components/apis";
import { HubSpotTrigger } from "../../components/hubspot-trigger";
import { mocks } from "../support/setup";
import { build, PROJECT, triggerArgs, type Seen } from "./support";

const SERVICE_TYPE = "gcp:projects/service:Service";

/** A resource's explicit dependencies and those of every ancestor component (which hold back all their children). */
function dependenciesUpTheTree(seen: Seen[], entry: Seen): pulumi.Resource[] {
  const found: pulumi.Resource[] = [];
  for (let current: Seen | undefined = entry; current;) {
    found.push(
      ...([] as unknown[])
        .concat(current.opts.dependsOn ?? [])
        .filter(Boolean)
        .map((d) => d as pulumi.Resource),
    );
    const parent: pulumi.Resource | undefined = current.opts.parent;
    current = seen.find((s) => s.resource === parent);
  }
  return found;
}

describe("API enablement", () => {
  it("lists the APIs per need, sorted", () => {
    const base = [
      API.cloudresourcemanager,
      API.firestore,
      API.iam,
      API.iamcredentials,
      API.integrations,
      API.pubsub,
      API.run,
      API.secretmanager,
    ].sort();
    assert.deepEqual(requiredApis({ privateServiceConnect: false, buildsImage: false, alerts: false }), base);
    assert.deepEqual(
      requiredApis({ privateServiceConnect: true, buildsImage: true, alerts: true }),
      [...base, API.compute, API.artifactregistry, API.monitoring, API.logging].sort(),
    );
  });

  for (const psc of [false, true]) {
    it(`enables each API once, never disabling it on destroy, and orders every resource after its API (PSC ${psc ? "on" : "off"})`, async () => {
      mocks.reset();
      const base = triggerArgs();
      const { seen } = await build(
        (opts) =>
          new HubSpotTrigger(
            "hs",
            { ...base, privateServiceConnect: { ...base.privateServiceConnect, enabled: psc } },
            opts,
          ),
      );
      const services = mocks.ofType(SERVICE_TYPE);
      assert.deepEqual(
        services.map((s) => s.inputs.service).sort(),
        requiredApis({ privateServiceConnect: psc, buildsImage: false, alerts: true }),
      );
      for (const service of services) {
        assert.equal(service.inputs.project, PROJECT);
        assert.equal(service.inputs.disableOnDestroy, false, "other workloads of the project use the same APIs");
        assert.equal(service.inputs.disableDependentServices, false);
      }
      const serviceOf = (api: string) =>
        seen.find((s) => s.type === SERVICE_TYPE && s.name.endsWith(`-${api.split(".")[0]}`));

      const google = seen.filter((s) => s.type.startsWith("gcp:") && s.type !== SERVICE_TYPE);
      assert.ok(google.length > 20);
      for (const entry of google) {
        // A resource in another project (a shared image repository) is served by that project's APIs, not ours.
        const project = mocks.resources.find((r) => r.type === entry.type && r.name === entry.name)?.inputs.project;
        if (project !== undefined && project !== PROJECT) continue;
        const api = API_BY_RESOURCE_TYPE[entry.type];
        assert.ok(api, `${entry.type} has no API in API_BY_RESOURCE_TYPE`);
        const service = serviceOf(api)?.resource;
        assert.ok(service, `${api} is enabled`);
        assert.ok(
          dependenciesUpTheTree(seen, entry).includes(service),
          `${entry.name} (${entry.type}) is created only after ${api} is on`,
        );
      }
    });
  }

  it("enables nothing when the platform team owns enablement", async () => {
    mocks.reset();
    await build((opts) => new HubSpotTrigger("hs", triggerArgs({ enableApis: false }), opts));
    assert.deepEqual(mocks.ofType(SERVICE_TYPE), []);
  });
});
