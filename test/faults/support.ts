// Shared pieces of the fault-injection tests (`npm run test:faults`): distinct signed HubSpot batches, a simulated
// HubSpot retrier, a continuous recorder of what reached a topic, and dedupKeys recomputed from first principles so
// a check never trusts the listener's own arithmetic.
import { request } from "node:http";
import type { Message, PubSub, Subscription } from "@google-cloud/pubsub";
import { dedupKey } from "../../runtime/listener/events/dedup-key";
import { batchJson, EVENT_TYPES, sampleEvents, type SampleEvent } from "../../testing/sample-events";
import type { ConnectorEventPayload } from "../../runtime/shared/connector-event-payload";
import { signV3 } from "../../runtime/listener/signature/sign";
import { emulatorForSuite, type EmulatorSuite } from "../../testing/pubsub-emulator";

export const SECRET = "faults-client-secret-5c1d7e0a";
export const PUBLIC_URL = "https://hubspot-listener-faults.a.run.app/webhooks/hubspot";
export const PROJECT = "faults-project";

export interface Batch {
  id: number;
  events: SampleEvent[];
  /** dedupKeys computed from the events as sent. */
  keys: string[];
}

/** The dedupKey of an event as HubSpot sent it (legacy `object.change` subscriptionType). */
export function sentDedupKey(event: SampleEvent): string {
  const [objectType] = event.subscriptionType.split(".");
  return dedupKey({
    portalId: event.portalId.toString(),
    objectType,
    objectId: event.objectId.toString(),
    eventType: event.subscriptionType,
    propertyName: event.propertyName,
    propertyValue: event.propertyValue,
    occurredAtMs: event.occurredAt,
  });
}

/** The dedupKey recomputed from a pulled payload's own fields; throws when the payload or attribute disagrees. */
export function pulledDedupKey(message: Message): string {
  const payload = JSON.parse(message.data.toString("utf8")) as ConnectorEventPayload;
  const key = dedupKey({
    portalId: payload.portalId,
    objectType: payload.objectType,
    objectId: payload.objectId,
    eventType: payload.eventType,
    propertyName: payload.propertyName,
    propertyValue: payload.propertyValue,
    occurredAtMs: payload.occurredAt.epochMillis,
  });
  if (key !== payload.dedupKey || key !== message.attributes.dedupKey) {
    throw new Error(
      `message ${message.id}: recomputed dedupKey ${key} differs from payload ${payload.dedupKey} / attribute ${message.attributes.dedupKey}`,
    );
  }
  return key;
}

/** `count` batches of `size` events, every event a distinct change (distinct occurredAt per batch and type). */
export function distinctBatches(count: number, size: number, startMs = Date.now() - 60_000): Batch[] {
  return Array.from({ length: count }, (_, id) => {
    const type = EVENT_TYPES[id % EVENT_TYPES.length];
    // 10 s apart: occurredAt = now - 1000 + index never overlaps between batches.
    const events = sampleEvents(type, size, { now: startMs - id * 10_000 });
    return { id, events, keys: events.map(sentDedupKey) };
  });
}

export interface SignedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** A delivery the way HubSpot makes it: this attempt's number in every event, a fresh v3 signature and timestamp. */
export function signedDelivery(events: readonly SampleEvent[], attemptNumber = 0, secret = SECRET): SignedRequest {
  const body = Buffer.from(batchJson(events.map((event) => ({ ...event, attemptNumber }))));
  const timestamp = String(Date.now());
  return {
    body,
    headers: {
      "content-type": "application/json",
      "content-length": String(body.length),
      "x-hubspot-request-timestamp": timestamp,
      "x-hubspot-signature-v3": signV3({ secret, method: "POST", uri: PUBLIC_URL, body, timestamp }),
    },
  };
}

export type DeliveryOutcome =
  | { kind: "answered"; status: number; retryAfter: string | undefined }
  /** No response at all: refused, or reset before a status line (the request was never accepted). */
  | { kind: "not-connected"; code: string }
  /** A status line arrived but the response broke off: the failure a graceful shutdown must never cause. */
  | { kind: "broken"; status: number; code: string }
  /** The server acknowledged the request (100 Continue), then the connection failed without an answer. */
  | { kind: "dropped"; code: string };

export interface DeliverOptions {
  timeoutMs?: number;
  /**
   * Send `Expect: 100-continue` and the body only after the server's 100 Continue: the event proving the server
   * accepted the connection and read the request, which a client cannot otherwise tell from a connection still in the
   * kernel's accept queue. Called when it arrives.
   */
  onContinue?: () => void;
}

