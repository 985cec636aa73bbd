/**
 * Command-line parsing shared by the npm scripts: node:util `parseArgs` in strict mode, with the mistakes people make
 * through `npm run` turned into one line naming the problem plus the usage, never a stack trace:
 * - an unknown option or a stray argument (parseArgs' own message);
 * - a doubled `--` (`npm run plan -- -- --json`): everything after the second one arrives as positionals;
 * - a forgotten `--` (`npm run plan --json`): npm keeps the option for itself and hands it to the script only as
 *   the environment variable `npm_config_json` (npm's documented behaviour for unknown config on the command line).
 */
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A usage mistake: the caller prints `message` (already one line plus usage) and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

function npmTookOption(options: Options, env: NodeJS.ProcessEnv): string | undefined {
  // Only when npm started this very script: its children (tests spawning scripts) inherit npm's environment.
  const script = path.basename(process.argv[1] ?? "");
  if (script === "" || !(env.npm_lifecycle_script ?? "").includes(script)) return undefined;
  // npm lowercases and turns dashes into underscores: --config-file -> npm_config_config_file.
  return Object.keys(options).find((name) => {
    const value = env[`npm_config_${name.replace(/-/g, "_")}`];
    return value !== undefined && value !== "";
  });
}

export function parseCommandLine<T extends Options>(
  usage: string,
  options: T,
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>["values"] {
  const taken = npmTookOption(options, env);
  if (taken !== undefined && !argv.includes(`--${taken}`)) {
    throw new UsageError(
      `npm kept --${taken} for itself: put the script's options after a lone \`--\` (npm run ${env.npm_lifecycle_event} -- --${taken} ...)\n${usage}`,
    );
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw error;
    const message = (error as Error).message.split("\n")[0];
    const hint =
      argv.filter((arg) => arg === "--").length > 0 ? " (a second `--` passes what follows as arguments)" : "";
    throw new UsageError(`${message}${hint}\n${usage}`);
  }
}

/** For a script's top level: a UsageError becomes its message and exit code 2. */
export function exitOnUsageError(error: unknown): void {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
