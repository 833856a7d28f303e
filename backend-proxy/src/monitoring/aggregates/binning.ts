import type { FeatureSpec } from '../../store/types';
import type { ColumnStatistics, ReferenceStatistics } from '../reference/types';

/**
 * What ingest needs to count one endpoint's events: column order (counter indices) and, once a
 * reference exists, its bins. Built once per endpoint and reference version, then reused.
 */
export interface ColumnBinning {
  spec: FeatureSpec;
  reference: ColumnStatistics | null;
  /** Category -> bin index, for categorical columns with a reference. */
  categoryIndex: Map<string, number> | null;
}

export interface Binning {
  referenceVersion: number;
  features: ColumnBinning[];
  predictions: ColumnBinning[];
  labels: ColumnBinning[];
}

function columnBinning(spec: FeatureSpec, reference: ColumnStatistics | undefined): ColumnBinning {
  const matches = reference !== undefined && reference.kind === spec.kind ? reference : null;
  return {
    spec,
    reference: matches,
    categoryIndex: matches?.kind === 'categorical' ? new Map(matches.categories.map((c, i) => [c, i])) : null,
  };
}

export function buildBinning(
  columns: { features: FeatureSpec[]; predictions: FeatureSpec[]; labels: FeatureSpec[] },
  reference: { version: number; statistics: ReferenceStatistics } | null,
): Binning {
  const find = (list: ColumnStatistics[] | undefined, name: string) => list?.find((c) => c.name === name);
  return {
    referenceVersion: reference?.version ?? 0,
    features: columns.features.map((f) => columnBinning(f, find(reference?.statistics.features, f.name))),
    predictions: columns.predictions.map((p) =>
      columnBinning(p, find(reference?.statistics.predictions, p.name)),
    ),
    labels: columns.labels.map((l) => columnBinning(l, find(reference?.statistics.labels, l.name))),
  };
}

/** Number of histogram bins of a column with a reference (numeric: edges + 1, categorical: categories + 1). */
export function binCount(column: ColumnBinning): number {
  const ref = column.reference;
  if (!ref) return 0;
  return ref.kind === 'numeric' ? ref.edges.length + 1 : ref.categories.length + 1;
}
