/**
 * What Pub/Sub accepts in one message, checked before publishing: the emulator enforces none of it, so a message
 * that passes every local test could still be refused in production, and in a batched publish one refused message
 * fails the whole RPC. Source: https://cloud.google.com/pubsub/quotas#resource_limits ("Message size (the data
 * field)" 10 MB; "Attributes per message" 100; "Attribute key size" 256 bytes; "Attribute value size" 1024 bytes),
 * and google/pubsub/v1/pubsub.proto (`PubsubMessage.attributes` is `map<string, string>`: protobuf strings must be
 * valid UTF-8; keys must not start with `goog`, which Google reserves).
 */
export const PUBSUB_LIMITS = {
  /** 10 MB, decimal: Google's quotas page counts MB as 10^6 bytes (its example: 100 messages of 50 bytes = 5 kB). */
  dataBytes: 10_000_000,
  attributes: 100,
  attributeKeyBytes: 256,
  attributeValueBytes: 1024,
  orderingKeyBytes: 1024,
  reservedKeyPrefix: "goog",
} as const;

/** UTF-8 bytes of `text`, counted only when it could exceed `limit`: a UTF-16 code unit is at most 3 UTF-8 bytes. */
function bytesOver(text: string, limit: number): number | undefined {
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text);
  return bytes > limit ? bytes : undefined;
}

export interface MessageShape {
  data: Buffer;
  attributes: Readonly<Record<string, string>>;
  orderingKey?: string;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * True when the message is surely within every limit, decided without allocating: this runs for every event. Short
 * strings (at most a third of their byte limit in UTF-16 units) cannot exceed it, so only well-formedness and the
 * prefix are checked for them; anything else takes the full check.
 */
function surelyWithinLimits(message: MessageShape): boolean {
  if (message.data.length > PUBSUB_LIMITS.dataBytes) return false;
  let count = 0;
  for (const key in message.attributes) {
    const value = message.attributes[key];
    if (++count > PUBSUB_LIMITS.attributes) return false;
    if (key.length * 3 > PUBSUB_LIMITS.attributeKeyBytes || value.length * 3 > PUBSUB_LIMITS.attributeValueBytes)
      return false;
    if (key.startsWith(PUBSUB_LIMITS.reservedKeyPrefix) || !key.isWellFormed() || !value.isWellFormed()) return false;
  }
  const orderingKey = message.orderingKey;
  return (
    orderingKey === undefined ||
    (orderingKey.length * 3 <= PUBSUB_LIMITS.orderingKeyBytes && orderingKey.isWellFormed())
  );
}

/** Every reason Pub/Sub would refuse this message, each naming the part, its problem and the limit; [] when none. */
export function messageProblems(message: MessageShape): readonly string[] {
  if (surelyWithinLimits(message)) return NONE;
  const problems: string[] = [];
  if (message.data.length > PUBSUB_LIMITS.dataBytes) {
    problems.push(`message data is ${message.data.length} bytes; the limit is ${PUBSUB_LIMITS.dataBytes} (10 MB)`);
  }
  const entries = Object.entries(message.attributes);
  if (entries.length > PUBSUB_LIMITS.attributes) {
    problems.push(`message has ${entries.length} attributes; the limit is ${PUBSUB_LIMITS.attributes}`);
  }
  for (const [key, value] of entries) {
    const name = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key);
    if (!key.isWellFormed()) problems.push(`attribute key ${name} holds a lone UTF-16 surrogate; the rule is UTF-8`);
    const keyBytes = bytesOver(key, PUBSUB_LIMITS.attributeKeyBytes);
    if (keyBytes !== undefined) {
      problems.push(`attribute key ${name} is ${keyBytes} bytes; the limit is ${PUBSUB_LIMITS.attributeKeyBytes}`);
    }
    if (key.startsWith(PUBSUB_LIMITS.reservedKeyPrefix)) {
      problems.push(`attribute key ${name} starts with "goog"; Google reserves that prefix`);
    }
    if (!value.isWellFormed()) {
      problems.push(`attribute ${name} holds a lone UTF-16 surrogate; the rule is well-formed Unicode (UTF-8)`);
    }
    const valueBytes = bytesOver(value, PUBSUB_LIMITS.attributeValueBytes);
    if (valueBytes !== undefined) {
      problems.push(`attribute ${name} is ${valueBytes} bytes; the limit is ${PUBSUB_LIMITS.attributeValueBytes}`);
    }
  }
  if (message.orderingKey !== undefined) {
    if (!message.orderingKey.isWellFormed()) problems.push("ordering key holds a lone UTF-16 surrogate");
    const bytes = bytesOver(message.orderingKey, PUBSUB_LIMITS.orderingKeyBytes);
    if (bytes !== undefined) {
      problems.push(`ordering key is ${bytes} bytes; the limit is ${PUBSUB_LIMITS.orderingKeyBytes}`);
    }
  }
  return problems;
}

/**
 * `value` cut to at most `maxBytes` of UTF-8, never inside a character, with lone surrogates replaced (U+FFFD), so it
 * is always a valid attribute value. For texts of our own (a dead letter's reason), never for an event's values.
 */
export function fitAttributeValue(value: string, maxBytes: number = PUBSUB_LIMITS.attributeValueBytes): string {
  const wellFormed = value.toWellFormed();
  if (Buffer.byteLength(wellFormed) <= maxBytes) return wellFormed;
  const cut = Buffer.from(wellFormed)
    .subarray(0, maxBytes - 3)
    .toString("utf8");
  return `${cut.replace(/\uFFFD$/, "")}...`;
}
