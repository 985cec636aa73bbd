/**
 * One push delivery's life, top to bottom: read the envelope -> find the trigger -> decode the payload -> is the
 * event ours? -> take an execution slot -> enrich -> execute -> answer. The answer tells Pub/Sub what to do:
 * 2xx acknowledges; anything else makes it redeliver with backoff and, after the subscription's max delivery
 * attempts, dead-letter the message itself. Permanent failures skip that wait and go to the dead-letter topic now.
 */
import type { ConnectorEventPayload } from "../shared/connector-event-payload";
import type { Logger } from "../shared/log";
import type { DeadLetterAttributes } from "../shared/pubsub";
import { subscriptionKey } from "../../contract/subscription-key";
import type { ConcurrencyLimit } from "./concurrency-limit";
import { connectorEventTarget, isConnectorEvent, mapConnectorEvent } from "./connector-event";
import type { TriggerRoute } from "./config";
import type { Enricher } from "./enrichment";
import type { ExecutionOutcome, IntegrationTarget } from "./integration-client";
import { decodePayload, InvalidPushError, parsePushEnvelope, type PushEnvelope } from "./push-envelope";
import { UNKNOWN_PORTAL, type DispatcherStatusSignals } from "./status-signals";

export interface PushResult {
  status: number;
  /** JSON body for non-2xx answers (Pub/Sub ignores it; it helps whoever reads the logs or calls by hand). */
  body?: { error: string; detail?: string };
}

/** Publishes a dead letter and resolves once Pub/Sub acknowledged it. */
export type DeadLetterPublisher = (data: Buffer, attributes: DeadLetterAttributes) => Promise<unknown>;

export interface IntegrationExecutor {
  execute(target: IntegrationTarget, payload: ConnectorEventPayload): Promise<ExecutionOutcome>;
}

export interface PushHandlerDependencies {
  triggers: TriggerRoute[];
  executor: IntegrationExecutor;
  deadLetter: DeadLetterPublisher;
  limit: ConcurrencyLimit;
  enricher?: Enricher;
  /** The status store's signals (STATUS_DATABASE set); they accumulate in memory, never delaying a push. */
  status?: DispatcherStatusSignals;
  /**
   * The subscriptions' maxDeliveryAttempts: a non-2xx answer to that attempt makes Pub/Sub forward the message to
   * the dead-letter topic, so the status store counts it as a dead letter. Pub/Sub calls deliveryAttempt approximate
   * (https://cloud.google.com/pubsub/docs/handling-failures#track-delivery-attempts): so is that count.
   */
  maxDeliveryAttempts?: number;
}

/** At most one "cap reached" line per interval: under overload every push is refused, and a line per refusal cost
 * more CPU than the refusals themselves (the benchmark measured it) and floods Cloud Logging. */
const THROTTLE_LOG_INTERVAL_MS = 1000;

