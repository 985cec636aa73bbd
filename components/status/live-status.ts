import * as pulumi from "@pulumi/pulumi";
import {
  evaluateTriggers,
  overallStatus,
  type TriggerDeclaration,
  type TriggerState,
} from "../../contract/status-evaluation";
import { openStatusStore, readStatusSignals } from "./read-signals";

/*
 * The live Creating / Active / Error as a resource, so `pulumi refresh` can update it: the engine calls a dynamic
 * provider's `read` on refresh and stores what it returns as the resource's state
 * (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/), and `read` here evaluates the status store
 * exactly as `npm run status` does. A refresh does not run the program, so stack outputs computed from this state
 * change at the next `pulumi up` (`pulumi up --refresh` does both at once); docs/status.md says what an operator
 * sees where. The provider captures no credential: the Firestore client uses the credentials of wherever Pulumi runs.
 */

/** How long a read of the status store may take before it is reported unreadable. */
const READ_TIMEOUT_MS = 20_000;

export interface LiveStatusInputs {
  projectId: string;
  databaseId: string;
  triggers: TriggerDeclaration[];
}

export interface LiveStatusState extends LiveStatusInputs {
  status: TriggerState;
  statusMessage: string;
  /** Per trigger: its state and why, at `checkedAt`. */
  triggerStates: { name: string; state: TriggerState; reason: string }[];
  /** When the store was read (ISO 8601). */
  checkedAt: string;
}

/** Internal. Exported for testing: the status of `inputs` read now, never a throw (an unreadable store is said). */
export async function evaluateLiveStatus(inputs: LiveStatusInputs, nowMs = Date.now()): Promise<LiveStatusState> {
  const base = {
    projectId: inputs.projectId,
    databaseId: inputs.databaseId,
    triggers: inputs.triggers,
    checkedAt: new Date(nowMs).toISOString(),
  };
  const store = openStatusStore({ projectId: inputs.projectId, databaseId: inputs.databaseId });
  let timer: NodeJS.Timeout | undefined;
  try {
    // The client retries an unreachable Firestore for minutes; a deploy or refresh should not wait that long.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
    });
    const signals = await Promise.race([readStatusSignals(store, nowMs), timeout]);
    const statuses = evaluateTriggers(inputs.triggers, signals);
    const overall = overallStatus(statuses);
    return {
      ...base,
      ...overall,
      triggerStates: statuses.map((s) => ({ name: s.name, state: s.state, reason: s.reasons.join("; ") })),
    };
  } catch (error) {
    // No credentials or no datastore.viewer where Pulumi runs, or the database is still being created: say so.
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return {
      ...base,
      status: "Creating",
      statusMessage: `the status store ${inputs.databaseId} is not readable from here (${reason}); npm run status reads it with your credentials`,
      triggerStates: [],
    };
  } finally {
    clearTimeout(timer);
    await store.terminate().catch(() => undefined);
  }
}

function sameInputs(olds: LiveStatusInputs, news: LiveStatusInputs): boolean {
  return (
    olds.projectId === news.projectId &&
    olds.databaseId === news.databaseId &&
    JSON.stringify(olds.triggers) === JSON.stringify(news.triggers)
  );
}

/** Internal. Exported for testing. */
export const liveStatusProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: LiveStatusInputs) {
    return { id: `${inputs.projectId}/${inputs.databaseId}`, outs: await evaluateLiveStatus(inputs) };
  },
  async read(id: string, props: LiveStatusState) {
    return { id, props: await evaluateLiveStatus(props) };
  },
  async diff(_id: string, olds: LiveStatusState, news: LiveStatusInputs) {
    // Only the declaration is compared: a status that moved is what refresh records, not a change to make.
    return { changes: !sameInputs(olds, news), replaces: [], deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: LiveStatusState, news: LiveStatusInputs) {
    return { outs: await evaluateLiveStatus(news) };
  },
  async delete() {
    // Nothing outside the state: the documents belong to the status database.
  },
};

/** `pulumi-nodejs:dynamic/hubspot-trigger:LiveStatus`: the status store's verdict, re-read by `pulumi refresh`. */
export class LiveStatus extends pulumi.dynamic.Resource {
  declare readonly status: pulumi.Output<TriggerState | undefined>;
  declare readonly statusMessage: pulumi.Output<string | undefined>;
  declare readonly triggerStates: pulumi.Output<LiveStatusState["triggerStates"] | undefined>;
  declare readonly checkedAt: pulumi.Output<string | undefined>;

  constructor(
    name: string,
    args: {
      projectId: pulumi.Input<string>;
      databaseId: pulumi.Input<string>;
      triggers: pulumi.Input<TriggerDeclaration[]>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      liveStatusProvider,
      name,
      { ...args, status: undefined, statusMessage: undefined, triggerStates: undefined, checkedAt: undefined },
      opts,
      "hubspot-trigger",
      "LiveStatus",
    );
  }
}
