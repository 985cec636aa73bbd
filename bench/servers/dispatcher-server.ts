// The real dispatcher in a process of its own for the benchmarks, against the Application Integration stand-in named
// by INTEGRATIONS_ENDPOINT. Only the token source and the dead-letter publisher are replaced: no GCP credentials here.
import { createDispatcher, readDispatcherConfig } from "../../runtime/dispatcher";
import { Logger } from "../../runtime/shared/log";

async function main(): Promise<void> {
  let deadLettered = 0;
  const dispatcher = createDispatcher({
    config: readDispatcherConfig(process.env),
    auth: { getRequestHeaders: async () => new Headers({ authorization: "Bearer bench-token" }) },
    deadLetter: async () => String(++deadLettered),
    logger: new Logger({ level: "WARNING", fields: { role: "dispatcher" } }),
  });
  const port = await dispatcher.listen(0, "127.0.0.1");
  process.send?.({ ready: true, port });
  process.on("message", () => process.send?.({ deadLettered }));
  process.on("SIGTERM", () => void dispatcher.close().then(() => process.exit(0)));
}

void main();
