// End to end on the Pub/Sub emulator with a real proxy refusing the dispatcher's password: events topic -> push
// subscription (dead-letter policy, 5 attempts, short backoff) -> dispatcher, whose enrichment goes through tinyproxy
// and fails -> Pub/Sub redelivers, then dead-letters the message itself. Nothing is lost: the dead letter holds the
// exact payload, and nothing was executed half-enriched.
import assert from "node:assert/strict";
import { createDispatcher, type Dispatcher } from "../../runtime/dispatcher";
import { readDispatcherConfig } from "../../runtime/dispatcher/config";
import { captureLogs, type LogEntry } from "../../runtime/shared/log";
import { IntegrationStandIn } from "../../testing/integration-stand-in";
import { emulatorForSuite } from "../../testing/pubsub-emulator";
import { startTinyproxyOrSkip, type Tinyproxy } from "../../testing/tinyproxy";
import { HubSpotCrmStandIn } from "../fixtures/hubspot-crm";
import { attributesOf, DEAL_TRIGGER, fixedTokenAuth, PROJECT, samplePayload } from "./helpers";
import { dispatcherEnv, PROXY_TEST_CREDENTIALS } from "./proxy-support";
import { nextMessage } from "../support/next-message";

const { USER, PASSWORD, TOKEN, OBJECTS } = PROXY_TEST_CREDENTIALS;
const WRONG = "Wrong-pass-2222";

describe("a proxy refusing the dispatcher's password, on the Pub/Sub emulator", function () {
  const suite = emulatorForSuite(PROJECT);
  let crm: HubSpotCrmStandIn;
  let proxy: Tinyproxy;
  let integrations: IntegrationStandIn;
  let dispatcher: Dispatcher | undefined;

  before(async function () {
    crm = await HubSpotCrmStandIn.start({ accessToken: TOKEN, objects: OBJECTS });
    proxy = await startTinyproxyOrSkip(this, { user: USER, password: PASSWORD, connectPorts: [crm.port] });
    integrations = await IntegrationStandIn.start();
  });
  after(async () => {
    await dispatcher?.close();
    await integrations?.close();
    await proxy?.stop();
    await crm?.close();
  });

  it("redelivers, then dead-letters the exact payload after 5 attempts; the password appears in no log", async function () {
    this.timeout(120_000);
    const [deadLetterTopic] = await suite.pubsub.createTopic("proxy-dead-letter");
    const [deadLetterReader] = await deadLetterTopic.createSubscription("proxy-dead-letter-reader");
    const captured = captureLogs();
    const logs: LogEntry[] = captured.entries;
    // TUNNEL: a CONNECT for the http stand-in, as for https://api.hubapi.com.
    const env = dispatcherEnv({
      baseUrl: crm.url,
      integrations: integrations.url,
      proxy,
      password: WRONG,
      sslType: "TUNNEL",
      deadLetterTopic: deadLetterTopic.name,
      emulatorHost: suite.emulator.host,
    });
    dispatcher = createDispatcher({ config: readDispatcherConfig(env), auth: fixedTokenAuth, logger: captured.logger });
    const url = `http://127.0.0.1:${await dispatcher.listen(0, "127.0.0.1")}`;

    const [events] = await suite.pubsub.createTopic("proxy-hubspot-events");
    // The trigger table routes this subscription (DEAL_TRIGGER.subscription) to the deal trigger.
    await events.createSubscription(DEAL_TRIGGER.subscription, {
      pushConfig: { pushEndpoint: `${url}/pubsub/push` },
      deadLetterPolicy: { deadLetterTopic: deadLetterTopic.name, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: { seconds: 0 }, maximumBackoff: { seconds: 1 } },
      ackDeadlineSeconds: 10,
    });
    const payload = samplePayload();
    const landed = nextMessage(deadLetterReader);
    const data = Buffer.from(JSON.stringify(payload));
    await events.publishMessage({ data, attributes: attributesOf(payload) });
    const message = await landed;

    assert.ok(message.data.equals(data), "the dead letter holds the exact bytes published");
    assert.equal(message.attributes.dedupKey, payload.dedupKey);
    const failures = logs.filter((entry) => entry.reason === "enrichment-failed");
    assert.equal(failures.length, 5, "every delivery attempt failed at the proxy and was answered non-2xx");
    for (const failure of failures) {
      assert.match(String(failure.detail), new RegExp(`proxy 127\\.0\\.0\\.1:${proxy.port}: answered CONNECT`));
    }
    assert.equal(integrations.count, 0, "nothing was executed without its enrichment");
    assert.equal(crm.requests.length, 0, "nothing reached HubSpot");
    const everything = JSON.stringify(logs);
    for (const secret of [WRONG, PASSWORD, Buffer.from(`${USER}:${WRONG}`).toString("base64"), TOKEN]) {
      assert.ok(!everything.includes(secret), "no password, credential or token in the dispatcher's logs");
    }
    await deadLetterReader.close();
  });
});
