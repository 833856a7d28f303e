import { InvalidInputError } from '../src/errors';
import { parseDuration, parseTime } from '../src/time';

describe('time parsing', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('parses durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1.5d')).toBe(129_600_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('5')).toBeNull();
  });
  it('parses relative, Grafana, epoch and ISO times', () => {
    expect(parseTime('5h', now).toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(parseTime('now-30m', now).toISOString()).toBe('2026-11-23T11:30:00.000Z');
    expect(parseTime('now', now)).toBe(now);
    expect(parseTime('1700000000000', now).getTime()).toBe(1_700_000_000_000);
    expect(parseTime('2026-01-02T03:04:05+01:00', now).toISOString()).toBe('2026-01-02T02:04:05.000Z');
    expect(parseTime('2026-01-02', now).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
  it.each(['yesterday', '1', '2026-13-45', 'NaN', '{"$gt":1}'])('rejects %p', (text) => {
    expect(() => parseTime(text, now)).toThrow(InvalidInputError);
  });
});
