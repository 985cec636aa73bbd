/**
 * Epoch milliseconds -> ISO 8601 (`2026-12-02T03:04:05.678Z`), the same text as `Date.prototype.toISOString` for the
 * years an event may carry (2000..9999, normalize.ts). Why not toISOString: it allocates a Date and formats the date
 * part again for every event, 0.7 us each in the profile, while the events of a batch fall on a handful of days;
 * here the day's prefix is computed by toISOString once and reused, and only the time of day is formatted.
 * Pinned against toISOString over the whole range by test/listener/iso-time.spec.ts.
 */
const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedPrefix = "";

const pad2 = (value: number): string => (value < 10 ? `0${value}` : `${value}`);
const pad3 = (value: number): string => (value < 10 ? `00${value}` : value < 100 ? `0${value}` : `${value}`);

export function isoTime(epochMillis: number): string {
  const day = Math.floor(epochMillis / DAY_MS);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11); // "YYYY-MM-DDT"
    cachedDay = day;
  }
  let rest = epochMillis - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${cachedPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(millis)}Z`;
}