export class PushHandler {
  private readonly routes: Map<string, TriggerRoute>;
  private throttledSinceLog = 0;
  private lastThrottleLogMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: PushHandlerDependencies) {
    // By the subscription's stable key: during a trigger edit, its previous subscription (same key, older settings
    // hash) still pushes until the new one has taken over; its messages are this trigger's and are served as such,
    // so they neither burn delivery attempts nor reach the dead letter for a rename.
    this.routes = new Map(deps.triggers.map((route) => [subscriptionKey(route.subscription), route]));
  }

  async handle(body: unknown, log: Logger): Promise<PushResult> {
    let envelope: PushEnvelope;
    try {
      envelope = parsePushEnvelope(body);
    } catch (error) {
      if (!(error instanceof InvalidPushError)) throw error;
      log.warn("push rejected: malformed envelope", { outcome: "invalid-envelope", problem: error.message });
      return { status: 400, body: { error: "invalid push envelope", detail: error.message } };
    }
    const { message } = envelope;
    const context = {
      messageId: message.messageId,
      subscription: envelope.subscriptionId,
      deliveryAttempt: envelope.deliveryAttempt,
    };
    const route = this.routes.get(subscriptionKey(envelope.subscriptionId));
    if (!route) {
      // A deployment mismatch (a subscription this revision does not know yet, or a removed trigger's): never
      // acknowledge, so the message stays in that subscription's backlog until a revision knows it; if none ever
      // does, the subscription's dead-letter policy keeps it.
      log.error("push for a subscription no trigger declares", { ...context, outcome: "unknown-subscription" });
      return { status: 404, body: { error: "unknown subscription", detail: envelope.subscriptionId } };
    }
    const routeLog = log.child({ ...context, trigger: route.name });

    // Two formats share the events topic: our listener's ConnectorEventPayload, and the managed backend's connector
    // events, told apart by the marker attribute only the stack's event subscriptions set. Both end as one payload,
    // so everything below (routing, enrichment, execution, dead letters) is the same for either.
    const fromConnector = isConnectorEvent(message.attributes);
    let payload: ConnectorEventPayload;
    if (fromConnector) {
      const mapped = mapConnectorEvent(message);
      if (!mapped.ok) {
        return this.deadLetter(
          envelope,
          route,
          UNKNOWN_PORTAL,
          { reason: mapped.reason, reasonDetail: mapped.detail },
          routeLog.child({ source: "integration-connectors" }),
        );
      }
      payload = mapped.payload;
    } else {
      try {
        payload = decodePayload(message.data);
      } catch (error) {
        if (!(error instanceof InvalidPushError)) throw error;
        return this.deadLetter(
          envelope,
          route,
          UNKNOWN_PORTAL,
          { reason: "invalid-payload", reasonDetail: error.message },
          routeLog,
        );
      }
    }
    const eventLog = routeLog.child({
      eventType: payload.eventType,
      objectType: payload.objectType,
      objectId: payload.objectId,
      ...(fromConnector ? { source: "integration-connectors" } : {}),
    });
    // The emulator applies no subscription filter, and a filter edited by hand could drift: check again here.
    if (!route.eventTypes.some((type) => type === payload.eventType)) {
      eventLog.info("event type not handled by this trigger; acknowledged", { outcome: "not-ours" });
      return { status: 204 };
    }
    // A trigger watching some properties must not run for a change of another one (HubSpot subscriptions are per
    // property, but the events topic carries every trigger's).
    const watched = route.propertyNames;
    if (payload.eventType.endsWith(".propertyChange") && watched && !watched.includes(payload.propertyName ?? "")) {
      eventLog.info("property not watched by this trigger; acknowledged", {
        outcome: "not-ours",
        propertyName: payload.propertyName,
      });
      return { status: 204 };
    }
    // A redriven dead letter (scripts/redrive.ts) is meant for the one trigger it failed on; the subscriptions'
    // filters route it there, this check covers the emulator and hand-edited filters. Both sides compare subscription
    // keys, which survive the rename an edit of the trigger's filter or ordering causes.
    const redriveTarget = message.attributes.redriveSubscription;
    if (redriveTarget !== undefined && subscriptionKey(redriveTarget) !== subscriptionKey(envelope.subscriptionId)) {
      eventLog.info("redriven event meant for another trigger; acknowledged", { outcome: "not-ours", redriveTarget });
      return { status: 204 };
    }

    // With one event subscription per trigger, every trigger subscription receives every trigger's copy of an event;
    // the copy made for another trigger is acknowledged, so each trigger runs once per event, as with the listener.
    const connectorTarget = fromConnector ? connectorEventTarget(message.attributes) : undefined;
    if (
      connectorTarget !== undefined &&
      subscriptionKey(connectorTarget) !== subscriptionKey(envelope.subscriptionId)
    ) {
      eventLog.info("connector event meant for another trigger; acknowledged", {
        outcome: "not-ours",
        connectorTarget,
      });
      return { status: 204 };
    }

    if (!this.deps.limit.tryAcquire()) {
      this.throttledSinceLog += 1;
      const now = Date.now();
      if (now - this.lastThrottleLogMs >= THROTTLE_LOG_INTERVAL_MS) {
        eventLog.warn("concurrency cap reached; Pub/Sub will redeliver", {
          outcome: "throttled",
          cap: this.deps.limit.max,
          throttled: this.throttledSinceLog,
          intervalMs: THROTTLE_LOG_INTERVAL_MS,
        });
        this.throttledSinceLog = 0;
        this.lastThrottleLogMs = now;
      }
      if (this.isLastAttempt(envelope)) {
        this.deps.status?.failed(route.name, payload.portalId, "throttled: concurrency cap on the last attempt", true);
      }
      return { status: 429, body: { error: "too many concurrent executions" } };
    }
    try {
      return await this.process(envelope, route, payload, eventLog);
    } finally {
      this.deps.limit.release();
    }
  }

  private async process(
    envelope: PushEnvelope,
    route: TriggerRoute,
    payload: ConnectorEventPayload,
    log: Logger,
  ): Promise<PushResult> {
    const started = Date.now();
    let input = payload;
    if (this.deps.enricher) {
      try {
        input = await this.deps.enricher.enrich(payload);
      } catch (error) {
        // Rate limits, outages, a revoked token: all worth a redelivery; the dead-letter policy bounds the retries.
        log.warn("enrichment failed; Pub/Sub will redeliver", {
          outcome: "transient",
          reason: "enrichment-failed",
          detail: (error as Error).message,
        });
        const detail = `enrichment-failed: ${(error as Error).message}`;
        this.deps.status?.failed(route.name, payload.portalId, detail, this.isLastAttempt(envelope));
        return { status: 503, body: { error: "enrichment failed" } };
      }
    }
    const outcome = await this.deps.executor.execute(route, input);
    const fields = {
      latencyMs: Date.now() - started,
      httpStatus: outcome.httpStatus,
      enriched: input.object !== undefined,
    };
    switch (outcome.kind) {
      case "success":
        this.deps.status?.executed(route.name, payload.portalId);
        log.info("integration executed", { ...fields, outcome: "executed", executionId: outcome.executionId });
        return { status: 204 };
      case "transient":
        this.deps.status?.failed(
          route.name,
          payload.portalId,
          `${outcome.reason}: ${outcome.detail}`,
          this.isLastAttempt(envelope),
        );
        log.warn("integration execution failed; Pub/Sub will redeliver", {
          ...fields,
          outcome: "transient",
          reason: outcome.reason,
          detail: outcome.detail,
        });
        return { status: 503, body: { error: "integration temporarily unavailable", detail: outcome.reason } };
      case "permanent":
        return this.deadLetter(
          envelope,
          route,
          payload.portalId,
          { reason: outcome.reason, reasonDetail: outcome.detail, httpStatus: String(outcome.httpStatus) },
          log.child(fields),
        );
    }
  }

  /** Whether a non-2xx answer now sends the message to the dead-letter topic (Pub/Sub's own dead-lettering). */
  private isLastAttempt(envelope: PushEnvelope): boolean {
    const max = this.deps.maxDeliveryAttempts;
    return max !== undefined && envelope.deliveryAttempt !== undefined && envelope.deliveryAttempt >= max;
  }

  /** Moves the message to the dead-letter topic unchanged (same bytes, original attributes plus why), then acks it. */
  private async deadLetter(
    envelope: PushEnvelope,
    route: TriggerRoute,
    portalId: string,
    why: { reason: string; reasonDetail: string; httpStatus?: string },
    log: Logger,
  ): Promise<PushResult> {
    const attributes: DeadLetterAttributes = {
      ...envelope.message.attributes,
      ...why,
      trigger: route.name,
      subscription: envelope.subscriptionId,
      originalMessageId: envelope.message.messageId,
    };
    try {
      await this.deps.deadLetter(envelope.message.data, attributes);
    } catch (error) {
      this.deps.status?.failed(
        route.name,
        portalId,
        `${why.reason}: ${why.reasonDetail}`,
        this.isLastAttempt(envelope),
      );
      log.error("dead-letter publish failed; Pub/Sub will redeliver", {
        outcome: "transient",
        reason: why.reason,
        detail: (error as Error).message,
      });
      return { status: 503, body: { error: "dead-letter publish failed" } };
    }
    this.deps.status?.failed(route.name, portalId, `${why.reason}: ${why.reasonDetail}`, true);
    log.warn("message dead-lettered", {
      outcome: "dead-lettered",
      reason: why.reason,
      detail: why.reasonDetail,
      httpStatus: why.httpStatus,
    });
    return { status: 204 };
  }
}