/** One POST on its own connection (no keep-alive: every outcome belongs to exactly one request). */
export function deliver(
  port: number,
  signed: SignedRequest,
  options: DeliverOptions | number = {},
): Promise<DeliveryOutcome> {
  const { timeoutMs = 10_000, onContinue } = typeof options === "number" ? { timeoutMs: options } : options;
  let continued = false;
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/webhooks/hubspot",
        headers: { ...signed.headers, connection: "close", ...(onContinue ? { expect: "100-continue" } : {}) },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.on("error", (error: NodeJS.ErrnoException) =>
          resolve({ kind: "broken", status, code: error.code ?? error.message }),
        );
        res.on("aborted", () => resolve({ kind: "broken", status, code: "aborted" }));
        res.resume();
        res.on("end", () =>
          resolve({ kind: "answered", status, retryAfter: res.headers["retry-after"] as string | undefined }),
        );
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("client timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: continued ? "dropped" : "not-connected", code: error.code ?? "?" }),
    );
    if (!onContinue) {
      req.end(signed.body);
      return;
    }
    req.on("continue", () => {
      continued = true;
      onContinue();
      req.end(signed.body);
    });
  });
}

export const isAccepted = (outcome: DeliveryOutcome) =>
  outcome.kind === "answered" && outcome.status >= 200 && outcome.status < 300;

export interface RetrierOptions {
  port: number;
  batches: Batch[];
  /** Parallel deliveries (HubSpot: up to 10 per portal). */
  concurrency: number;
  maxAttempts: number;
  /** Backoff before attempt n (n >= 1) is min(cap, base * 2^(n-1)) ms. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Batches whose first 2xx HubSpot never sees (its 5 s timeout fired first): they are resent though published. */
  lostAnswers?: (batchId: number) => boolean;
}

export interface RetrierReport {
  /** Batch ids whose 2xx HubSpot saw (each at most once: such a batch is never resent). */
  accepted: Set<number>;
  /** Batch ids answered 2xx at least once, lost answers included: what the topic must hold. */
  acknowledged: Set<number>;
  /** Batch ids given up after maxAttempts. */
  abandoned: Set<number>;
  /** Every delivery's outcome, in completion order. */
  outcomes: Array<{ batch: number; attempt: number; outcome: DeliveryOutcome }>;
}

/**
 * HubSpot's retry behaviour, scaled down: every batch is resent until answered 2xx, with attemptNumber + 1 in each
 * event and a fresh signature, after an exponential backoff. Closing the gate holds every delivery not yet on the
 * wire (first attempts and retries) while a test changes the world underneath; `quiet()` waits for the wire to empty.
 */
export class HubSpotRetrier {
  readonly report: RetrierReport = { accepted: new Set(), acknowledged: new Set(), abandoned: new Set(), outcomes: [] };
  inFlight = 0;
  private gateOpen = true;
  private readonly lost = new Set<number>();
  private gateWaiters: Array<() => void> = [];

  constructor(private readonly options: RetrierOptions) {}

  closeGate(): void {
    this.gateOpen = false;
  }

  openGate(): void {
    this.gateOpen = true;
    for (const wake of this.gateWaiters.splice(0)) wake();
  }

  /** Resolves when the gate is closed and nothing is on the wire. */
  async quiet(timeoutMs = 15_000): Promise<void> {
    await waitFor(() => this.inFlight === 0, timeoutMs, "deliveries still in flight");
  }

  async run(paceMs: number): Promise<RetrierReport> {
    const queue = [...this.options.batches];
    const worker = async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        await this.deliverUntilAccepted(batch);
        await sleep(paceMs);
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
    return this.report;
  }

  private async deliverUntilAccepted(batch: Batch): Promise<void> {
    const { port, maxAttempts, backoffBaseMs, backoffCapMs } = this.options;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(backoffCapMs, backoffBaseMs * 2 ** (attempt - 1)));
      while (!this.gateOpen) await new Promise<void>((wake) => this.gateWaiters.push(wake));
      this.inFlight++;
      const outcome = await deliver(port, signedDelivery(batch.events, attempt)).finally(() => this.inFlight--);
      this.report.outcomes.push({ batch: batch.id, attempt, outcome });
      if (isAccepted(outcome)) {
        this.report.acknowledged.add(batch.id);
        if (this.options.lostAnswers?.(batch.id) && !this.lost.has(batch.id)) {
          this.lost.add(batch.id);
          continue;
        }
        this.report.accepted.add(batch.id);
        return;
      }
    }
    this.report.abandoned.add(batch.id);
  }
}

