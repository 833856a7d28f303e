import { InvalidInputError } from '../errors';
import { parseTime } from '../time';

/** [from, to) from `from`/`to` (ISO, epoch ms, now-1h, or a duration ago), defaulting to the last hour. */
export function timeRange(
  q: { from?: string; to?: string },
  now: Date,
  defaultMs = 3_600_000,
): { from: number; to: number } {
  const to = q.to === undefined ? now.getTime() : parseTime(q.to, now, 'to').getTime();
  const from = q.from === undefined ? to - defaultMs : parseTime(q.from, now, 'from').getTime();
  if (from >= to)
    throw new InvalidInputError(
      `"from" (${new Date(from).toISOString()}) must be before "to" (${new Date(to).toISOString()})`,
    );
  return { from, to };
}
