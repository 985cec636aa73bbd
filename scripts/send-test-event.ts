/**
 * Sends correctly signed, realistic HubSpot webhook batches to a listener:
 *   npm run send-test-event -- --url URL --secret S --type deal.propertyChange [--count N] [--signature v3|v1|v2]
 *     [--generic] [--signed-url URL] [--batch-size N]
 * --type also accepts `all`: every type in turn, the seed's six then the opt-in company types (the listener accepts
 * them all; only a trigger that lists a company type runs for it). --signed-url is the URL HubSpot would sign; it defaults to --url
 * with https:// (HubSpot only calls https URLs, and a listener without PUBLIC_URL verifies against https + Host +
 * path). Set it to the listener's PUBLIC_URL when that differs. Exits 1 when any batch is not answered 2xx.
 */
import { exitOnUsageError, parseCommandLine } from "./lib/command-line";
import { batchJson, EVENT_TYPES, sampleEvents, type SampleEventType } from "../testing/sample-events";
import { signV1, signV2, signV3 } from "../runtime/listener/signature/sign";

const USAGE =
  "usage: npm run send-test-event -- --url URL --secret S --type <" +
  [...EVENT_TYPES, "all"].join("|") +
  "> [--count N] [--signature v3|v1|v2] [--generic] [--signed-url URL] [--batch-size 1..100]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    fail(`--${name} ${JSON.stringify(value)}: the rule is an integer in 1..${max}`);
  return Number(value);
}

export function signedHeaders(
  version: string,
  secret: string,
  url: string,
  body: string,
  nowMs: number,
): Record<string, string> {
  if (version === "v3") {
    const timestamp = String(nowMs);
    return {
      "x-hubspot-signature-v3": signV3({ secret, method: "POST", uri: url, body, timestamp }),
      "x-hubspot-request-timestamp": timestamp,
    };
  }
  const signature = version === "v1" ? signV1({ secret, body }) : signV2({ secret, method: "POST", uri: url, body });
  return { "x-hubspot-signature": signature, "x-hubspot-signature-version": version };
}

async function main(): Promise<void> {
  const values = parseCommandLine(USAGE, {
    url: { type: "string" },
    secret: { type: "string" },
    type: { type: "string" },
    count: { type: "string" },
    signature: { type: "string", default: "v3" },
    generic: { type: "boolean", default: false },
    "signed-url": { type: "string" },
    "batch-size": { type: "string" },
    help: { type: "boolean", default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.url) fail("--url is missing");
  if (!values.secret) fail("--secret is missing (the app's client secret)");
  if (!values.type) fail("--type is missing");
  const types: SampleEventType[] =
    values.type === "all"
      ? [...EVENT_TYPES]
      : (EVENT_TYPES as readonly string[]).includes(values.type)
        ? [values.type as SampleEventType]
        : fail(`--type ${JSON.stringify(values.type)}: the rule is one of ${EVENT_TYPES.join(", ")}, all`);
  if (!["v1", "v2", "v3"].includes(values.signature!))
    fail(`--signature ${JSON.stringify(values.signature)}: the rule is v3|v1|v2`);
  const count = positiveInt("count", values.count, 1, 1_000_000);
  const batchSize = positiveInt("batch-size", values["batch-size"], 100, 100);
  const signedUrl = values["signed-url"] ?? values.url.replace(/^http:/i, "https:");

  let failures = 0;
  for (const type of types) {
    const events = sampleEvents(type, count, { generic: values.generic });
    for (let start = 0; start < events.length; start += batchSize) {
      const body = batchJson(events.slice(start, start + batchSize));
      const headers = signedHeaders(values.signature!, values.secret, signedUrl, body, Date.now());
      const response = await fetch(values.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      const batch = Math.min(batchSize, events.length - start);
      console.log(`${type}: ${batch} event(s) -> ${response.status} ${response.statusText}`);
      if (!response.ok) failures++;
    }
  }
  if (failures > 0) process.exit(1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    exitOnUsageError(error);
    console.error(`send-test-event: ${(error as Error).message}`);
    process.exit(1);
  });
}
