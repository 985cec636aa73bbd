/**
 * Local default: each ConnectorEventPayload as one JSON line on stdout or appended to a file (LOCAL_SINK_FILE), so
 * a newcomer sees events flow with no cloud and no emulator. Line shape: `{"attributes": {...}, "payload": {...}}`,
 * dead letters `{"deadLetter": {"reason", "reasonDetail"}, "data": "<event JSON>"}`. Resolves once the stream
 * accepted the write (the file sink: written to the OS).
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";
import type { ConnectorEventPayload } from "../../shared/connector-event-payload";
import { eventAttributes, type DeadLetter, type EventSink, type ReadyState } from "./sink";

export class JsonLinesSink implements EventSink {
  readonly kind = "jsonl";
  private readonly out: Writable;
  private readonly file: WriteStream | undefined;

  /** `file` undefined: stdout. */
  constructor(readonly target: string | undefined) {
    this.file = target ? createWriteStream(target, { flags: "a" }) : undefined;
    this.out = this.file ?? process.stdout;
  }

  publish(payloads: readonly ConnectorEventPayload[]): Promise<void> {
    let text = "";
    for (const payload of payloads) text += JSON.stringify({ attributes: eventAttributes(payload), payload }) + "\n";
    return this.write(text);
  }

  deadLetter(letters: readonly DeadLetter[]): Promise<void> {
    let text = "";
    for (const letter of letters) {
      text +=
        JSON.stringify({
          deadLetter: { reason: letter.reason, reasonDetail: letter.reasonDetail },
          data: letter.data.toString("utf8"),
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
