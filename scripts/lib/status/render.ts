/** `npm run status` as text: a header, then one line per trigger (state, since, last verified, dead letters, error). */
import type { StackStatus } from "./collect";

const iso = (ms: number | undefined): string => (ms === undefined ? "-" : new Date(ms).toISOString());

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd(),
  );
}

export function renderStatus(status: StackStatus): string {
  const header =
    `stack ${status.stack} · status database ${status.statusDatabase} · registration ${status.mode} · ` +
    `read ${iso(status.readAt)}` +
    (status.mode === "api" ? ` · HubSpot ${status.hubspot.detail}` : "");
  const rows = [
    ["TRIGGER", "STATE", "SINCE", "LAST VERIFIED", "DEAD LETTERS", "LAST ERROR / WHY"],
    ...status.triggers.map((t) => [
      t.name,
      t.state,
      iso(t.since),
      iso(t.lastVerifiedAt),
      String(t.deadLetters),
      // Active: the last error, if any, is history; otherwise why the trigger is not Active.
      t.state === "Active"
        ? t.lastError
          ? `${t.lastError} (${iso(t.lastErrorAt)})`
          : "-"
        : t.reasons.join("; ") + (t.lastError ? `; last error: ${t.lastError} (${iso(t.lastErrorAt)})` : ""),
    ]),
  ];
  return [header, ...table(rows)].join("\n") + "\n";
}