/**
 * Records every message of a subscription as it streams in (acked at once), keyed by recomputed dedupKey. Reopen it
 * on a new subscription after an emulator restart; what it recorded stays.
 */
export class TopicRecorder {
  /** dedupKey -> number of copies received. */
  readonly copies = new Map<string, number>();
  readonly problems: string[] = [];
  private subscription: Subscription | undefined;
  /** The first stream error of a subscription attached with `failOnError`. */
  private failure: Error | undefined;
  private readonly changed = new Set<() => void>();

  /**
   * `failOnError`: a stream error fails `waitForAll` (the emulator is meant to stay up). Without it errors are
   * ignored: the stream errors while the emulator is down, the client retries by itself, the restart test reattaches.
   */
  attach(subscription: Subscription, options: { failOnError?: boolean } = {}): void {
    this.subscription = subscription;
    subscription.on("message", (message: Message) => {
      message.ack();
      try {
        const key = pulledDedupKey(message);
        this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
      } catch (error) {
        this.problems.push((error as Error).message);
      }
      for (const check of this.changed) check();
    });
    subscription.on("error", (error: Error) => {
      if (!options.failOnError) return;
      this.failure ??= error;
      for (const check of this.changed) check();
    });
  }

  async detach(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (!subscription) return;
    subscription.removeAllListeners("message");
    await subscription.close().catch(() => {});
  }

  /** Keys with fewer copies than they appear in `keys` (a key listed twice needs two copies). */
  missing(keys: Iterable<string>): string[] {
    const required = new Map<string, number>();
    for (const key of keys) required.set(key, (required.get(key) ?? 0) + 1);
    return [...required].filter(([key, count]) => (this.copies.get(key) ?? 0) < count).map(([key]) => key);
  }

  /**
   * Resolves when every key has its copies, checked as each message arrives; rejects on a stream error (with
   * `failOnError`) or, when `timeoutMs` is given, once it passed. Without it the mocha timeout is the hang guard.
   */
  waitForAll(keys: string[], timeoutMs?: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const shortfall = () => {
        const missing = this.missing(keys);
        return `${missing.length} keys short of copies, e.g. ${missing.slice(0, 3).join(", ")}`;
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => finish(new Error(`recorder incomplete after ${timeoutMs} ms: ${shortfall()}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.changed.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (this.failure) finish(new Error(`subscription failed: ${this.failure.message}; ${shortfall()}`));
        else if (this.missing(keys).length === 0) finish();
      };
      this.changed.add(check);
      check();
    });
  }
}

/** Creates the events and dead-letter topics and a capture subscription on the events topic (again after a restart). */
export async function createTopics(admin: PubSub, events: string, dead: string, capture: string) {
  const [eventsTopic] = await admin.createTopic(events);
  await admin.createTopic(dead);
  const [subscription] = await eventsTopic.createSubscription(capture);
  return { eventsPath: eventsTopic.name, deadPath: `projects/${PROJECT}/topics/${dead}`, subscription };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(check: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${message} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Pub/Sub clients look for a GCE metadata server unless told there is none; here there never is. */
export function withoutMetadataServer(): () => void {
  const previous = process.env.METADATA_SERVER_DETECTION;
  process.env.METADATA_SERVER_DETECTION = "none";
  return () => {
    if (previous === undefined) delete process.env.METADATA_SERVER_DETECTION;
    else process.env.METADATA_SERVER_DETECTION = previous;
  };
}

/**
 * The faults' common frame: no metadata server (the client must not probe one) and one Pub/Sub emulator and client
 * for the suite, skipped with the reason printed where the emulator is missing (testing/pubsub-emulator.ts).
 */
export function faultSuite(): EmulatorSuite {
  let restoreMetadata: () => void = () => {};
  before(() => {
    restoreMetadata = withoutMetadataServer();
  });
  const suite = emulatorForSuite(PROJECT);
  after(() => restoreMetadata());
  return suite;
}

/** A listener's environment on 127.0.0.1, publishing to `eventsTopic` and `deadLetterTopic` on the suite's emulator. */
export function listenerOnEmulator(
  suite: EmulatorSuite,
  eventsTopic: string,
  deadLetterTopic: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    HUBSPOT_CLIENT_SECRET: SECRET,
    PUBLIC_URL,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    EVENTS_TOPIC: eventsTopic,
    DEAD_LETTER_TOPIC: deadLetterTopic,
    PUBSUB_EMULATOR_HOST: suite.emulator.host,
    ...extra,
  };
}
