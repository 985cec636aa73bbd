/**
 * The `documentation` of each alert policy: what it means and the first three things to check, in the notification
 * itself where the on-call engineer reads it at 3 a.m., with the runbook section of docs/operations.md that goes on
 * from there. Internal. Exported for testing: test/components/monitoring.spec.ts checks that every section named here
 * exists in docs/operations.md.
 */

/** Sections of docs/operations.md (GitHub's heading anchors). */
export const RUNBOOK = {
  deadLetter: "runbook-redrive-the-dead-letter",
  secretRotation: "runbook-rotate-the-hubspot-client-secret",
  listenerErrors: "runbook-the-listener-answers-5xx",
  lateEvents: "runbook-a-triggers-events-are-late-or-failing",
} as const;

export type RunbookSection = (typeof RUNBOOK)[keyof typeof RUNBOOK];

export interface AlertText {
  /** Notification subject (Cloud Monitoring caps it at 255 characters). */
  subject: string;
  /** Markdown. */
  content: string;
}

/** What every document needs to name the stack's resources; plain strings, resolved by the caller. */
export interface RunbookContext {
  /** `connectionName/environment`, as every subject starts. */
  stack: string;
  project: string;
  /** Absent with the managed backend: Google's connector receives the webhooks. */
  listenerService?: string;
  dispatcherService: string;
  deadLetterProject: string;
  deadLetterSubscription: string;
}

function document(parts: { what: string; checks: [string, string, string]; section: RunbookSection }): string {
  return [
    parts.what,
    "",
    "**First three things to check**",
    "",
    ...parts.checks.map((check, index) => `${index + 1}. ${check}`),
    "",
    `Runbook: \`docs/operations.md#${parts.section}\` in the hubspot-trigger repository (thresholds: \`docs/alerts.md\`).`,
  ].join("\n");
}

function logsOf(project: string, service: string): string {
  return `\`gcloud logging read 'resource.type="cloud_run_revision" AND resource.labels.service_name="${service}" AND severity>=WARNING' --project ${project} --freshness 1h\``;
}

export function deadLetterBacklogText(c: RunbookContext, threshold: number): AlertText {
  return {
    subject: `${c.stack}: events in the dead letter`,
    content: document({
      what:
        `The dead-letter subscription \`${c.deadLetterSubscription}\` (project \`${c.deadLetterProject}\`) holds more than ` +
        `${threshold} message(s): events that no integration ran. They are kept for \`deadLetter.retentionDays\`, then lost.`,
      checks: [
        "Count them by reason without moving anything: `npm run redrive -- --project " +
          `${c.deadLetterProject} --subscription ${c.deadLetterSubscription} --topic "$(pulumi stack output eventsTopic)" --dry-run\`.`,
        "`integration-*` reasons: the integration refused the event (its execution log in Application Integration says " +
          "why); no reason: it kept failing until `maxDeliveryAttempts` (see the execution-failure alert).",
        "`invalid-event`, `unsupported-event-type`, `pubsub-rejected`: the listener refused HubSpot's bytes; read them, " +
          "do not redrive them. Fix the cause, then redrive the rest.",
      ],
      section: RUNBOOK.deadLetter,
    }),
  };
}

export function messageAgeText(c: RunbookContext, trigger: string, subscription: string, seconds: number): AlertText {
  return {
    subject: `${c.stack}: trigger ${trigger} is falling behind`,
    content: document({
      what:
        `The push subscription \`${subscription}\` of trigger \`${trigger}\` holds a message older than ${seconds} s: ` +
        "the dispatcher is not getting its events executed (integration failing or slow, dispatcher down or throttled). " +
        "After `deadLetter.maxDeliveryAttempts` they move to the dead letter.",
      checks: [
        `The dispatcher's failures for this trigger: ${logsOf(c.project, c.dispatcherService)} (field \`trigger\`, ` +
          "`outcome`, `reason`, `httpStatus`).",
        "`throttled` or HTTP 429: the project's Application Integration concurrent-executions quota " +
          "(`integration.concurrentExecutions`); `transient` 5xx or timeouts: the integration's own execution log.",
        `The dispatcher service \`${c.dispatcherService}\` is serving (Cloud Run revisions, instance count) and the ` +
          "push account may still invoke it.",
      ],
      section: RUNBOOK.lateEvents,
    }),
  };
}

/** The context of the listener's own alerts. */
export type ListenerRunbookContext = RunbookContext & { listenerService: string };

export function listenerErrorsText(c: ListenerRunbookContext, percent: number, windowSeconds: number): AlertText {
  return {
    subject: `${c.stack}: HubSpot deliveries failing (listener 5xx)`,
    content: document({
      what:
        `More than ${percent}% of the requests to the listener \`${c.listenerService}\` over ${windowSeconds} s were ` +
        "answered 5xx. HubSpot retries each batch for about 24 hours, then drops it: nothing is lost yet.",
      checks: [
        `The listener's ERROR lines: ${logsOf(c.project, c.listenerService)} (\`publish failed\` names the Pub/Sub error).`,
        "The events topic exists and the listener account still holds Pub/Sub Publisher on it (a `PERMISSION_DENIED` or " +
          "`NOT_FOUND` publish error); Pub/Sub's status page for the region.",
        "The latest revision started (Cloud Run revisions: exit code 78 means a bad environment, logged with every " +
          "problem) and is not at `scaling.maxInstances`.",
      ],
      section: RUNBOOK.listenerErrors,
    }),
  };
}

export function signatureRejectionText(c: ListenerRunbookContext, percent: number, windowSeconds: number): AlertText {
  return {
    subject: `${c.stack}: webhook signatures failing`,
    content: document({
      what:
        `More than ${percent}% of the requests to the listener \`${c.listenerService}\` over ${windowSeconds} s failed ` +
        "the HubSpot signature check and were refused with 401: usually a wrong or rotated client secret, sometimes " +
        "someone probing the public URL. HubSpot retries the refused deliveries for about 24 hours.",
      checks: [
        `The rejections' \`reason\`: ${logsOf(c.project, c.listenerService)}; \`signature-mismatch\` on every request ` +
          "means the secret, `timestamp-too-old` a clock or a replay, a mix of reasons from unknown clients a probe.",
        "Was the app's client secret rotated in HubSpot? Then store it (`clientSecret`, the old one as " +
          "`previousClientSecret`) and `pulumi up`.",
        "The URL HubSpot calls equals the listener's `PUBLIC_URL` (`pulumi stack output webhookUrl`): a proxy or " +
          "another host name changes the signed URI (`signedUri` in the log line).",
      ],
      section: RUNBOOK.secretRotation,
    }),
  };
}

export function executionFailureText(c: RunbookContext, percent: number, windowSeconds: number): AlertText {
  return {
    subject: `${c.stack}: integration executions failing`,
    content: document({
      what:
        `More than ${percent}% of the integration executions of the dispatcher \`${c.dispatcherService}\` over ` +
        `${windowSeconds} s failed. Pub/Sub redelivers the transient ones; refused ones go to the dead letter.`,
      checks: [
        `Which trigger and why: ${logsOf(c.project, c.dispatcherService)} (\`trigger\`, \`reason\`, \`httpStatus\`, \`detail\`).`,
        "401/403: the trigger account lost `roles/integrations.integrationInvoker`; 404: the integration or its trigger " +
          "id is not published in that location; 429: the concurrent-executions quota.",
        "5xx or `execution-timeout`: the integration's own execution log in Application Integration (its tasks and the " +
          "systems they call).",
      ],
      section: RUNBOOK.lateEvents,
    }),
  };
}
