import { strict as assert } from "node:assert";
import fc from "fast-check";
import { EVENT_TYPES } from "../../infra/config-types";
import { SEED_EVENT_TYPES } from "../../contract/events";
import { eventTypeFilter, FILTER_MAX_BYTES, triggerFilter } from "../../components/event-filter";
import { checkUserLabels } from "../../components/labels";
import {
  deterministicRunUrl,
  environmentPart,
  labelValue,
  LIMITS,
  PATTERNS,
  resourceNames,
  shorten,
  versionedSubscriptionName,
  type ResourceNames,
} from "../../components/naming";
import { subscriptionKey } from "../../contract/subscription-key";

/** A trigger subscription's deployed name: its key plus the hash of a (longest-case) filter and ordering. */
function subscriptionOf(key: string): string {
  return versionedSubscriptionName(key, { filter: "x".repeat(FILTER_MAX_BYTES), messageOrdering: true });
}

// The config's rule for connection and trigger names (the seed's): [a-z][a-z0-9-]*[a-z0-9], <= 49, no "goog" prefix.
const validName = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
    fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"), maxLength: 46 }),
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
  )
  .map(([first, middle, last]) => `${first}${middle}${last}`)
  .filter((name) => !name.startsWith("goog"));
// Pulumi stack names: letters, digits, "-", "_", "." (up to 100); the environment defaults to it but may be anything.
const environment = fc.oneof(
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
    maxLength: 100,
  }),
  fc.constantFrom("dev", "prod", "Prod", "prod.eu", "_", "2024", "feature_ABC-123"),
);
const suffix = fc.stringMatching(/^[0-9a-f]{8}$/);
const triggerNames = fc.uniqueArray(validName, { minLength: 1, maxLength: 8 });

/** Every generated name with the rule it must follow. */
function everyName(names: ResourceNames): { kind: string; name: string }[] {
  return [
    ...Object.values(names.serviceAccounts).map((name) => ({ kind: "serviceAccount", name })),
    ...[names.eventsTopic, names.deadLetterTopic, names.deadLetterSubscription].map((name) => ({
      kind: "pubsub",
      name,
    })),
    ...Object.values(names.triggers).map((t) => ({ kind: "pubsub", name: subscriptionOf(t.subscriptionKey) })),
    ...Object.values(names.services).map((name) => ({ kind: "cloudRun", name })),
    ...Object.values(names.secrets).map((name) => ({ kind: "secret", name })),
    ...Object.values(names.psc).map((name) => ({ kind: "compute", name })),
  ];
}

function assertValid(kind: string, name: string): void {
  const fail = (rule: string) => assert.fail(`${kind} name "${name}" breaks: ${rule}`);
  if (name.startsWith("goog")) fail("starts with goog");
  switch (kind) {
    case "serviceAccount":
      if (name.length < 6 || name.length > 30 || !PATTERNS.serviceAccountId.test(name))
        fail("6-30 [a-z][-a-z0-9]*[a-z0-9]");
      break;
    case "pubsub":
      if (name.length < 3 || name.length > 255 || !/^[a-zA-Z]/.test(name)) fail("3-255, starts with a letter");
      break;
    case "cloudRun":
      if (name.length > 49 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) fail("<= 49 lowercase, no trailing hyphen");
      break;
    case "secret":
      if (name.length > 255 || !/^[a-zA-Z0-9_-]+$/.test(name)) fail("<= 255 of [a-zA-Z0-9_-]");
      break;
    case "compute":
      if (name.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) fail("RFC 1035, <= 63");
      break;
    default:
      fail("unknown kind");
  }
}

/** Names that share a GCP namespace within one project (one per kind; topics and subscriptions are distinct). */
function namespaces(names: ResourceNames): Record<string, string[]> {
  return {
    serviceAccount: Object.values(names.serviceAccounts),
    topic: [names.eventsTopic, names.deadLetterTopic],
    subscription: [
      names.deadLetterSubscription,
      ...Object.values(names.triggers).map((t) => subscriptionOf(t.subscriptionKey)),
    ],
    cloudRun: Object.values(names.services),
    secret: Object.values(names.secrets),
    compute: Object.values(names.psc),
  };
}

