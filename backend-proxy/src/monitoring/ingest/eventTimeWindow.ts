/**
 * Which prediction times are accepted, for every form (`timestamp` or MLRun's `when`; ISO text or
 * epoch milliseconds): not older than the minute aggregates are kept (older minutes are pruned, so
 * no dashboard would ever show them) and not further in the future than a small clock skew.
 */
import { InvalidInputError } from '../../errors';
import { DEFAULT_RETENTION } from '../evaluation/retention';

export interface EventTimeWindow {
  maxAgeMs: number;
  maxFutureSkewMs: number;
}

export const DEFAULT_EVENT_TIME_WINDOW: EventTimeWindow = {
  maxAgeMs: DEFAULT_RETENTION.minuteAggregatesMs,
  maxFutureSkewMs: 5 * 60_000,
};

/** Throws, naming the event's index, unless `time` lies within the window around `now`. */
export function checkEventTime(time: Date, index: number, now: Date, window: EventTimeWindow): void {
  const t = time.getTime();
  const earliest = now.getTime() - window.maxAgeMs;
  const latest = now.getTime() + window.maxFutureSkewMs;
  if (t >= earliest && t <= latest) return;
  throw new InvalidInputError(`event ${index}: timestamp is outside the accepted window`, [
    {
      path: `events.${index}.timestamp`,
      message:
        `accepted times are ${new Date(earliest).toISOString()} to ${new Date(latest).toISOString()} ` +
        `(at most ${Math.round(window.maxAgeMs / 86_400_000)} days old, ` +
        `${Math.round(window.maxFutureSkewMs / 1000)} s ahead)`,
    },
  ]);
}
