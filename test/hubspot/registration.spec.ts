import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { HubSpotRegistration, type HubSpotRegistrationArgs } from "../../components/hubspot";
import { checkRegistrationArgs } from "../../components/hubspot/registration";
import { mocks } from "../support/setup";
import { DEVELOPER_API_KEY, LISTENER_URL, SIX_SUBSCRIPTIONS } from "./support";

const SETTINGS = "pulumi-nodejs:dynamic/hubspot:WebhookSettings";
const SUBSCRIPTION = "pulumi-nodejs:dynamic/hubspot:WebhookSubscription";

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

interface Seen {
  type: string;
  name: string;
  resource: pulumi.Resource;
  opts: pulumi.ResourceOptions;
}

/** Builds the component with a transformations hook (the only place resource options are visible under mocks). */
async function build(
  name: string,
  args: HubSpotRegistrationArgs,
): Promise<{ component: HubSpotRegistration; seen: Seen[] }> {
  const seen: Seen[] = [];
  const component = new HubSpotRegistration(name, args, {
    transformations: [
      (a) => {
        seen.push({ type: a.type, name: a.name, resource: a.resource, opts: a.opts });
        return undefined;
      },
    ],
  });
  await resolve(component.urn);
  await Promise.all(seen.map((s) => resolve(s.resource.urn)));
  return { component, seen };
}

function args(overrides: Partial<HubSpotRegistrationArgs> = {}): HubSpotRegistrationArgs {
  return {
    mode: "api",
    appId: "424242",
    webhookUrl: pulumi.output(LISTENER_URL),
    readyzUrl: "https://hubspot-listener-abc123-ew.a.run.app/readyz",
    subscriptions: SIX_SUBSCRIPTIONS,
    maxConcurrentRequests: 10,
    retainOnDelete: false,
    apiVersion: "v3",
    credential: { kind: "developerApiKey", value: pulumi.secret(DEVELOPER_API_KEY) },
    ...overrides,
  };
}

