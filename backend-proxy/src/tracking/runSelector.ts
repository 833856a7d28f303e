import { InvalidInputError } from '../errors';

/**
 * omega-ml's run selector: `all`, a run number, `-1` (latest) / `-2` (the one before), a comma
 * list, or an inclusive range `2-5`. Resolved against the experiment's run numbers, ascending.
 * Returns undefined for `all`.
 */
export function resolveRunSelector(selector: string, runNumbers: number[]): number[] | undefined {
  const text = selector.trim();
  if (text === 'all' || text === '*') return undefined;
  const chosen = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const single = /^(-?\d+)$/.exec(part);
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (single) {
      const n = Number(single[1]);
      if (n < 0) {
        const run = runNumbers[runNumbers.length + n];
        if (run !== undefined) chosen.add(run);
      } else if (n > 0) {
        chosen.add(n);
      } else {
        throw new InvalidInputError('run 0 does not exist: runs are numbered from 1, -1 is the latest');
      }
    } else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) throw new InvalidInputError(`run range "${part}" is reversed`);
      for (const run of runNumbers) if (run >= from && run <= to) chosen.add(run);
    } else {
      throw new InvalidInputError(`invalid run selector "${part}": use all, 3, -1, 1,2,3 or 2-5`);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}
