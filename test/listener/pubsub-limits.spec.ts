// What Pub/Sub accepts in a message, pinned by fixed vectors on both sides of every boundary: the emulator enforces
// none of these limits, so these tests are the only place a regression would show before production refuses a batch.
// Sources:
// - https://cloud.google.com/pubsub/quotas#resource_limits: message data 10 MB, 100 attributes per message,
//   attribute key 256 bytes, attribute value 1024 bytes, ordering key 1 KB.
// - google/pubsub/v1/pubsub.proto: `PubsubMessage.attributes` is `map<string, string>` (protobuf strings are valid
//   UTF-8, so a lone UTF-16 surrogate cannot be sent) and attribute keys must not start with `goog` (reserved).
// - https://grpc.github.io/grpc/core/md_doc_statuscodes.html: the gRPC status codes and their numbers.
import assert from "node:assert/strict";
import fc from "fast-check";
import { fitAttributeValue, messageProblems, type MessageShape } from "../../runtime/shared/pubsub-limits";
import {
  classifyPublishFailure,
  describePublishFailure,
  grpcCode,
  type PublishFailureKind,
} from "../../runtime/shared/publish-failures";

const EMPTY = Buffer.alloc(0);
const message = (shape: Partial<MessageShape>): MessageShape => ({ data: EMPTY, attributes: {}, ...shape });
const withValue = (value: string) => message({ attributes: { propertyName: value } });
const withKey = (key: string) => message({ attributes: { [key]: "v" } });
const attributes = (count: number) =>
  message({ attributes: Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, "v"])) });

