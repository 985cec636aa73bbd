/**
 * The redrive's progress line on a terminal (cli-progress): counts, rate and, with a total, a bar and the time left.
 * The only total the tool knows honestly is `--max`: Pub/Sub's API has no backlog count, and Cloud Monitoring's
 * `num_undelivered_messages` is sampled once a minute and arrives minutes late, so without `--max` there is no ETA.
 * Silent unless both stdout and stderr are terminals: a pipe, a file or `--json` gets the plain summary only.
 */
import { Format, SingleBar } from "cli-progress";
import type { RedriveSummary } from "./redrive";

export interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface RedriveProgress {
  update(summary: Readonly<RedriveSummary>): void;
  stop(): void;
}

/** Progress is for a person at a terminal: both streams must be one (`--json | jq`, `2> log` stay clean). */
export function showsProgress(stdout: { isTTY?: boolean }, stderr: { isTTY?: boolean }): boolean {
  return stdout.isTTY === true && stderr.isTTY === true;
}

export interface ProgressLineInput {
  summary: Pick<RedriveSummary, "pulled" | "republished" | "skipped" | "failed" | "dryRun">;
  /** `--max`, an upper bound: the dead letter may hold fewer. */
  total?: number;
  elapsedMs: number;
  /** Bar drawn by the caller for the total (cli-progress' own). */
  bar?: string;
}

/** 45s, 3m05s, 1h02m. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${pad(Math.floor((seconds % 3600) / 60))}m`;
}

/** One line: what happened so far, how fast, and how long at most is left when a total is known. */
export function progressLine({ summary, total, elapsedMs, bar }: ProgressLineInput): string {
  const counts = summary.dryRun
    ? "nothing republished or acknowledged"
    : `republished ${summary.republished}, skipped ${summary.skipped}, failed ${summary.failed}`;
  const seconds = elapsedMs / 1000;
  // Under a second the rate is noise.
  const rate = seconds >= 1 ? summary.pulled / seconds : undefined;
  const rateText = rate === undefined ? "-/s" : `${rate.toFixed(1)}/s`;
  const head = summary.dryRun ? "redrive (dry run)" : "redrive";
  if (total === undefined) {
    return `${head} ${summary.pulled} pulled | ${counts} | ${rateText} | time left unknown (no --max)`;
  }
  const left =
    rate === undefined || rate === 0
      ? "time left -"
      : `at most ${formatDuration((total - summary.pulled) / rate)} left`;
  return `${head} ${bar ? `${bar} ` : ""}${summary.pulled}/${total} | ${counts} | ${rateText} | ${left}`;
}

/** A cli-progress bar on `stream` showing `progressLine`; `now` is injectable for tests. */
export function createRedriveProgress(options: {
  stream: ProgressStream;
  total?: number;
  dryRun: boolean;
  now?: () => number;
}): RedriveProgress {
  const now = options.now ?? Date.now;
  const started = now();
  let latest: ProgressLineInput["summary"] = {
    pulled: 0,
    republished: 0,
    skipped: 0,
    failed: 0,
    dryRun: options.dryRun,
  };
  const bar = new SingleBar({
    stream: options.stream,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 20,
    barCompleteChar: "\u2588",
    barIncompleteChar: "\u2591",
    // cli-progress calls this on each redraw (throttled to its fps) with its own bar progress.
    format: (formatOptions, params) =>
      progressLine({
        summary: latest,
        total: options.total,
        elapsedMs: now() - started,
        bar: options.total === undefined ? undefined : Format.BarFormat(params.progress, formatOptions),
      }),
  });
  bar.start(options.total ?? 0, 0);
  return {
    update(summary) {
      latest = { ...summary };
      bar.update(summary.pulled);
    },
    stop() {
      bar.stop();
    },
  };
}
