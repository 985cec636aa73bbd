/**
 * The managed backend's side of `npm run status`: each trigger's connector event subscriptions, read live from the
 * Connectors v1 API (`connections.eventSubscriptions.list`, Google's typed client), judged as the stack output is
 * (components/managed/managed-backend.ts `triggerStatus`), then combined with the dispatcher's signals: a trigger
 * whose subscriptions are ACTIVE but whose executions keep failing is in Error all the same.
 */
import type { TriggerStatus } from "../../../contract/status-evaluation";
import { call, connectorsApi, REQUEST_OPTIONS, type ApiSettings } from "../../../components/managed/connectors-api";
import { triggerStatus } from "../../../components/managed/managed-backend";
import { eventSubscriptionId } from "../../../components/naming";
import type { StackOutputs } from "../stack-outputs";

/** Points the status command at another Connectors endpoint (the tests' stand-in); Google's by default. */
export const CONNECTORS_ROOT_URL_ENV = "CONNECTORS_API_ROOT_URL";

interface SubscriptionState {
  state: string;
  description: string;
}

async function listSubscriptions(settings: ApiSettings, connection: string): Promise<Map<string, SubscriptionState>> {
  const api = connectorsApi(settings);
  const found = new Map<string, SubscriptionState>();
  let pageToken: string | undefined;
  do {
    const page = await call(api, `connections.eventSubscriptions.list ${connection}`, () =>
      api.client.projects.locations.connections.eventSubscriptions.list(
        { parent: connection, pageToken },
        REQUEST_OPTIONS,
      ),
    );
    for (const subscription of page?.eventSubscriptions ?? []) {
      const id = subscription.name?.split("/").pop() ?? "";
      found.set(id, { state: subscription.status?.state ?? "", description: subscription.status?.description ?? "" });
    }
    pageToken = page?.nextPageToken ?? undefined;
  } while (pageToken);
  return found;
}

/** The triggers' statuses with their event subscriptions' states folded in (the worse of the two wins). */
export async function withSubscriptionStates(
  outputs: StackOutputs,
  evaluated: TriggerStatus[],
  settings: ApiSettings,
): Promise<TriggerStatus[]> {
  const connection = outputs.connection;
  if (connection === undefined) return evaluated;
  const states = await listSubscriptions(settings, connection);
  return evaluated.map((status) => {
    const trigger = outputs.triggers.find((t) => t.name === status.name);
    const subscriptions = (trigger?.eventTypes ?? []).map((eventType) => {
      const seen = states.get(eventSubscriptionId(status.name, eventType));
      return seen
        ? { eventType, ...seen }
        : { eventType, state: "ERROR", description: "not found on the connection: run `pulumi up`" };
    });
    const fromConnector = triggerStatus(subscriptions);
    // The listener's signals do not exist with this backend: only the dispatcher's Error counts.
    if (status.state === "Error") return status;
    return { ...status, state: fromConnector.status, reasons: [fromConnector.statusMessage] };
  });
}
