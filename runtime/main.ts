/**
 * The entry point Cloud Run runs (`node dist/runtime/main.js`; locally `npm run listener`): reads ROLE, starts the
 * listener (public, HubSpot-facing) or the dispatcher (private, Pub/Sub push-facing), and shuts down gracefully on
 * SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush publishers, exit. Cloud Run gives 10 s after
 * SIGTERM before SIGKILL.
 */
import { EnvError, parseEnv, ROLE_ENV_SCHEMA } from "../contract/runtime-env";
import { Logger } from "./shared/log";
import { startDispatcher } from "./dispatcher";
import { startListener } from "./listener";

export interface RunningService {
  close(): Promise<void>;
}

export async function startRole(env: NodeJS.ProcessEnv, logger: Logger): Promise<RunningService> {
  const { ROLE } = parseEnv(ROLE_ENV_SCHEMA, env);
  if (ROLE === "dispatcher") return startDispatcher(env, { logger });
  return startListener(env, { logger });
}

async function main(): Promise<void> {
  const logger = new Logger({ fields: { role: process.env.ROLE ?? "listener" } });
  let service: RunningService;
  try {
    service = await startRole(process.env, logger);
  } catch (error) {
    if (error instanceof EnvError) {
      logger.error("configuration is invalid", { problems: error.problems });
      process.exit(78); // EX_CONFIG: a bad revision, not a crash worth restarting in a loop
    }
    logger.error("service failed to start", { error });
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

if (require.main === module) void main();
