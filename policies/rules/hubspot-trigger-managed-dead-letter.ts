import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { read, readString, UNKNOWN } from "../lib/values";

/**
 * Severity: high. Protects against silently lost events: without a dead-letter topic, the events Google's HubSpot
 * connector cannot deliver to their Pub/Sub destination are dropped, where the self-hosted listener keeps them in
 * the stack's dead-letter topic for `npm run redrive`. The connection's dead-letter configuration names a project
 * and a topic, both required.
 * https://cloud.google.com/integration-connectors/docs/reference/rest/v1/projects.locations.connections#EventingConfig
 */
export const managedDeadLetter: ResourceRule = {
  name: "hubspot-trigger-managed-dead-letter",
  description: "The eventing of Integration Connectors connections has a dead-letter topic.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Give the connection eventing `deadLetter: {projectId, topic}` naming the stack's dead-letter topic (the one " +
    `the stack creates, or ${configKey("deadLetter.existingTopic")}).`,
  url: "https://cloud.google.com/integration-connectors/docs/reference/rest/v1/projects.locations.connections#EventingConfig",
  validateResource: validateResourceOfTypes([TYPES.connectionEventing], (props, args, report) => {
    const deadLetter = read(props, "deadLetter");
    if (deadLetter === UNKNOWN) return;
    const fix = `name the stack's dead-letter topic (the one it creates, or ${configKey("deadLetter.existingTopic")})`;
    if (deadLetter === undefined) {
      report(
        `Connection eventing ${args.name} has no dead letter: events the connector cannot deliver are dropped; ${fix}.`,
      );
      return;
    }
    const missing = ["projectId", "topic"].filter((field) => {
      const value = readString(deadLetter, field);
      return value !== UNKNOWN && (value === undefined || value === "");
    });
    if (missing.length > 0) {
      report(`Connection eventing ${args.name} has a dead letter without ${missing.join(" and ")}; ${fix}.`);
    }
  }),
};
