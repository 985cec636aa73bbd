// Test helpers for the listener: an in-memory sink that can be told to fail, a listener on a free port, and
// signed requests made the way HubSpot makes them.
import type { ConnectorEventPayload } from "../../../runtime/shared/connector-event-payload";
import { captureLogs, type LogEntry } from "../../../runtime/shared/log";
import { signV3 } from "../../../runtime/listener/signature/sign";
import {
  eventMessage,
  type DeadLetter,
  type EventSink,
  type PublishOutcome,
  type ReadyState,
} from "../../../runtime/listener/sinks/sink";
import { startListener, type RunningListener } from "../../../runtime/listener";

export const SECRET = "4f1c2b9e-6d3a-4b8f-9a71-1c2d3e4f5a6b";
export const PREVIOUS_SECRET = "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d";
export const PUBLIC_URL = "https://hubspot-listener-abc123-ew.a.run.app/webhooks/hubspot";

export class RecordingSink implements EventSink {
  readonly kind = "noop";
  readonly published: ConnectorEventPayload[] = [];
  readonly deadLetters: DeadLetter[] = [];
  failing = false;
  failingDeadLetters = false;
  closed = false;

  /** A test's stand-in for Pub/Sub refusing one message: return a detail to refuse `payload` permanently. */
  refuse: (payload: ConnectorEventPayload) => string | undefined = () => undefined;

  /** Checks each message as the Pub/Sub sink does (sink.ts `eventMessage`), so limits apply here too. */
  async publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]> {
    return payloads.map((payload): PublishOutcome => {
      if (this.failing) return { status: "failed", error: new Error("publish failed (test)") };
      const built = eventMessage(payload, false);
      if (!built.ok) return built.outcome;
      const refused = this.refuse(payload);
      if (refused !== undefined) return { status: "rejected", reason: "pubsub-rejected", detail: refused };
      this.published.push(payload);
      return { status: "published" };
    });
  }
  async deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    if (this.failing || this.failingDeadLetters) throw new Error("dead letter failed (test)");
    this.deadLetters.push(...letters);
  }
  async ready(): Promise<ReadyState> {
    return { ready: !this.failing, detail: this.failing ? "failing" : "recording" };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface TestListener {
  listener: RunningListener;
  url: string;
  logs: LogEntry[];
}

export async function startTestListener(
  env: Record<string, string>,
  sink: EventSink,
  now?: () => number,
): Promise<TestListener> {
  const { logger, entries } = captureLogs("DEBUG", "test-project");
  const listener = await startListener(
    { PORT: "0", HOST: "127.0.0.1", HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_URL, ...env },
    { logger, sink, now },
  );
  return { listener, url: `${listener.url}/webhooks/hubspot`, logs: entries };
}

/** POST a body signed with v3 for `signedUri` (the URL HubSpot called). */
export function postSigned(
  url: string,
  body: string,
  options: { secret?: string; signedUri?: string; timestamp?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  const timestamp = String(options.timestamp ?? Date.now());
  const signature = signV3({
    secret: options.secret ?? SECRET,
    method: "POST",
    uri: options.signedUri ?? PUBLIC_URL,
    body,
    timestamp,
  });
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hubspot-signature-v3": signature,
      "x-hubspot-request-timestamp": timestamp,
      ...options.headers,
    },
    body,
  });
}