describe("Pub/Sub message limits (pubsub-limits.ts)", () => {
  describe("messageProblems", () => {
    it("accepts a message with every part at its limit", () => {
      assert.deepEqual(messageProblems(message({})), []);
      assert.deepEqual(messageProblems(message({ data: Buffer.alloc(10_000_000) })), []);
      assert.deepEqual(messageProblems(attributes(100)), []);
      assert.deepEqual(messageProblems(withKey("k".repeat(256))), []);
      assert.deepEqual(messageProblems(withValue("v".repeat(1024))), []);
      assert.deepEqual(messageProblems(message({ orderingKey: "o".repeat(1024) })), []);
    });

    it("refuses data of 10,000,001 bytes (10 MB is decimal)", () => {
      assert.deepEqual(messageProblems(message({ data: Buffer.alloc(10_000_001) })), [
        "message data is 10000001 bytes; the limit is 10000000 (10 MB)",
      ]);
    });

    it("refuses 101 attributes", () => {
      assert.deepEqual(messageProblems(attributes(101)), ["message has 101 attributes; the limit is 100"]);
    });

    it("counts attribute values in UTF-8 bytes, not characters: 1024 bytes pass, 1025 do not", () => {
      // "€" is 3 bytes in UTF-8 and 1 UTF-16 unit; "😀" is 4 bytes and 2 units; "é" is 2 bytes and 1 unit.
      for (const ok of ["€".repeat(341), `${"€".repeat(341)}a`, "😀".repeat(256), "é".repeat(512)]) {
        assert.deepEqual(messageProblems(withValue(ok)), [], `${Buffer.byteLength(ok)} bytes`);
      }
      const refused: Array<[string, number]> = [
        ["v".repeat(1025), 1025],
        [`${"€".repeat(341)}ab`, 1025],
        ["€".repeat(342), 1026],
        [`${"😀".repeat(256)}a`, 1025],
        [`${"é".repeat(512)}a`, 1025],
      ];
      for (const [value, bytes] of refused) {
        assert.deepEqual(messageProblems(withValue(value)), [
          `attribute "propertyName" is ${bytes} bytes; the limit is 1024`,
        ]);
      }
    });

    it("counts attribute keys in UTF-8 bytes: 256 bytes pass, 257 do not", () => {
      assert.deepEqual(messageProblems(withKey("é".repeat(128))), []);
      assert.deepEqual(messageProblems(withKey("k".repeat(257))), [
        `attribute key "${"k".repeat(40)}..." is 257 bytes; the limit is 256`,
      ]);
      assert.deepEqual(messageProblems(withKey(`${"é".repeat(128)}k`)), [
        `attribute key "${"é".repeat(40)}..." is 257 bytes; the limit is 256`,
      ]);
    });

    it("refuses attribute keys starting with the reserved prefix goog, and only those", () => {
      for (const key of ["goog", "googFoo", "goog-reason"]) {
        assert.deepEqual(messageProblems(withKey(key)), [
          `attribute key "${key}" starts with "goog"; Google reserves that prefix`,
        ]);
      }
      for (const key of ["go", "goo", "xgoog", "my-goog", "Goo"]) {
        assert.deepEqual(messageProblems(withKey(key)), [], key);
      }
    });

    it("refuses a lone UTF-16 surrogate in a key, a value or the ordering key; a surrogate pair passes", () => {
      for (const lone of ["\uD800", "\uDFFF", "a\uD83Db", "\uDE00x", "x\uD83D"]) {
        assert.deepEqual(messageProblems(withValue(lone)), [
          'attribute "propertyName" holds a lone UTF-16 surrogate; the rule is well-formed Unicode (UTF-8)',
        ]);
        assert.deepEqual(messageProblems(withKey(lone)), [
          `attribute key ${JSON.stringify(lone)} holds a lone UTF-16 surrogate; the rule is UTF-8`,
        ]);
        assert.deepEqual(messageProblems(message({ orderingKey: lone })), [
          "ordering key holds a lone UTF-16 surrogate",
        ]);
      }
      assert.deepEqual(messageProblems(message({ attributes: { "😀": "\uD83D\uDE00" }, orderingKey: "😀" })), []);
    });

    it("refuses an ordering key of 1025 bytes", () => {
      assert.deepEqual(messageProblems(message({ orderingKey: `${"€".repeat(341)}ab` })), [
        "ordering key is 1025 bytes; the limit is 1024",
      ]);
    });

    it("reports every problem of a message at once", () => {
      const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, "v"]));
      const problems = messageProblems({
        data: Buffer.alloc(10_000_001),
        attributes: { ...many, googKey: "x\uD800", ["k".repeat(257)]: "v".repeat(1025) },
        orderingKey: "\uDC00".repeat(400),
      });
      assert.deepEqual(problems, [
        "message data is 10000001 bytes; the limit is 10000000 (10 MB)",
        "message has 102 attributes; the limit is 100",
        'attribute key "googKey" starts with "goog"; Google reserves that prefix',
        'attribute "googKey" holds a lone UTF-16 surrogate; the rule is well-formed Unicode (UTF-8)',
        `attribute key "${"k".repeat(40)}..." is 257 bytes; the limit is 256`,
        `attribute "${"k".repeat(40)}..." is 1025 bytes; the limit is 1024`,
        "ordering key holds a lone UTF-16 surrogate",
        "ordering key is 1200 bytes; the limit is 1024",
      ]);
    });
  });

  describe("fitAttributeValue", () => {
    it("keeps a well-formed value of at most 1024 bytes as it is", () => {
      for (const value of ["", "reason", "v".repeat(1024), "€".repeat(341), "😀".repeat(256)]) {
        assert.equal(fitAttributeValue(value), value);
      }
    });

    it("cuts a longer value to at most 1024 bytes ending in '...', never inside a character", () => {
      const vectors: Array<[string, string]> = [
        ["v".repeat(1025), `${"v".repeat(1021)}...`],
        // 1021 bytes would end one byte into the 341st "€": the cut falls before it.
        ["€".repeat(342), `${"€".repeat(340)}...`],
        // 1021 bytes: "ab" and 254 emoji (1018 bytes) and 3 bytes of the next emoji, which are dropped.
        [`ab${"😀".repeat(256)}`, `ab${"😀".repeat(254)}...`],
        // Exactly 1021 bytes of whole characters: nothing of them is dropped.
        [`a${"😀".repeat(256)}`, `a${"😀".repeat(255)}...`],
      ];
      for (const [value, fitted] of vectors) {
        assert.equal(fitAttributeValue(value), fitted);
        assert.ok(Buffer.byteLength(fitted) <= 1024);
      }
    });

    it("replaces lone surrogates with U+FFFD, before cutting", () => {
      assert.equal(fitAttributeValue("a\uD800b"), "a\uFFFDb");
      assert.equal(fitAttributeValue("\uDC00"), "\uFFFD");
      assert.equal(fitAttributeValue("\uD83D\uDE00\uD83D"), "😀\uFFFD");
      // 400 replacement characters are 1200 bytes: 340 of them (1020 bytes) fit before "...".
      assert.equal(fitAttributeValue("\uD800".repeat(400)), `${"\uFFFD".repeat(340)}...`);
    });

    it("always returns a value messageProblems accepts, a prefix of the well-formed input", () => {
      // Code units, lone surrogates included, with multi-byte characters weighted in so the 1024-byte limit is hit.
      const unit = fc.oneof(
        fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
        fc.constantFrom("€", "😀", "é", "a", "\uD800", "\uDFFF"),
      );
      fc.assert(
        fc.property(fc.string({ unit, maxLength: 1200 }), (value) => {
          const fitted = fitAttributeValue(value);
          assert.deepEqual(messageProblems(withValue(fitted)), []);
          const wellFormed = value.toWellFormed();
          if (Buffer.byteLength(wellFormed) <= 1024) assert.equal(fitted, wellFormed);
          else {
            assert.ok(fitted.endsWith("..."));
            assert.ok(wellFormed.startsWith(fitted.slice(0, -3)));
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe("publish failure classification (publish-failures.ts)", () => {
  // Numbers and names from https://grpc.github.io/grpc/core/md_doc_statuscodes.html.
  const vectors: Array<[number, string, PublishFailureKind]> = [
    [1, "CANCELLED", "message"],
    [2, "UNKNOWN", "message"],
    [3, "INVALID_ARGUMENT", "message"],
    [4, "DEADLINE_EXCEEDED", "transient"],
    [5, "NOT_FOUND", "topic"],
    [6, "ALREADY_EXISTS", "message"],
    [7, "PERMISSION_DENIED", "topic"],
    [8, "RESOURCE_EXHAUSTED", "transient"],
    [9, "FAILED_PRECONDITION", "message"],
    [10, "ABORTED", "transient"],
    [11, "OUT_OF_RANGE", "message"],
    [12, "UNIMPLEMENTED", "message"],
    [13, "INTERNAL", "message"],
    [14, "UNAVAILABLE", "transient"],
    [15, "DATA_LOSS", "message"],
    [16, "UNAUTHENTICATED", "topic"],
  ];
  const grpcError = (code: number, text: string) => Object.assign(new Error(text), { code });

  it("classifies every gRPC code: transient ones retried, topic ones never dead-lettered, the rest the message's", () => {
    for (const [code, name, kind] of vectors) {
      assert.equal(classifyPublishFailure(grpcError(code, name)), kind, `${code} ${name}`);
    }
  });

  it("treats an error without a numeric code (raised by the client before sending) as the message's", () => {
    for (const error of [new Error("Data must be in the form of a Buffer"), { code: "14" }, null, undefined, "x"]) {
      assert.equal(grpcCode(error), undefined);
      assert.equal(classifyPublishFailure(error), "message");
    }
  });

  it("describes a failure by its gRPC code name and message", () => {
    for (const [code, name] of vectors) {
      if (code !== 6) assert.equal(describePublishFailure(grpcError(code, "boom")), `${name}: boom`);
    }
    assert.equal(describePublishFailure(grpcError(99, "boom")), "gRPC code 99: boom");
    assert.equal(describePublishFailure(new Error("bad data")), "client error: bad data");
  });
});
