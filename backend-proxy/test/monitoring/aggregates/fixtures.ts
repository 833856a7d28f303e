/**
 * A small reference the aggregate tests count on, chosen so every bin can be worked out by hand:
 * numeric feature `x` with edges [0, 10, 20] has bins (-inf, 0), [0, 10), [10, 20], (20, inf)
 * (20 itself falls in the last inner bin), categorical feature `c` has bins a, b, other, and the
 * categorical prediction `label` has bins yes, no, other.
 */
import type {
  CategoricalColumnStatistics,
  NumericColumnStatistics,
  ReferenceStatistics,
} from '../../../src/monitoring/reference/types';
import { buildBinning, type Binning } from '../../../src/monitoring/aggregates/binning';

export const X_REFERENCE: NumericColumnStatistics = {
  name: 'x',
  kind: 'numeric',
  count: 4,
  missing: 0,
  counts: [0, 2, 2, 0],
  mean: 10,
  std: 5,
  min: 0,
  max: 20,
  quantiles: { p05: 1, p25: 5, p50: 10, p75: 15, p95: 19 },
  edges: [0, 10, 20],
};

const categorical = (name: string, categories: string[]): CategoricalColumnStatistics => ({
  name,
  kind: 'categorical',
  count: categories.length,
  missing: 0,
  counts: [...categories.map(() => 1), 0],
  categories,
  distinct: categories.length,
});

export const C_REFERENCE = categorical('c', ['a', 'b']);
export const LABEL_REFERENCE = categorical('label', ['yes', 'no']);

export const REFERENCE: ReferenceStatistics = {
  features: [X_REFERENCE, C_REFERENCE],
  predictions: [LABEL_REFERENCE],
  labels: [],
};

export const COLUMNS = {
  features: [
    { name: 'x', kind: 'numeric' as const },
    { name: 'c', kind: 'categorical' as const },
  ],
  predictions: [{ name: 'label', kind: 'categorical' as const }],
  labels: [],
};

/** The endpoint's binning on reference version 3. */
export const referenceBinning = (): Binning => buildBinning(COLUMNS, { version: 3, statistics: REFERENCE });
