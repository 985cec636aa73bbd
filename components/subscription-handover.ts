import * as pulumi from "@pulumi/pulumi";
import type { PubSub } from "@google-cloud/pubsub";

/**
 * Moves a trigger subscription's unacknowledged backlog onto its replacement when a replace-forcing setting changed.
 *
 * The subscription's name carries a hash of its filter and ordering (components/naming.ts), so such an edit is a
 * create-before-delete replacement: Pulumi creates the new subscription, then updates its dependents (this
 * resource), and deletes the old one only after every create and update of the deployment has finished
 * (pulumi/pulumi pkg/resource/deploy/deployment_executor.go `Execute`: deletes run once the program's events are
 * exhausted; a failed step ends the deployment before them). In between, `update` here:
 *   1. snapshots the OLD subscription (projects.snapshots.create: its unacknowledged messages, plus every message
 *      published to the topic afterwards: https://cloud.google.com/pubsub/docs/replay-overview);
 *   2. seeks the NEW subscription to that snapshot (subscriptions.seek: same topic required);
 *   3. deletes the snapshot (snapshots count against a per-project quota and expire after at most 7 days).
 * The new subscription then holds everything the old one still owed plus everything published since; messages both
 * had are delivered twice, which at-least-once delivery allows. If any step fails the update fails, the deployment
 * stops, and the old subscription is not deleted in this run (see docs/trigger-edits.md for what to do).
 *
 * Credentials come from the environment when a method runs (Application Default Credentials; PUBSUB_EMULATOR_HOST
 * for the emulator), never from the program: the provider is serialized into the state.
 */

export interface SubscriptionHandoverInputs {
  /** Full path `projects/P/subscriptions/S` of the trigger's current subscription. */
  subscription: string;
  /**
   * Full path of the name the subscription had before names carried a settings hash. On create, a backlog still in
   * that subscription is handed over once (stacks deployed before the hash); a missing one is ignored.
   */
  legacySubscription?: string;
}

export interface SubscriptionHandoverOutputs extends SubscriptionHandoverInputs {
  /** Path of the subscription whose backlog the last create/update moved here; "" when nothing was moved. */
  handedOverFrom: string;
  /** Why nothing was moved, when nothing was ("" otherwise). */
  skipped: string;
}

interface HandoverResult {
  handedOverFrom: string;
  skipped: string;
}

const SUBSCRIPTION_PATH = /^projects\/([a-z][-a-z0-9.:]*[a-z0-9])\/subscriptions\/([A-Za-z][-A-Za-z0-9_.~+%]{2,254})$/;

