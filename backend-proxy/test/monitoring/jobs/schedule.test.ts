import { InvalidInputError } from '../../../src/errors';
import { nextRun, parseSchedule } from '../../../src/monitoring/jobs/schedule';

const at = (iso: string) => new Date(iso);
/** Every firing time in [from, to). */
function firings(text: string, from: string, to: string): string[] {
  const schedule = parseSchedule(text);
  const out: string[] = [];
  let t = nextRun(schedule, new Date(Date.parse(from) - 1));
  while (t.getTime() < Date.parse(to)) {
    out.push(t.toISOString());
    t = nextRun(schedule, t);
  }
  return out;
}

describe('schedules', () => {
  it('daily fires once per day, at midnight UTC (not every minute)', () => {
    expect(firings('daily', '2026-03-01T00:00:00Z', '2026-03-04T00:00:00Z')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
    ]);
    expect(nextRun(parseSchedule('daily'), at('2026-03-01T00:00:30Z')).toISOString()).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });

  it('knows hourly, weekly, monthly and "daily at HH:MM"', () => {
    expect(firings('hourly', '2026-03-01T10:30:00Z', '2026-03-01T13:00:00Z')).toEqual([
      '2026-03-01T11:00:00.000Z',
      '2026-03-01T12:00:00.000Z',
    ]);
    // 2026-03-01 is a Sunday.
    expect(firings('weekly', '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-08T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
    ]);
    expect(firings('monthly', '2026-01-15T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(parseSchedule('Daily  at 06:00')).toEqual({ text: 'daily at 06:00', cron: '0 6 * * *' });
    expect(firings('daily at 06:00', '2026-03-01T06:00:00Z', '2026-03-03T00:00:00Z')).toEqual([
      '2026-03-01T06:00:00.000Z',
      '2026-03-02T06:00:00.000Z',
    ]);
  });

  it('handles cron edge cases: steps, month ends, leap days, weekday lists', () => {
    expect(firings('*/15 * * * *', '2026-03-01T00:00:00Z', '2026-03-01T01:00:00Z')).toHaveLength(4);
    // The 31st exists in Jan and Mar, not Feb.
    expect(firings('0 0 31 * *', '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    expect(nextRun(parseSchedule('0 12 29 2 *'), at('2026-01-01T00:00:00Z')).toISOString()).toBe(
      '2028-02-29T12:00:00.000Z',
    );
    expect(firings('30 8 * * 1-5', '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-06T08:30:00.000Z',
      '2026-03-09T08:30:00.000Z',
    ]);
  });

  it.each([
    'every minute',
    '61 * * * *',
    '* * * *',
    '0 0 * * * *',
    'daily at 24:00',
    'daily at 6',
    '0 0 30 2 *',
    '',
  ])('rejects %p with a clear error', (text) => {
    expect(() => parseSchedule(text)).toThrow(InvalidInputError);
  });
});
