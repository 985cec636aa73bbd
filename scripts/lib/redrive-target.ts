/**
 * Which dead letter `npm run redrive` reads and which topic it republishes to: the explicit flags when given, else
 * the stack's outputs (`--stack S`), else (for the project only) GOOGLE_CLOUD_PROJECT. Each value says where it came
 * from, so the operator sees what they are about to touch.
 */
import type { StackOutputs } from "./stack-outputs";

export interface RedriveFlags {
  project?: string;
  subscription?: string;
  topic?: string;
}

export type TargetSource = "flag" | "stack" | "environment" | "missing";

export interface RedriveTarget {
  project: string;
  subscription: string;
  topic: string;
  sources: { project: TargetSource; subscription: TargetSource; topic: TargetSource };
}

/** The project of a full resource name `projects/P/...`. */
function projectOf(name: string): string | undefined {
  return /^projects\/([^/]+)\//.exec(name)?.[1];
}

function pick(flag: string | undefined, ...fallbacks: [TargetSource, string | undefined][]): [string, TargetSource] {
  if (flag) return [flag, "flag"];
  for (const [source, value] of fallbacks) if (value) return [value, source];
  return ["", "missing"];
}

export function resolveRedriveTarget(
  flags: RedriveFlags,
  outputs: Pick<StackOutputs, "eventsTopic" | "deadLetterSubscription"> | undefined,
  env: NodeJS.ProcessEnv = process.env,
): RedriveTarget {
  const [subscription, subscriptionSource] = pick(flags.subscription, ["stack", outputs?.deadLetterSubscription]);
  const [topic, topicSource] = pick(flags.topic, ["stack", outputs?.eventsTopic]);
  // The project the client bills and resolves short names in: the events topic's, where the republish goes.
  const [project, projectSource] = pick(
    flags.project,
    ["stack", outputs ? projectOf(outputs.eventsTopic) : undefined],
    ["environment", env.GOOGLE_CLOUD_PROJECT],
  );
  return {
    project,
    subscription,
    topic,
    sources: { project: projectSource, subscription: subscriptionSource, topic: topicSource },
  };
}
