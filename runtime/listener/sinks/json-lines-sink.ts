/**
 * Local default: each ConnectorEventPayload as one JSON line on stdout or appended to a file (LOCAL_SINK_FILE), so
 * a newcomer sees events flow with no cloud and no emulator. Line shape: `{"attributes": {...}, "payload": {...}}`,
 * dead letters `{"deadLetter": {"reason", "reasonDetail"}, "data": "<the event's bytes as text>"}`, or with
 * `"dataEncoding": "base64"` when the bytes are not valid UTF-8 (a JSON string cannot hold them as they are).
 * Events Pub/Sub would refuse are refused here too, so local runs show what production would do. Resolves once
 * the stream accepted the write (the file sink: written to the OS).
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { isUtf8 } from "node:buffer";
import type { Writable } from "node:stream";
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { eventMessage, type DeadLetter, type EventSink, type PublishOutcome, type ReadyState } from "./sink";

export class JsonLinesSink implements EventSink {
  readonly kind = "jsonl";
  private readonly out: Writable;
  private readonly file: WriteStream | undefined;

  /** `file` undefined: stdout. */
  constructor(readonly target: string | undefined) {
    this.file = target ? createWriteStream(target, { flags: "a" }) : undefined;
    this.out = this.file ?? process.stdout;
  }

  async publish(payloads: readonly ConnectorEventPayload[]): Promise<PublishOutcome[]> {
    let text = "";
    const outcomes = payloads.map((payload): PublishOutcome => {
      const built = eventMessage(payload, false);
      if (!built.ok) return built.outcome;
      // The message's data is the payload's JSON already: spliced in, not serialised a second time.
      text += `{"attributes":${JSON.stringify(built.message.attributes)},"payload":${built.message.data.toString("utf8")}}\n`;
      return { status: "published" };
    });
    try {
      await this.write(text);
      return outcomes;
    } catch (error) {
      return outcomes.map((outcome) => (outcome.status === "published" ? { status: "failed", error } : outcome));
    }
  }

  deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    let text = "";
    for (const letter of letters) {
      text +=
        JSON.stringify({
          deadLetter: { reason: letter.reason, reasonDetail: letter.reasonDetail },
          ...(isUtf8(letter.data)
            ? { data: letter.data.toString("utf8") }
            : { data: letter.data.toString("base64"), dataEncoding: "base64" }),
        }) + "\n";
    }
    return this.write(text);
  }

  async ready(): Promise<ReadyState> {
    return {
      ready: true,
      detail: this.target ? `writing JSON lines to ${this.target}` : "writing JSON lines to stdout",
    };
  }

  close(): Promise<void> {
    if (!this.file) return Promise.resolve();
    const file = this.file;
    return new Promise((resolve) => file.end(resolve));
  }

  private write(text: string): Promise<void> {
    if (text === "") return Promise.resolve();
    return new Promise((resolve, reject) => this.out.write(text, (error) => (error ? reject(error) : resolve())));
  }
}