describe("HubSpotRegistration component (mocks)", () => {
  beforeEach(() => mocks.reset());

  describe("api mode", () => {
    it("declares one settings resource and one subscription per event type and property, typed and named per convention", async () => {
      const { seen } = await build("reg", args());
      assert.deepEqual(
        mocks.ofType(SETTINGS).map((r) => r.name),
        ["reg-settings"],
      );
      assert.deepEqual(
        mocks
          .ofType(SUBSCRIPTION)
          .map((r) => r.name)
          .sort(),
        [
          "reg-contact-creation",
          "reg-contact-deletion",
          "reg-contact-propertyChange-email",
          "reg-deal-creation",
          "reg-deal-deletion",
          "reg-deal-propertyChange-dealstage",
        ],
      );
      const component = mocks.resources.find((r) => r.type === "hubspot-trigger:hubspot:HubSpotRegistration");
      assert.ok(component, "the component registers with its type token");
      for (const child of seen.filter((s) => s.name !== "reg"))
        assert.ok(child.opts.parent, `${child.name} has a parent`);
    });

    it("declares the opt-in company subscriptions a company trigger lists, named like the others", async () => {
      await build(
        "reg",
        args({
          subscriptions: [
            { eventType: "deal.creation" },
            { eventType: "company.creation" },
            { eventType: "company.propertyChange", propertyName: "industry" },
            { eventType: "company.deletion" },
          ],
        }),
      );
      const declared = mocks
        .ofType(SUBSCRIPTION)
        .map((r) => [r.name, r.inputs.eventType, r.inputs.propertyName ?? null, r.inputs.active])
        .sort();
      assert.deepEqual(declared, [
        ["reg-company-creation", "company.creation", null, true],
        ["reg-company-deletion", "company.deletion", null, true],
        ["reg-company-propertyChange-industry", "company.propertyChange", "industry", true],
        ["reg-deal-creation", "deal.creation", null, true],
      ]);
    });

    it("passes the listener URL, throttling and app to the settings resource", async () => {
      await build("reg", args());
      const settings = mocks.ofType(SETTINGS)[0].inputs;
      assert.equal(settings.targetUrl, LISTENER_URL);
      assert.equal(settings.maxConcurrentRequests, 10);
      assert.equal(settings.appId, "424242");
      assert.equal(settings.readyzUrl, "https://hubspot-listener-abc123-ew.a.run.app/readyz");
      const email = mocks.ofType(SUBSCRIPTION).find((r) => r.name === "reg-contact-propertyChange-email")?.inputs;
      assert.deepEqual(
        [email?.eventType, email?.propertyName, email?.active],
        ["contact.propertyChange", "email", true],
      );
    });

    it("gives each subscription its own onRemove, defaulting to retainOnDelete (seed: Conserver / Supprimer)", async () => {
      const subscriptions = [
        { eventType: "deal.creation", onRemove: "keep" as const },
        { eventType: "deal.deletion", onRemove: "delete" as const },
        { eventType: "contact.creation" },
      ];
      await build("reg", args({ subscriptions, retainOnDelete: true }));
      const retain = (name: string) => mocks.ofType(SUBSCRIPTION).find((r) => r.name === name)?.inputs.retainOnDelete;
      assert.deepEqual(
        [retain("reg-deal-creation"), retain("reg-deal-deletion"), retain("reg-contact-creation")],
        [true, false, true],
      );
      assert.equal(mocks.ofType(SETTINGS)[0].inputs.retainOnDelete, true, "the app's settings follow the stack");
    });

    it("creates subscriptions after the settings (dependsOn)", async () => {
      const { seen } = await build("reg", args());
      const settings = seen.find((s) => s.type === SETTINGS)?.resource;
      for (const sub of seen.filter((s) => s.type === SUBSCRIPTION)) {
        assert.ok(
          ([] as unknown[]).concat(sub.opts.dependsOn ?? []).includes(settings),
          `${sub.name} depends on the settings`,
        );
      }
    });

    it("keeps the credential secret: secret input, additionalSecretOutputs, and never in the serialized provider", async () => {
      const { seen } = await build("reg", args());
      for (const child of seen.filter((s) => s.type === SETTINGS || s.type === SUBSCRIPTION)) {
        assert.ok(
          (child.opts as pulumi.CustomResourceOptions).additionalSecretOutputs?.includes("credential"),
          `${child.name} marks credential secret`,
        );
      }
      for (const resource of [...mocks.ofType(SETTINGS), ...mocks.ofType(SUBSCRIPTION)]) {
        const credential = resource.inputs.credential as { value?: unknown } | string;
        assert.equal(
          typeof credential,
          "object",
          `${resource.name}: the credential arrives as a secret, not a plain string`,
        );
        assert.equal((credential as { value?: unknown }).value, DEVELOPER_API_KEY);
        const provider = String(resource.inputs.__provider);
        assert.ok(provider.length > 1000, "the serialized provider is in the inputs");
        assert.ok(!provider.includes(DEVELOPER_API_KEY), `${resource.name}: __provider holds no credential`);
      }
    });

    it("wraps a plain credential as secret too", async () => {
      await build("reg", args({ credential: { kind: "oauthToken", value: "plain-token-123" } }));
      const credential = mocks.ofType(SETTINGS)[0].inputs.credential;
      assert.equal(typeof credential, "object");
      assert.equal(mocks.ofType(SETTINGS)[0].inputs.credentialKind, "oauthToken");
    });

    it("reads as Creating until the providers report (preview and mocks know no status)", async () => {
      const { component } = await build("reg", args());
      assert.equal(await resolve(component.status), "Creating");
      assert.equal(await resolve(component.hsmeta), undefined);
      assert.equal(await resolve(component.manualSteps), undefined);
    });

    it("maps each subscription key to its HubSpot id", async () => {
      const { component } = await build("reg", args());
      const ids = await resolve(component.subscriptionIds);
      assert.deepEqual(
        Object.keys(ids).sort(),
        SIX_SUBSCRIPTIONS.map((s) => (s.propertyName ? `${s.eventType}/${s.propertyName}` : s.eventType)).sort(),
      );
    });
  });

  describe("project mode", () => {
    it("renders the hsmeta document as an output and creates no HubSpot resource", async () => {
      const { component } = await build(
        "reg",
        args({ mode: "project", appId: undefined, credential: undefined, projectUid: "acme-webhooks" }),
      );
      const document = JSON.parse(String(await resolve(component.hsmeta)));
      assert.equal(document.uid, "acme-webhooks");
      assert.equal(document.type, "webhooks");
      assert.equal(document.config.settings.targetUrl, LISTENER_URL);
      assert.equal(document.config.subscriptions.legacyCrmObjects.length, 6);
      assert.equal(mocks.ofType(SETTINGS).length + mocks.ofType(SUBSCRIPTION).length, 0);
      assert.deepEqual(await resolve(component.subscriptionIds), {});
    });

    it("records the declared subscriptions with their onRemove in the removal ledger, the stack's memory of them", async () => {
      const subscriptions = [{ eventType: "deal.creation", onRemove: "keep" as const }, { eventType: "deal.deletion" }];
      await build("reg", args({ mode: "project", appId: undefined, credential: undefined, subscriptions }));
      const [ledger] = mocks.ofType("pulumi-nodejs:dynamic/hubspot:RemovalLedger");
      assert.deepEqual(ledger.inputs.subscriptions, [
        { key: "deal.creation", eventType: "deal.creation", onRemove: "keep" },
        { key: "deal.deletion", eventType: "deal.deletion", onRemove: "delete" },
      ]);
    });
  });

  describe("manual mode", () => {
    it("outputs the numbered steps with the exact URL and creates no HubSpot resource", async () => {
      const { component } = await build("reg", args({ mode: "manual", appId: undefined, credential: undefined }));
      const steps = (await resolve(component.manualSteps)) ?? [];
      assert.ok(steps.some((s) => s.includes(LISTENER_URL)));
      assert.equal(steps.filter((s) => s.includes("Create a subscription")).length, 6);
      assert.match(await resolve(component.statusMessage), /manual mode/);
      assert.equal(mocks.ofType(SETTINGS).length, 0);
    });
  });

  describe("argument checks", () => {
    const cases: [string, Partial<HubSpotRegistrationArgs>, string, RegExp][] = [
      [
        "api mode without an app id",
        { appId: undefined },
        "appId",
        /api mode manages a public app's webhooks by its id/,
      ],
      ["throttling below 5", { maxConcurrentRequests: 1 }, "maxConcurrentRequests", /integer >= 5/],
      ["no subscription", { subscriptions: [] }, "subscriptions", /is empty/],
      [
        "a duplicate subscription",
        { subscriptions: [{ eventType: "deal.creation" }, { eventType: "deal.creation" }] },
        "subscriptions[1]",
        /duplicates deal.creation/,
      ],
      [
        "more than 1000 subscriptions",
        {
          subscriptions: Array.from({ length: 1001 }, (_, i) => ({
            eventType: "contact.propertyChange",
            propertyName: `p${i}`,
          })),
        },
        "subscriptions",
        /declares 1001 subscriptions: HubSpot allows at most 1000 per app/,
      ],
      ["an unknown mode", { mode: "ui" as never }, "mode", /not one of api, project, manual/],
      [
        "a generic object.* type outside project mode",
        { subscriptions: [{ eventType: "object.creation", objectType: "deal" }] },
        "subscriptions[0].eventType",
        /only project mode declares it; use deal.creation in api mode/,
      ],
    ];
    for (const [title, overrides, property, reason] of cases) {
      it(`rejects ${title}, naming ${property}`, () => {
        const failure = checkRegistrationArgs(args(overrides)).find((f) => f.property === property);
        assert.ok(failure, JSON.stringify(checkRegistrationArgs(args(overrides))));
        assert.match(failure.reason, reason);
      });
    }

    it("throws from the constructor with the component name and every failure", () => {
      assert.throws(
        () => new HubSpotRegistration("bad", args({ appId: undefined, maxConcurrentRequests: 1 })),
        /HubSpotRegistration bad: appId: .*; maxConcurrentRequests: /,
      );
    });
  });
});
