import { UnprocessableError } from '../../errors';
import type { FeatureKind } from '../../store/types';
import { asNumber, isMissing } from './columnValues';
import type { ReferenceStatistics } from './types';
import { ReferenceAccumulator, type ReferenceColumns } from './referenceAccumulator';

export type Row = Record<string, unknown>;

/** A column is numeric when every present value reads as a finite number. */
export function inferKind(rows: Row[], column: string): FeatureKind {
  let present = 0;
  for (const row of rows) {
    const value = row[column];
    if (isMissing(value)) continue;
    present += 1;
    if (typeof value === 'boolean' || asNumber(value) === null) return 'categorical';
  }
  return present === 0 ? 'categorical' : 'numeric';
}

/** Statistics and bin edges of every feature, prediction and label column of rows in memory (ReferenceAccumulator). */
export function computeReference(rows: Row[], columns: ReferenceColumns): ReferenceStatistics {
  if (rows.length === 0) throw new UnprocessableError('the reference has no rows');
  const names = [
    ...new Set([...columns.features, ...columns.predictions, ...columns.labels].map((c) => c.name)),
  ];
  const accumulator = new ReferenceAccumulator(names);
  const feed = (visit: (cells: unknown[]) => void) => {
    const cells = new Array<unknown>(names.length);
    for (const row of rows) {
      for (let i = 0; i < names.length; i++) cells[i] = row[names[i]];
      visit(cells);
    }
  };
  feed((cells) => accumulator.profile(cells));
  if (accumulator.plan(columns)) feed((cells) => accumulator.count(cells));
  return accumulator.result();
}
