/**
 * Reads CRM objects in batches through `@hubspot/api-client` (POST /crm/v3/objects/{type}/batch/read), with the
 * private-app token. An id that HubSpot does not return (deleted, archived, merged away, never existed) is simply
 * absent from the result: HubSpot reports those as a 207 with OBJECT_NOT_FOUND errors, which is not a failure here.
 */
import { Client } from "@hubspot/api-client";
import type { HubSpotTransportSettings } from "../../contract/hubspot-transport";
import { hubspotAgent, proxyRefusal, type HubSpotAgentOptions } from "../../contract/hubspot-transport-agent";
import type { ObjectType } from "../shared/connector-event-payload";

export type CrmProperties = Record<string, string | null>;

export interface CrmBatchReader {
  /** Current properties by object id; ids HubSpot did not return are absent. Rejects on transport or auth errors. */
  read(objectType: ObjectType, ids: string[], properties: string[]): Promise<Map<string, CrmProperties>>;
}

/** HubSpot's batch read limit (inputs per request). */
export const MAX_BATCH_READ_IDS = 100;

export interface HubSpotReaderOptions {
  accessToken: string;
  /** Default https://api.hubapi.com; tests point it at the local stand-in. */
  basePath?: string;
  /** Upper bound for one batch read; the SDK has no timeout of its own. */
  timeoutMs?: number;
  /** The PSC address and the proxy; its baseUrl, when given, wins over basePath. Default: direct to basePath. */
  transport?: HubSpotTransportSettings;
  /** Tests only: the CA the stand-in's certificate is verified against. */
  agentOptions?: HubSpotAgentOptions;
}

/** An error from the HubSpot API, with its status and without the request (which carries the token). */
export class CrmReadError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = "CrmReadError";
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CrmReadError(`HubSpot batch read took more than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function hubspotBatchReader(options: HubSpotReaderOptions): CrmBatchReader {
  // No SDK retries or limiter: a failed read fails the push request and Pub/Sub redelivers with backoff.
  const transport = options.transport ?? {
    baseUrl: options.basePath ?? "https://api.hubapi.com",
  };
  const httpAgent = hubspotAgent(transport, options.agentOptions);
  const client = new Client({
    accessToken: options.accessToken,
    basePath: options.transport?.baseUrl ?? options.basePath,
    numberOfApiCallRetries: 0,
    ...(httpAgent ? { httpAgent } : {}),
  });
  // @hubspot/api-client 13.5.0's generated APIs apply the client's middleware, which carries `httpAgent`, only when
  // a call passes middleware options of its own (codegen/*/types/ObservableAPI.js starts from an empty list):
  // HubSpot/hubspot-api-nodejs#671 and #683. Appending none applies the client's own, the agent included.
  const callOptions = httpAgent ? { middleware: [], middlewareMergeStrategy: "append" as const } : undefined;
  const apis = {
    contact: client.crm.contacts.batchApi,
    company: client.crm.companies.batchApi,
    deal: client.crm.deals.batchApi,
  } as const;
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    async read(objectType, ids, properties) {
      if (ids.length > MAX_BATCH_READ_IDS) throw new RangeError(`at most ${MAX_BATCH_READ_IDS} ids per batch read`);
      const input = { inputs: ids.map((id) => ({ id })), properties, propertiesWithHistory: [] };
      let response: { results: Array<{ id: string; properties: CrmProperties }> };
      try {
        response = await withTimeout(apis[objectType].read(input, false, callOptions), timeoutMs);
      } catch (error) {
        if (error instanceof CrmReadError) throw error;
        // ApiException carries `code` (HTTP status) and the response body; keep only the status and HubSpot's words.
        const status = (error as { code?: unknown }).code;
        // A 407 is the proxy's answer (forwarded requests), not HubSpot's: say which proxy refused what.
        const refused = proxyRefusal(transport, typeof status === "number" ? status : undefined);
        if (refused) throw new CrmReadError(`HubSpot ${objectType} batch read failed: ${refused.message}`, 407);
        const body = (error as { body?: { message?: unknown; category?: unknown } }).body;
        const words =
          body && typeof body.message === "string"
            ? `${String(body.category ?? "")} ${body.message}`.trim()
            : (error as Error).message;
        throw new CrmReadError(
          `HubSpot ${objectType} batch read failed: ${words}`,
          typeof status === "number" ? status : undefined,
        );
      }
      return new Map(response.results.map((object) => [object.id, object.properties]));
    },
  };
}