describe("naming", () => {
  it("derives valid names for any environment and any valid connection and trigger names", () => {
    fc.assert(
      fc.property(validName, environment, triggerNames, suffix, (connectionName, env, triggers, hex) => {
        const names = resourceNames({ connectionName, environment: env, triggerNames: triggers, suffix: hex });
        for (const { kind, name } of everyName(names)) assertValid(kind, name);
        assert.ok(names.environmentLabel.length <= 63 && PATTERNS.labelValue.test(names.environmentLabel));
        // The listener's deterministic URL host label fits DNS's 63 characters with a 12-digit project number.
        const host = new URL(deterministicRunUrl(names.services.listener, "123456789012", "europe-west1")).hostname;
        assert.ok(host.split(".")[0].length <= 63, host);
      }),
      { numRuns: 500 },
    );
  });

  it("gives every resource of a kind its own name within a stack, whatever the trigger names", () => {
    fc.assert(
      fc.property(validName, environment, triggerNames, suffix, (connectionName, env, triggers, hex) => {
        const names = resourceNames({ connectionName, environment: env, triggerNames: triggers, suffix: hex });
        for (const [kind, list] of Object.entries(namespaces(names))) {
          assert.equal(new Set(list).size, list.length, `${kind} names collide: ${list.join(", ")}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never lets two stacks with different suffixes share a name, even with equal connection and environment", () => {
    fc.assert(
      fc.property(
        fc.tuple(validName, environment, triggerNames, suffix),
        fc.tuple(validName, environment, triggerNames, suffix),
        fc.boolean(),
        ([connA, envA, trigA, hexA], [connB, envB, trigB, hexB], sameStem) => {
          fc.pre(hexA !== hexB);
          const a = resourceNames({ connectionName: connA, environment: envA, triggerNames: trigA, suffix: hexA });
          const b = resourceNames({
            connectionName: sameStem ? connA : connB,
            environment: sameStem ? envA : envB,
            triggerNames: sameStem ? trigA : trigB,
            suffix: hexB,
          });
          const nsA = namespaces(a);
          const nsB = namespaces(b);
          for (const kind of Object.keys(nsA)) {
            const shared = nsA[kind].filter((name) => nsB[kind].includes(name));
            assert.deepEqual(shared, [], `${kind} names shared across stacks`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is stable: the same inputs always give the same names", () => {
    const inputs = { connectionName: "hubspot", environment: "prod", triggerNames: ["deals"], suffix: "0a1b2c3d" };
    assert.deepEqual(resourceNames(inputs), resourceNames({ ...inputs }));
    assert.equal(resourceNames(inputs).eventsTopic, "hubspot-prod-events-0a1b2c3d");
    // The key is the name subscriptions had before names carried a settings hash: filters stay byte-identical.
    assert.equal(resourceNames(inputs).triggers.deals.subscriptionKey, "hubspot-prod-trigger-deals-0a1b2c3d");
    assert.equal(resourceNames(inputs).serviceAccounts.listener, "hubspot-listen-0a1b2c3d");
  });

  it("shortens long names with a hash of the whole name, keeping distinct inputs distinct", () => {
    const long = "a".repeat(60);
    const one = shorten(`${long}-one`, 40);
    const two = shorten(`${long}-two`, 40);
    assert.equal(one.length, 40);
    assert.notEqual(one, two);
    assert.equal(shorten("short", 40), "short");
    const names = resourceNames({
      connectionName: "c".repeat(49),
      environment: "e".repeat(30),
      triggerNames: ["t"],
      suffix: "00000000",
    });
    assert.ok(names.services.listener.length <= LIMITS.cloudRunService.max);
    assert.notEqual(names.services.listener, names.services.dispatcher);
  });

  it("turns any environment into a lowercase word and keeps case variants apart", () => {
    assert.equal(environmentPart("dev"), "dev");
    assert.match(environmentPart("Dev"), /^dev-[0-9a-f]{7}$/);
    assert.notEqual(environmentPart("Dev"), environmentPart("dev"));
    assert.match(environmentPart("2024"), /^e2024-[0-9a-f]{7}$/);
    assert.match(environmentPart("_"), /^env-[0-9a-f]{7}$/);
    assert.equal(labelValue("prod"), "prod");
    assert.match(labelValue("Prod.EU"), /^prod-eu-[0-9a-f]{7}$/);
  });

  it("rejects a suffix that is not a RandomId hex, naming the rule", () => {
    assert.throws(
      () => resourceNames({ connectionName: "hubspot", environment: "dev", triggerNames: [], suffix: "XYZ" }),
      /name suffix "XYZ" must be 8 lowercase hex digits/,
    );
  });
});

describe("event type filter", () => {
  it("ORs the trigger's types and collapses a whole object type into hasPrefix", () => {
    assert.equal(
      eventTypeFilter(["deal.creation", "contact.deletion"]),
      'attributes.eventType = "deal.creation" OR attributes.eventType = "contact.deletion"',
    );
    assert.equal(
      eventTypeFilter(["deal.creation", "deal.propertyChange", "deal.deletion", "contact.creation"]),
      'hasPrefix(attributes.eventType, "deal.") OR attributes.eventType = "contact.creation"',
    );
  });

  it("stays within Pub/Sub's 256-byte filter limit for every subset of the nine event types", () => {
    fc.assert(
      fc.property(fc.subarray([...EVENT_TYPES], { minLength: 1 }), (types) => {
        assert.ok(Buffer.byteLength(eventTypeFilter(types)) <= FILTER_MAX_BYTES);
      }),
    );
    // Without the hasPrefix collapse, all six would not fit: the limit is real for this input.
    const naive = SEED_EVENT_TYPES.map((t) => `attributes.eventType = "${t}"`).join(" OR ");
    assert.ok(Buffer.byteLength(naive) > FILTER_MAX_BYTES);
  });

  it("widens the object type with the longest clauses to hasPrefix when two types of each of three do not fit", () => {
    const types = [
      "deal.creation",
      "deal.propertyChange",
      "contact.creation",
      "contact.deletion",
      "company.creation",
      "company.propertyChange",
    ];
    const exact = types.map((t) => `attributes.eventType = "${t}"`).join(" OR ");
    assert.ok(Buffer.byteLength(exact) > FILTER_MAX_BYTES, "the exact filter no longer fits: widening is needed");
    // company's two clauses are the longest (propertyChange is the longest verb); deal and contact stay exact.
    assert.equal(
      eventTypeFilter(types),
      'attributes.eventType = "deal.creation" OR attributes.eventType = "deal.propertyChange" OR ' +
        'attributes.eventType = "contact.creation" OR attributes.eventType = "contact.deletion" OR ' +
        'hasPrefix(attributes.eventType, "company.")',
    );
  });

  it("matches every listed type and no object type that is not listed, for every subset of the nine", () => {
    const subscriptionName = "hubspot-prod-deal-pipeline-1a2b3c4d";
    fc.assert(
      fc.property(fc.subarray([...EVENT_TYPES], { minLength: 1 }), (types) => {
        const filter = triggerFilter({ eventTypes: types, subscriptionName });
        assert.ok(Buffer.byteLength(filter) <= FILTER_MAX_BYTES);
        const objects = new Set(types.map((t) => t.split(".")[0]));
        for (const type of types) {
          const whole = `hasPrefix(attributes.eventType, "${type.split(".")[0]}.")`;
          assert.ok(
            filter.includes(`attributes.eventType = "${type}"`) || filter.includes(whole),
            `${type} in ${filter}`,
          );
        }
        for (const type of EVENT_TYPES.filter((t) => !objects.has(t.split(".")[0]))) {
          assert.ok(!filter.includes(`"${type.split(".")[0]}.`), `${type} not in ${filter}`);
        }
      }),
    );
  });

  /** The filter of the seed's types as it was before the company types: exact clauses, a whole object as hasPrefix. */
  function seedRule(types: readonly string[]): string {
    const objects = [...new Set(types.map((t) => t.split(".")[0]))];
    return objects
      .flatMap((object) =>
        ["creation", "propertyChange", "deletion"].every((verb) => types.includes(`${object}.${verb}`))
          ? [`hasPrefix(attributes.eventType, "${object}.")`]
          : types.filter((t) => t.startsWith(`${object}.`)).map((t) => `attributes.eventType = "${t}"`),
      )
      .join(" OR ");
  }

  it("keeps the exact filter text of every subset of the seed's six (a changed filter replaces the subscription)", () => {
    fc.assert(
      fc.property(fc.subarray([...SEED_EVENT_TYPES], { minLength: 1 }), (types) => {
        assert.equal(eventTypeFilter(types), seedRule(types));
      }),
    );
  });

  it("refuses an empty list", () => {
    assert.throws(() => eventTypeFilter([]), /at least one event type/);
  });

  it("scopes propertyChange to the watched properties and redriven messages to the trigger's subscription", () => {
    assert.equal(
      triggerFilter({
        eventTypes: ["deal.propertyChange"],
        propertyNames: ["dealstage", "amount"],
        subscriptionName: "hs-dev-deal-stage",
      }),
      '((attributes.eventType = "deal.propertyChange" AND (attributes.propertyName = "dealstage" OR ' +
        'attributes.propertyName = "amount"))) AND (NOT attributes:redriveSubscription OR ' +
        'attributes.redriveSubscription = "hs-dev-deal-stage")',
    );
  });

  it("drops property scoping first, then redrive scoping, when the precise filter is over 256 bytes", () => {
    const many = ["dealstage", "amount", "closedate", "hubspot_owner_id", "pipeline", "dealname"];
    const filter = triggerFilter({ eventTypes: ["deal.propertyChange"], propertyNames: many, subscriptionName: "s" });
    assert.doesNotMatch(filter, /propertyName/);
    assert.match(filter, /redriveSubscription = "s"/);
    const longName = "x".repeat(200);
    const coarse = triggerFilter({ eventTypes: ["deal.creation", "contact.creation"], subscriptionName: longName });
    assert.equal(coarse, 'attributes.eventType = "deal.creation" OR attributes.eventType = "contact.creation"');
  });

  it("fits every subset of the nine types with a realistic subscription name, scoping redrives where it can", () => {
    const subscriptionName = "hubspot-prod-deal-pipeline-1a2b3c4d";
    fc.assert(
      fc.property(fc.subarray([...EVENT_TYPES], { minLength: 1 }), (types) => {
        const filter = triggerFilter({ eventTypes: types, subscriptionName });
        assert.ok(Buffer.byteLength(filter) <= FILTER_MAX_BYTES);
        const scoped = `(${eventTypeFilter(types)}) AND (NOT attributes:redriveSubscription OR attributes.redriveSubscription = "${subscriptionName}")`;
        assert.equal(filter, Buffer.byteLength(scoped) <= FILTER_MAX_BYTES ? scoped : eventTypeFilter(types));
      }),
    );
  });
});

describe("user labels", () => {
  it("names the bad key and the rule, all problems at once", () => {
    assert.throws(
      () => checkUserLabels({ Team: "x", "cost-center": "CC 1", env: "prod" }),
      (error: Error) =>
        /label key "Team" must be/.test(error.message) &&
        /label "cost-center" has value "CC 1"/.test(error.message) &&
        /label key "env" is reserved/.test(error.message),
    );
    assert.doesNotThrow(() => checkUserLabels({ team: "revops", "cost-center": "cc-4711" }));
  });
});

describe("versioned trigger subscription names", () => {
  const key = "hubspot-prod-trigger-deals-0a1b2c3d";
  const settings = { filter: 'attributes.eventType = "deal.creation"', messageOrdering: false };

  it("append a 7-hex hash of the filter and ordering to the key, and map back to the key", () => {
    const name = versionedSubscriptionName(key, settings);
    assert.match(name, /^hubspot-prod-trigger-deals-0a1b2c3d-[0-9a-f]{7}$/);
    assert.equal(subscriptionKey(name), key);
    assert.equal(subscriptionKey(`projects/p/subscriptions/${name}`), key);
    // A name from before the hash (ending with the 8-hex stack suffix) is its own key.
    assert.equal(subscriptionKey(key), key);
  });

  it("change with the filter or the ordering, and only with them", () => {
    const name = versionedSubscriptionName(key, settings);
    assert.equal(versionedSubscriptionName(key, { ...settings }), name);
    assert.notEqual(versionedSubscriptionName(key, { ...settings, messageOrdering: true }), name);
    assert.notEqual(versionedSubscriptionName(key, { ...settings, filter: `${settings.filter} ` }), name);
  });

  it("keep Pub/Sub's rules for every valid stack (3-255 characters, letter first, no goog prefix)", () => {
    // https://cloud.google.com/pubsub/docs/create-subscription#resource_names
    fc.assert(
      fc.property(validName, environment, triggerNames, suffix, fc.boolean(), (conn, env, triggers, hex, ordering) => {
        for (const t of Object.values(
          resourceNames({ connectionName: conn, environment: env, triggerNames: triggers, suffix: hex }).triggers,
        )) {
          const name = versionedSubscriptionName(t.subscriptionKey, { filter: "f", messageOrdering: ordering });
          assert.ok(name.length >= 3 && name.length <= LIMITS.pubsub.max, name);
          assert.match(name, PATTERNS.pubsub);
          assert.ok(!name.startsWith("goog"));
          assert.equal(subscriptionKey(name), t.subscriptionKey);
        }
      }),
    );
  });
});