// gRPC codes worth another attempt: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE.
const TRANSIENT_CODES = [4, 8, 10, 13, 14];
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 500;

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** Runs `call`, again after a growing pause while it fails with a transient gRPC code. */
async function withRetries<T>(what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const code = grpcCode(error);
      if (attempt >= MAX_ATTEMPTS || code === undefined || !TRANSIENT_CODES.includes(code)) {
        throw new Error(`${what} failed after ${attempt} attempt(s): ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
}

function projectOf(path: string): string {
  const match = SUBSCRIPTION_PATH.exec(path);
  if (!match) throw new Error(`"${path}" is not a subscription path; the rule is projects/P/subscriptions/S`);
  return match[1];
}

/**
 * The snapshot of one handover: named after both subscriptions, so a retried handover finds the snapshot an
 * interrupted attempt left behind instead of leaking a second one into the quota.
 */
function snapshotPath(from: string, to: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bare require keeps the serialized provider portable
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const digest = createHash("sha256").update(`${from} ${to}`).digest("hex").slice(0, 32);
  return `projects/${projectOf(from)}/snapshots/handover-${digest}`;
}

/** Internal. Exported for testing: snapshot `from`, seek `to` to it, delete the snapshot. */
export async function handOver(from: string, to: string): Promise<HandoverResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bare require keeps the serialized provider portable
  const { PubSub: Client } = require("@google-cloud/pubsub") as typeof import("@google-cloud/pubsub");
  // Reads PUBSUB_EMULATOR_HOST and Application Default Credentials now, at call time.
  const pubsub: PubSub = new Client({ projectId: projectOf(to) });
  try {
    const source = pubsub.subscription(from);
    const target = pubsub.subscription(to);
    const topicOf = async (subscription: typeof source): Promise<string> => {
      try {
        const [metadata] = await subscription.getMetadata();
        return metadata.topic ?? "";
      } catch (error) {
        if (grpcCode(error) === NOT_FOUND) return "";
        throw error;
      }
    };
    const sourceTopic = await withRetries(`reading ${from}`, () => topicOf(source));
    if (!sourceTopic) return { handedOverFrom: "", skipped: `${from} does not exist: no backlog to hand over` };
    const targetTopic = await withRetries(`reading ${to}`, () => topicOf(target));
    if (!targetTopic) throw new Error(`${to} does not exist: the handover runs after Pulumi created it`);
    if (targetTopic !== sourceTopic) {
      // Seek needs a snapshot of the same topic. The topic only changes with the connection name or environment,
      // which rebuilds the whole trigger; docs/trigger-edits.md says to drain first.
      return { handedOverFrom: "", skipped: `${from} reads ${sourceTopic}, ${to} reads ${targetTopic}` };
    }
    const snapshot = snapshotPath(from, to);
    await withRetries(`snapshotting ${from}`, async () => {
      try {
        await source.createSnapshot(snapshot);
      } catch (error) {
        // Left by an interrupted attempt: older, so it holds at least what a new one would.
        if (grpcCode(error) !== ALREADY_EXISTS) throw error;
      }
    });
    await withRetries(`seeking ${to} to ${snapshot}`, () => target.seek(snapshot));
    await withRetries(`deleting ${snapshot}`, async () => {
      try {
        await pubsub.snapshot(snapshot).delete();
      } catch (error) {
        if (grpcCode(error) !== NOT_FOUND) throw error;
      }
    });
    return { handedOverFrom: from, skipped: "" };
  } finally {
    await pubsub.close();
  }
}

function declared(inputs: SubscriptionHandoverInputs): SubscriptionHandoverInputs {
  // Only the declared fields: drops `__provider` and the previous outputs.
  const { subscription, legacySubscription } = inputs;
  return legacySubscription === undefined ? { subscription } : { subscription, legacySubscription };
}

/** Internal. Exported for testing (the emulator spec drives these methods directly). */
export const subscriptionHandoverProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: SubscriptionHandoverInputs, news: SubscriptionHandoverInputs) {
    const inputs = declared(news);
    const failures = (["subscription", "legacySubscription"] as const)
      .filter((key) => inputs[key] !== undefined && !SUBSCRIPTION_PATH.test(String(inputs[key])))
      .map((property) => ({ property, reason: "must be projects/PROJECT/subscriptions/NAME" }));
    return { inputs, failures };
  },

  async diff(_id: string, olds: SubscriptionHandoverOutputs, news: SubscriptionHandoverInputs) {
    // Never a replacement: the handover happens in `update`, between the new subscription's creation and the old
    // one's deletion.
    const changes = olds.subscription !== news.subscription || olds.legacySubscription !== news.legacySubscription;
    return { changes, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs: SubscriptionHandoverInputs) {
    const props = declared(inputs);
    const legacy = props.legacySubscription;
    const result =
      legacy && legacy !== props.subscription
        ? await handOver(legacy, props.subscription)
        : { handedOverFrom: "", skipped: "no previous subscription" };
    const outs: SubscriptionHandoverOutputs = { ...props, ...result };
    return { id: `handover:${props.subscription}`, outs };
  },

  async update(_id: string, olds: SubscriptionHandoverOutputs, news: SubscriptionHandoverInputs) {
    const props = declared(news);
    const result =
      olds.subscription !== props.subscription
        ? await handOver(olds.subscription, props.subscription)
        : { handedOverFrom: olds.handedOverFrom, skipped: olds.skipped };
    const outs: SubscriptionHandoverOutputs = { ...props, ...result };
    return { outs };
  },

  async delete() {
    // Nothing of its own outlives a handover (the snapshot is deleted at once); Pulumi deletes the subscriptions.
  },
};

export interface SubscriptionHandoverArgs {
  subscription: pulumi.Input<string>;
  legacySubscription?: pulumi.Input<string>;
}

/** `pulumi-nodejs:dynamic/pubsub:SubscriptionHandover`: give it `dependsOn: [the subscription]`. */
export class SubscriptionHandover extends pulumi.dynamic.Resource {
  declare readonly subscription: pulumi.Output<string>;
  declare readonly legacySubscription: pulumi.Output<string | undefined>;
  declare readonly handedOverFrom: pulumi.Output<string>;
  declare readonly skipped: pulumi.Output<string>;

  constructor(name: string, args: SubscriptionHandoverArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      subscriptionHandoverProvider,
      name,
      { ...args, handedOverFrom: undefined, skipped: undefined },
      opts,
      "pubsub",
      "SubscriptionHandover",
    );
  }
}
