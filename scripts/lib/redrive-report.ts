/**
 * The redrive's summary for a person: what was done (or, in a dry run, what would be) per `reason` attribute.
 * `--json` prints the RedriveSummary itself, unchanged.
 */
import type { RedriveSummary } from "./redrive";

export function describeRedrive(summary: Readonly<RedriveSummary>, excludeReasons: readonly string[] = []): string[] {
  const excluded = new Set(excludeReasons);
  const lines: string[] = [];
  if (summary.dryRun) {
    const kept = Object.entries(summary.reasons)
      .filter(([reason]) => excluded.has(reason))
      .reduce((sum, [, count]) => sum + count, 0);
    lines.push(
      `dry run: read ${summary.pulled}; would republish ${summary.pulled - kept}, would leave ${kept} ` +
        `(excluded reasons); nothing republished or acknowledged`,
    );
  } else {
    lines.push(
      `pulled ${summary.pulled}, republished ${summary.republished}, acknowledged ${summary.acknowledged}, ` +
        `skipped ${summary.skipped}, failed ${summary.failed}`,
    );
  }
  const byCount = Object.entries(summary.reasons).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  for (const [reason, count] of byCount) {
    const verdict = excluded.has(reason) ? " (excluded: stays)" : summary.dryRun ? " (would republish)" : "";
    lines.push(`  reason ${reason}: ${count}${verdict}`);
  }
  return lines;
}
