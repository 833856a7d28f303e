import { InvalidInputError } from './errors';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration like `30s`, `5m`, `2h`, `7d`, `1w`; null when it is not one. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : null;
}

/** ECMAScript's Date range: ±100,000,000 days around 1970. Beyond it a Date is invalid. */
export const MAX_TIME_MS = 8.64e15;
export const isTimeMs = (ms: number): boolean => Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS;

/**
 * A point in time from an ISO-8601 string, epoch milliseconds, Grafana's `now`/`now-6h`, or a
 * duration meaning "that long ago" (`5h`, `30m`).
 */
export function parseTime(text: string, now: Date, name = 'time'): Date {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  const grafana = /^now-(.+)$/.exec(trimmed);
  const ago = parseDuration(grafana ? grafana[1] : trimmed);
  if (ago !== null) return new Date(now.getTime() - ago);
  if (/^\d{10,}$/.test(trimmed)) {
    const ms = Number(trimmed);
    if (isTimeMs(ms)) return new Date(ms);
  }
  // Only full ISO dates: Date.parse accepts too much ("1", "March") to be a validator.
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InvalidInputError(
    `${name} "${text}" is not an ISO time, epoch milliseconds or a duration like 5h`,
  );
}
