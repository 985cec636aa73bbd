import { configKey, TYPES } from "../lib/conventions";
import { type ResourceRule, validateResourceOfTypes } from "../lib/rule";
import { read, readNumber, readString, UNKNOWN } from "../lib/values";

/**
 * Severity: high. Protects against poison events retried forever: without a dead-letter policy a push subscription
 * redelivers an event the dispatcher cannot process until retention expires (7 days by default), then drops it
 * silently; with one, the event lands in the dead-letter topic after maxDeliveryAttempts (Pub/Sub accepts 5..100).
 * https://cloud.google.com/pubsub/docs/handling-failures#dead_letter_topic
 */
export const pushDeadLetterPolicy: ResourceRule = {
  name: "hubspot-trigger-pubsub-push-dead-letter-policy",
  description: "Every push subscription has a dead-letter topic and 5 to 100 delivery attempts.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set `deadLetterPolicy: { deadLetterTopic: <dead-letter topic id>, maxDeliveryAttempts: 5..100 }` on the " +
    "subscription (`hubspot-trigger:deadLetter.maxDeliveryAttempts`, default 10).",
  url: "https://cloud.google.com/pubsub/docs/handling-failures#dead_letter_topic",
  validateResource: validateResourceOfTypes([TYPES.subscription], (props, _args, report) => {
    const push = read(props, "pushConfig");
    if (push === undefined || push === UNKNOWN) return;
    const topic = readString(props, "deadLetterPolicy.deadLetterTopic");
    if (topic === undefined || topic === "") {
      report(
        `Push subscription has no dead-letter topic (deadLetterPolicy.deadLetterTopic): check ${configKey("deadLetter")}.`,
      );
      return;
    }
    // Unset means Pub/Sub's default of 5, which is within bounds.
    const attempts = readNumber(props, "deadLetterPolicy.maxDeliveryAttempts");
    if (typeof attempts === "number" && (attempts < 5 || attempts > 100 || !Number.isInteger(attempts))) {
      report(
        `deadLetterPolicy.maxDeliveryAttempts is ${attempts}; Pub/Sub accepts an integer from 5 to 100: set ${configKey("deadLetter.maxDeliveryAttempts")}.`,
      );
    }
  }),
};
