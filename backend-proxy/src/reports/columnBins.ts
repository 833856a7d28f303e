import { binIndex, equalWidthEdges } from '../monitoring/stats/histogramEdges';
import { asNumber } from '../monitoring/reference/columnValues';
import { MAX_CATEGORIES, NUMERIC_BIN_COUNT } from '../monitoring/reference/types';
import { distinctOf, profileKind, type ColumnProfile } from './columnProfile';

/**
 * The bins a reference column fixes, by Driftwatch's reference rules (computeReference.ts), so a
 * report's histograms are the ones a registered reference would have:
 *   numeric: NUMERIC_BIN_COUNT (20) equal-width bins over [min, max] + an open bin below and above;
 *   categorical: the MAX_CATEGORIES (50) most frequent categories (ties by name), then "other".
 * Built from a pass-1 profile; the reference histogram too when the profile kept enough to count
 * it (frequencies or raw values), otherwise a second pass counts it.
 */

export interface NumericBins {
  kind: 'numeric';
  edges: number[];
  min: number;
  max: number;
  /** Distinct numbers in the reference; null past the tracked maximum. */
  distinct: number | null;
}

export interface CategoricalBins {
  kind: 'categorical';
  categories: string[];
  /** Category -> bin; anything else goes to the last bin, "other". */
  index: Map<string, number>;
  /** Every category the reference had (not only the kept ones), to find new categories. */
  known: ReadonlySet<string>;
  distinct: number;
}

export type ColumnBins = NumericBins | CategoricalBins;

export type BinsOrSkip = { bins: ColumnBins; skipped: null } | { bins: null; skipped: string };

export function binCountOf(bins: ColumnBins): number {
  return bins.kind === 'numeric' ? bins.edges.length + 1 : bins.categories.length + 1;
}

export function columnBins(profile: ColumnProfile, maxTrackedDistinct: number): BinsOrSkip {
  if (profile.numeric + profile.nonNumeric === 0)
    return { bins: null, skipped: 'no values in the reference' };
  if (profileKind(profile) === 'numeric') {
    let edges: number[];
    try {
      edges = equalWidthEdges(profile.min, profile.max, NUMERIC_BIN_COUNT);
    } catch (err) {
      // float64 cannot split some ranges into distinct edges (e.g. a constant above ~4.5e15).
      return { bins: null, skipped: `cannot be binned: ${(err as Error).message}` };
    }
    return {
      bins: { kind: 'numeric', edges, min: profile.min, max: profile.max, distinct: distinctOf(profile) },
      skipped: null,
    };
  }
  if (!profile.frequencies) {
    // An identifier or free text: its bins would be "other" for every new row, and tracking it is unbounded.
    return {
      bins: null,
      skipped: `more than ${maxTrackedDistinct} distinct values (an identifier or free text?)`,
    };
  }
  // Most frequent first; ties by name, as categoricalColumnStatistics, so the bins are deterministic.
  const ranked = [...profile.frequencies.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const categories = ranked.slice(0, MAX_CATEGORIES).map(([category]) => category);
  return {
    bins: {
      kind: 'categorical',
      categories,
      index: new Map(categories.map((category, i) => [category, i])),
      known: new Set(profile.frequencies.keys()),
      distinct: profile.frequencies.size,
    },
    skipped: null,
  };
}

/** The reference histogram from pass 1 alone, or null when a second pass must count it. */
export function histogramFromProfile(bins: ColumnBins, profile: ColumnProfile): number[] | null {
  const counts = new Array<number>(binCountOf(bins)).fill(0);
  if (bins.kind === 'categorical') {
    for (const [category, n] of profile.frequencies ?? [])
      counts[bins.index.get(category) ?? bins.categories.length] += n;
    return counts;
  }
  if (profile.frequencies) {
    for (const [key, n] of profile.frequencies) {
      const value = asNumber(key);
      if (value !== null) counts[binIndex(bins.edges, value)] += n;
    }
    return counts;
  }
  if (profile.values) {
    for (const value of profile.values) counts[binIndex(bins.edges, value)] += 1;
    return counts;
  }
  return null;
}
