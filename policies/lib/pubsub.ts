/** Pub/Sub names and durations as the provider takes them. */
import type { PolicyResource } from "@pulumi/policy";
import { TYPES } from "./conventions";
import { readString } from "./values";

/** Seconds of a protobuf duration string ("604800s", "10.5s"); undefined when not of that form. */
export function durationSeconds(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** A topic or subscription named either by path (`projects/P/topics/T`) or by its short name. */
export interface PubSubRef {
  project?: string;
  name: string;
}

export function parseRef(value: string): PubSubRef {
  const match = /^projects\/([^/]+)\/(?:topics|subscriptions)\/([^/]+)$/.exec(value);
  return match ? { project: match[1], name: match[2] } : { name: value };
}

/** Same resource when the names match and, where both sides say it, the projects match. */
export function sameRef(a: PubSubRef, b: PubSubRef): boolean {
  return a.name === b.name && (a.project === undefined || b.project === undefined || a.project === b.project);
}

/** The ref of a topic or subscription resource of the stack, from its `id` (a path) or its `name` and `project`. */
export function refOf(resource: PolicyResource): PubSubRef | undefined {
  const id = readString(resource.props, "id");
  if (typeof id === "string" && id.startsWith("projects/")) return parseRef(id);
  const name = readString(resource.props, "name");
  if (typeof name !== "string") return undefined;
  const ref = parseRef(name);
  const project = readString(resource.props, "project");
  return typeof project === "string" && ref.project === undefined ? { ...ref, project } : ref;
}

export function subscriptions(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => r.type === TYPES.subscription);
}

/** The dead-letter topic of a subscription, when it has one and it is known. */
export function deadLetterTopicOf(subscription: PolicyResource): PubSubRef | undefined {
  const topic = readString(subscription.props, "deadLetterPolicy.deadLetterTopic");
  return typeof topic === "string" && topic !== "" ? parseRef(topic) : undefined;
}

/**
 * The dead-letter topic of an Integration Connectors connection's eventing (`deadLetter: {projectId, topic}`, the
 * topic by id), when it has one and it is known: events the connector cannot deliver go there.
 */
export function eventingDeadLetterOf(eventing: PolicyResource): PubSubRef | undefined {
  const topic = readString(eventing.props, "deadLetter.topic");
  if (typeof topic !== "string" || topic === "") return undefined;
  const ref = parseRef(topic);
  const project = readString(eventing.props, "deadLetter.projectId");
  return ref.project === undefined && typeof project === "string" && project !== "" ? { ...ref, project } : ref;
}

/**
 * Every dead-letter topic reference of the stack, with the resource making it: the subscriptions' dead-letter
 * policies and the dead letter of each connection's eventing (backend `managed`).
 */
export function deadLetterReferences(resources: PolicyResource[]): { ref: PubSubRef; urn: string }[] {
  return resources.flatMap((resource) => {
    const ref =
      resource.type === TYPES.subscription
        ? deadLetterTopicOf(resource)
        : resource.type === TYPES.connectionEventing
          ? eventingDeadLetterOf(resource)
          : undefined;
    return ref ? [{ ref, urn: resource.urn }] : [];
  });
}

/** `project/name` for messages (the full path would repeat `projects/.../topics/`). */
export function showRef(ref: PubSubRef): string {
  return ref.project ? `${ref.project}/${ref.name}` : ref.name;
}
