/**
 * `npm run generate [-- --check]`: writes every file derived from a single source (the contract's schemas, the policy
 * pack's rule metadata). With --check it writes nothing and exits 1 naming each stale file, so a test and CI catch a
 * source changed without its derived files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { exitOnUsageError, parseCommandLine } from "./lib/command-line";
import { GENERATORS } from "./generate/index";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: npm run generate [-- --check]";

function current(file: string): string | undefined {
  try {
    return readFileSync(path.join(ROOT, file), "utf8");
  } catch {
    return undefined;
  }
}

/** Every generated file whose content on disk differs from what its source makes. */
export function staleFiles(): string[] {
  return GENERATORS.flatMap((generate) => generate())
    .filter((output) => current(output.file) !== output.content)
    .map((output) => output.file);
}

function main(): void {
  const values = parseCommandLine(USAGE, { check: { type: "boolean", default: false } });
  if (values.check) {
    const stale = staleFiles();
    for (const file of stale) process.stderr.write(`${file} is stale: run npm run generate\n`);
    process.exitCode = stale.length > 0 ? 1 : 0;
    return;
  }
  for (const output of GENERATORS.flatMap((generate) => generate())) {
    if (current(output.file) === output.content) continue;
    writeFileSync(path.join(ROOT, output.file), output.content);
    process.stdout.write(`wrote ${output.file}\n`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    exitOnUsageError(error);
    throw error;
  }
}
