import { alignDown, alignUp, resolutionForStep, tileRange } from '../../../src/monitoring/aggregates/tiling';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2024-01-01T00:00Z, a day boundary. */
const D0 = Date.UTC(2024, 0, 1);

describe('tiling', () => {
  it('aligns down and up to multiples of the interval', () => {
    expect(alignDown(D0 + 90_000, MINUTE)).toBe(D0 + MINUTE);
    expect(alignUp(D0 + 90_000, MINUTE)).toBe(D0 + 2 * MINUTE);
    expect(alignDown(D0 + MINUTE, MINUTE)).toBe(D0 + MINUTE);
    expect(alignUp(D0 + MINUTE, MINUTE)).toBe(D0 + MINUTE);
  });

  it('an empty or reversed range has no tiles', () => {
    expect(tileRange(D0, D0)).toEqual([]);
    expect(tileRange(D0 + HOUR, D0)).toEqual([]);
  });

  it('a range inside one hour is read as minutes, widened to whole minutes', () => {
    expect(tileRange(D0 + 10 * MINUTE + 5_000, D0 + 20 * MINUTE + 1)).toEqual([
      { resolution: 'minute', from: D0 + 10 * MINUTE, to: D0 + 21 * MINUTE },
    ]);
  });

  it('10:50 to 13:10 is minutes, two hours, minutes', () => {
    expect(tileRange(D0 + 10 * HOUR + 50 * MINUTE, D0 + 13 * HOUR + 10 * MINUTE)).toEqual([
      { resolution: 'minute', from: D0 + 10 * HOUR + 50 * MINUTE, to: D0 + 11 * HOUR },
      { resolution: 'hour', from: D0 + 11 * HOUR, to: D0 + 13 * HOUR },
      { resolution: 'minute', from: D0 + 13 * HOUR, to: D0 + 13 * HOUR + 10 * MINUTE },
    ]);
  });

  it('day 0 22:30 to day 3 01:15 is minutes, hours, two days, an hour, minutes', () => {
    expect(tileRange(D0 + 22 * HOUR + 30 * MINUTE, D0 + 3 * DAY + HOUR + 15 * MINUTE)).toEqual([
      { resolution: 'minute', from: D0 + 22 * HOUR + 30 * MINUTE, to: D0 + 23 * HOUR },
      { resolution: 'hour', from: D0 + 23 * HOUR, to: D0 + DAY },
      { resolution: 'day', from: D0 + DAY, to: D0 + 3 * DAY },
      { resolution: 'hour', from: D0 + 3 * DAY, to: D0 + 3 * DAY + HOUR },
      { resolution: 'minute', from: D0 + 3 * DAY + HOUR, to: D0 + 3 * DAY + HOUR + 15 * MINUTE },
    ]);
  });

  it('whole hours and whole days need no finer tiles', () => {
    expect(tileRange(D0 + HOUR, D0 + 3 * HOUR)).toEqual([
      { resolution: 'hour', from: D0 + HOUR, to: D0 + 3 * HOUR },
    ]);
    expect(tileRange(D0, D0 + 2 * DAY)).toEqual([{ resolution: 'day', from: D0, to: D0 + 2 * DAY }]);
  });

  it('a 30-day window from 22:01 reads 29 days, 23 hours and 60 minutes, not 43,200 minutes', () => {
    const from = D0 + 22 * HOUR + MINUTE;
    const to = from + 30 * DAY;
    const tiles = tileRange(from, to);
    // Tiles are contiguous and cover exactly [from, to).
    expect(tiles[0].from).toBe(from);
    expect(tiles[tiles.length - 1].to).toBe(to);
    tiles.slice(1).forEach((t, i) => expect(t.from).toBe(tiles[i].to));
    const records = (resolution: string, ms: number) =>
      tiles.filter((t) => t.resolution === resolution).reduce((n, t) => n + (t.to - t.from) / ms, 0);
    // Minutes: 59 up to 23:00 and 1 after 22:00 on the last day; hours: 1 up to midnight and 22 on the last day.
    expect(records('minute', MINUTE)).toBe(59 + 1);
    expect(records('hour', HOUR)).toBe(1 + 22);
    expect(records('day', DAY)).toBe(29);
  });

  it('picks the coarsest resolution that divides the step', () => {
    expect(resolutionForStep(2 * DAY)).toBe('day');
    expect(resolutionForStep(6 * HOUR)).toBe('hour');
    expect(resolutionForStep(90 * MINUTE)).toBe('minute');
    expect(resolutionForStep(MINUTE)).toBe('minute');
  });
});
