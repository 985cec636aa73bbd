import assert from "node:assert/strict";
import { z } from "zod";
import {
  boolean,
  csv,
  EnvError,
  integer,
  json,
  oneOf,
  optional,
  parseEnv,
  required,
  text,
  url,
  withDefault,
} from "../../contract/runtime-env-values";
import { captureLogs, traceFields } from "../../runtime/shared/log";
import { parseTopicPath } from "../../runtime/shared/pubsub";
import { readListenerConfig } from "../../runtime/listener/config";

function envError(run: () => unknown): EnvError {
  try {
    run();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  assert.fail("expected an EnvError");
}

describe("listener shared modules", () => {
  describe("env", () => {
    const doc = { description: "test" };
    const schema = z.object({
      PORT: withDefault(integer(1, 65535), 8080, doc),
      MODE: withDefault(oneOf(["a", "b"] as const), "a", doc),
      FLAG: withDefault(boolean(), false, doc),
      TOKEN: required(text(/^tok_/, "starts with tok_"), { ...doc, secret: true }),
      HOOK: optional(url(["https:"]), { ...doc, whenUnset: "unset" }),
      LIST: withDefault(csv(/^[a-z]+$/, "lowercase words"), [], doc),
      TRIGGERS: optional(
        json("a JSON array", (value) =>
          Array.isArray(value)
            ? { value: value as unknown[] }
            : { problems: ["is not an array; the rule is a JSON array"] },
        ),
        { ...doc, whenUnset: "unset" },
      ),
    });

    it("returns typed values with defaults applied", () => {
      const env = parseEnv(schema, { TOKEN: "tok_1", LIST: " a, ,b ", FLAG: "TRUE", TRIGGERS: "[1]", OTHER: "x" });
      assert.deepEqual(env, {
        PORT: 8080,
        MODE: "a",
        FLAG: true,
        TOKEN: "tok_1",
        LIST: ["a", "b"],
        TRIGGERS: [1],
      });
    });

    it("treats an empty value as unset", () => {
      assert.equal(parseEnv(schema, { TOKEN: "tok_1", PORT: "" }).PORT, 8080);
      assert.deepEqual(envError(() => parseEnv(schema, { TOKEN: "" })).problems, [
        "TOKEN: is missing; the rule is: required",
      ]);
    });

    it("lists every problem at once, naming the variable, the value's problem and the rule", () => {
      const error = envError(() =>
        parseEnv(schema, {
          PORT: "80a",
          MODE: "c",
          FLAG: "1",
          HOOK: "http://x.example",
          LIST: "a,B c",
          TRIGGERS: "{}",
        }),
      );
      assert.deepEqual(error.problems, [
        'PORT: "80a" is not an integer; the rule is an integer in 1..65535',
        'MODE: "c" is not allowed; the rule is one of a|b',
        'FLAG: "1" is not a boolean; the rule is true|false',
        "TOKEN: is missing; the rule is: required",
        'HOOK: "http://x.example" has protocol http:; the rule is an absolute https: URL',
        'LIST: items "B c" do not match; the rule is a comma-separated list, each lowercase words',
        "TRIGGERS: is not an array; the rule is a JSON array",
      ]);
      assert.match(error.message, /PORT: .*\n.*MODE/);
    });

    it("names the range an integer left", () => {
      assert.deepEqual(envError(() => parseEnv(schema, { TOKEN: "tok_1", PORT: "0" })).problems, [
        "PORT: 0 is out of range; the rule is an integer in 1..65535",
      ]);
    });

    it("never echoes a secret value", () => {
      const error = envError(() => parseEnv(schema, { TOKEN: "hunter2-secret" }));
      assert.deepEqual(error.problems, ["TOKEN: the value does not match; the rule is starts with tok_"]);
      assert.doesNotMatch(error.message, /hunter2/);
    });

    it("listener config: cross-field rules and topic paths", () => {
      const error = envError(() => readListenerConfig({ HUBSPOT_CLIENT_SECRET: "secret-123", EVENTS_TOPIC: "events" }));
      assert.deepEqual(error.problems, [
        'EVENTS_TOPIC: topic "events" is a bare name but no project is known; the rule is projects/PROJECT/topics/TOPIC or a bare topic name (letter first, 3-255 of [A-Za-z0-9-_.~+%])',
        "DEAD_LETTER_TOPIC: is missing; the rule is: required when EVENTS_TOPIC is set",
      ]);
      const config = readListenerConfig({
        HUBSPOT_CLIENT_SECRET: "secret-123",
        HUBSPOT_CLIENT_SECRET_PREVIOUS: "secret-old",
        GOOGLE_CLOUD_PROJECT: "my-project",
        EVENTS_TOPIC: "events",
        DEAD_LETTER_TOPIC: "projects/other-project/topics/dead",
      });
      assert.equal(config.sink, "pubsub");
      assert.equal(config.eventsTopic, "projects/my-project/topics/events");
      assert.equal(config.deadLetterTopic, "projects/other-project/topics/dead");
      assert.equal(config.secrets.length, 2);
      assert.equal(readListenerConfig({ HUBSPOT_CLIENT_SECRET: "secret-123" }).sink, "jsonl");
      const same = envError(() =>
        readListenerConfig({ HUBSPOT_CLIENT_SECRET: "secret-123", HUBSPOT_CLIENT_SECRET_PREVIOUS: "secret-123" }),
      );
      assert.match(same.problems[0], /^HUBSPOT_CLIENT_SECRET_PREVIOUS: equals HUBSPOT_CLIENT_SECRET/);
      assert.doesNotMatch(same.message, /secret-123/);
      // With another problem present, both are reported at once.
      const both = envError(() =>
        readListenerConfig({
          HUBSPOT_CLIENT_SECRET: "secret-123",
          HUBSPOT_CLIENT_SECRET_PREVIOUS: "secret-123",
          DEDUP_WINDOW_SECONDS: "soon",
        }),
      );
      assert.equal(both.problems.length, 2, both.message);
      assert.ok(both.problems.some((problem) => problem.startsWith("DEDUP_WINDOW_SECONDS: ")));
      assert.ok(both.problems.some((problem) => problem.startsWith("HUBSPOT_CLIENT_SECRET_PREVIOUS: equals")));
      assert.doesNotMatch(both.message, /secret-123/);
    });
  });

  describe("topic paths", () => {
    it("parses full paths and bare names, and names the rule otherwise", () => {
      assert.deepEqual(parseTopicPath("projects/p-12345/topics/t-1", undefined), {
        project: "p-12345",
        topic: "t-1",
        path: "projects/p-12345/topics/t-1",
      });
      assert.equal(parseTopicPath("events", "my-project").path, "projects/my-project/topics/events");
      assert.throws(
        () => parseTopicPath("projects/p-12345/topics/goog-x", undefined),
        /not a valid topic; the rule is/,
      );
      assert.throws(() => parseTopicPath("1abc", "my-project"), /not a valid topic/);
      assert.throws(() => parseTopicPath("projects/BAD/topics/events", undefined), /invalid project/);
    });
  });

  describe("log", () => {
    it("writes Cloud Logging JSON with severity, message, fields and the request's trace", () => {
      const { logger, entries } = captureLogs("DEBUG", "my-project");
      logger.forRequest("105445aa7843bc8bf206b12000100000/1;o=1").info("hello", { events: 3 });
      assert.equal(entries[0].severity, "INFO");
      assert.equal(entries[0].message, "hello");
      assert.equal(entries[0].events, 3);
      assert.equal(
        entries[0]["logging.googleapis.com/trace"],
        "projects/my-project/traces/105445aa7843bc8bf206b12000100000",
      );
      assert.equal(entries[0]["logging.googleapis.com/spanId"], "1");
      assert.deepEqual(traceFields(undefined, "abc/1"), {});
      assert.deepEqual(traceFields("p", "not a trace"), {});
    });

    it("filters by level", () => {
      const { logger, entries } = captureLogs("WARNING");
      logger.debug("no");
      logger.info("no");
      logger.warn("yes");
      logger.error("yes");
      assert.deepEqual(
        entries.map((entry) => entry.severity),
        ["WARNING", "ERROR"],
      );
    });

    it("redacts secret-named fields at any depth and renders errors", () => {
      const { logger, entries } = captureLogs();
      logger.error("boom", {
        clientSecret: "s3cr3t",
        nested: { authorization: "Bearer abc", accessToken: "tok" },
        error: new Error("bad"),
      });
      const line = JSON.stringify(entries[0]);
      assert.doesNotMatch(line, /s3cr3t|Bearer abc|"tok"/);
      assert.deepEqual(entries[0].error, { name: "Error", message: "bad" });
    });
  });
});
