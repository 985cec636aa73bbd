import assert from "node:assert/strict";
import { decodePayload, InvalidPushError, parsePushEnvelope } from "../../runtime/dispatcher/push-envelope";
import { pushEnvelope, samplePayload } from "./helpers";

type Envelope = Record<string, unknown> & { message: Record<string, unknown> };

describe("Pub/Sub push envelope", () => {
  it("decodes data, attributes, ids and the short subscription name", () => {
    const payload = samplePayload();
    const envelope = parsePushEnvelope(pushEnvelope(payload, { deliveryAttempt: 3 }));
    assert.equal(envelope.subscriptionId, "deals-created");
    assert.equal(envelope.deliveryAttempt, 3);
    assert.equal(envelope.message.attributes.dedupKey, payload.dedupKey);
    assert.deepEqual(decodePayload(envelope.message.data), payload);
    assert.equal(decodePayload(envelope.message.data).objectId, "9007199254740993");
  });

  it("accepts the snake_case spellings Pub/Sub also sends", () => {
    const body = pushEnvelope(samplePayload()) as { message: Record<string, unknown> };
    body.message.message_id = body.message.messageId;
    body.message.publish_time = body.message.publishTime;
    delete body.message.messageId;
    delete body.message.publishTime;
    assert.equal(parsePushEnvelope(body).message.messageId, body.message.message_id);
  });

  const malformed: Array<[string, (body: Envelope) => unknown, string]> = [
    ["a non-object body", () => [1, 2], "body"],
    ["no message", (b) => ({ ...b, message: undefined }), "message"],
    ["a subscription that is not a path", (b) => ({ ...b, subscription: "deals-created" }), "subscription"],
    ["no messageId", (b) => ({ ...b, message: { ...b.message, messageId: undefined } }), "message.messageId"],
    [
      "a bad publishTime",
      (b) => ({ ...b, message: { ...b.message, publishTime: "yesterday" } }),
      "message.publishTime",
    ],
    ["data that is not base64", (b) => ({ ...b, message: { ...b.message, data: "not base64!" } }), "message.data"],
    [
      "a non-string attribute",
      (b) => ({ ...b, message: { ...b.message, attributes: { n: 1 } } }),
      "message.attributes",
    ],
    ["a zero deliveryAttempt", (b) => ({ ...b, deliveryAttempt: 0 }), "deliveryAttempt"],
  ];
  for (const [what, mutate, field] of malformed) {
    it(`rejects ${what}, naming ${field}`, () => {
      const body = mutate(pushEnvelope(samplePayload()) as Envelope);
      assert.throws(
        () => parsePushEnvelope(body),
        (error: unknown) => error instanceof InvalidPushError && error.field === field,
      );
    });
  }

  const badPayloads: Array<[string, Buffer, string]> = [
    ["bytes that are not JSON", Buffer.from("{oops"), "message.data"],
    [
      "another schema version",
      Buffer.from(JSON.stringify({ ...samplePayload(), schemaVersion: "2" })),
      "payload.schemaVersion",
    ],
    [
      "an unknown object type",
      Buffer.from(JSON.stringify({ ...samplePayload(), objectType: "ticket" })),
      "payload.objectType",
    ],
    [
      "a numeric objectId (digits may be lost)",
      Buffer.from(JSON.stringify({ ...samplePayload(), objectId: 12 })),
      "payload.objectId",
    ],
  ];
  for (const [what, data, field] of badPayloads) {
    it(`refuses a payload with ${what}`, () => {
      assert.throws(
        () => decodePayload(data),
        (error: unknown) => error instanceof InvalidPushError && error.field === field,
      );
    });
  }
});
