import { CronExpressionParser } from 'cron-parser';
import { InvalidInputError } from '../../errors';

/** A job schedule: what the user wrote and the five-field cron expression it means (UTC). */
export interface Schedule {
  text: string;
  cron: string;
}

const NAMED: Record<string, string> = {
  hourly: '0 * * * *',
  // Once a day at midnight UTC (omega-ml's `daily` ran every minute; this one does not).
  daily: '0 0 * * *',
  weekly: '0 0 * * 0',
  monthly: '0 0 1 * *',
};

/**
 * `hourly`, `daily`, `weekly`, `monthly`, `daily at HH:MM` (UTC), or a five-field cron expression
 * (minute hour day-of-month month day-of-week).
 */
export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const named = NAMED[trimmed];
  if (named) return { text: trimmed, cron: named };
  const at = /^daily at (\d{1,2}):(\d{2})$/.exec(trimmed);
  if (at) {
    const [hour, minute] = [Number(at[1]), Number(at[2])];
    if (hour > 23 || minute > 59) throw new InvalidInputError(`schedule "${text}": no such time of day`);
    return { text: trimmed, cron: `${minute} ${hour} * * *` };
  }
  if (trimmed.split(' ').length !== 5) {
    throw new InvalidInputError(
      `schedule "${text}" is not hourly, daily, weekly, monthly, "daily at HH:MM" or a five-field cron expression`,
    );
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: 'UTC' }).next();
  } catch (err) {
    throw new InvalidInputError(`schedule "${text}": ${(err as Error).message}`);
  }
  return { text: trimmed, cron: trimmed };
}

/** The first time strictly after `after` that the schedule fires. */
export function nextRun(schedule: Schedule, after: Date): Date {
  return CronExpressionParser.parse(schedule.cron, { currentDate: after, tz: 'UTC' }).next().toDate();
}
