import { asCategory, asNumber, isMissing } from '../monitoring/reference/columnValues';

/**
 * Pass 1 over one column of a dataset, value by value, in bounded memory: how many values are
 * missing / numeric / not numeric (the kind), numeric min, max and running sums, and, up to a cap,
 * the frequency of every distinct value (categorical bins, distinct counts) and the raw numeric
 * values (exact ks and wasserstein on small samples). Past a cap the map or list is dropped, so a
 * column never holds more than `maxTrackedDistinct` strings and `rawValueLimit` numbers.
 */

export interface ProfileLimits {
  maxTrackedDistinct: number;
  rawValueLimit: number;
}

export interface ColumnProfile {
  name: string;
  /** Values seen, present or missing. */
  rows: number;
  /** null, undefined, '' or NaN (CSV missing markers arrive as null). */
  missing: number;
  /** Present values that read as finite numbers; booleans are not counted, so they stay categorical as in `inferKind`. */
  numeric: number;
  nonNumeric: number;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
  /** Present values by `asCategory`; null past `maxTrackedDistinct` distinct values. */
  frequencies: Map<string, number> | null;
  /** The numeric values in reading order; null past `rawValueLimit` of them. */
  values: number[] | null;
}

/** Numeric when every present value is a number, as Driftwatch's `inferKind`; categorical otherwise (and when empty). */
export function profileKind(profile: ColumnProfile): 'numeric' | 'categorical' {
  return profile.numeric > 0 && profile.nonNumeric === 0 ? 'numeric' : 'categorical';
}

/** Distinct present values (numbers, for a numeric column: "1" and "1.0" are one), or null past the tracked maximum. */
export function distinctOf(profile: ColumnProfile): number | null {
  if (!profile.frequencies) return null;
  if (profileKind(profile) === 'categorical') return profile.frequencies.size;
  return new Set([...profile.frequencies.keys()].map((key) => asNumber(key))).size;
}

/** The number of the value when it counts as numeric (not boolean), else null. */
export function numericValue(value: unknown): number | null {
  return typeof value === 'boolean' ? null : asNumber(value);
}

export class ColumnProfiler {
  private readonly profile: ColumnProfile;

  constructor(
    name: string,
    private readonly limits: ProfileLimits,
  ) {
    this.profile = {
      name,
      rows: 0,
      missing: 0,
      numeric: 0,
      nonNumeric: 0,
      min: Infinity,
      max: -Infinity,
      sum: 0,
      sumSquares: 0,
      frequencies: new Map(),
      values: limits.rawValueLimit > 0 ? [] : null,
    };
  }

  add(value: unknown): void {
    const p = this.profile;
    p.rows += 1;
    if (isMissing(value)) {
      p.missing += 1;
      return;
    }
    const n = numericValue(value);
    if (n === null) {
      p.nonNumeric += 1;
    } else {
      p.numeric += 1;
      if (n < p.min) p.min = n;
      if (n > p.max) p.max = n;
      p.sum += n;
      p.sumSquares += n * n;
      if (p.values) {
        if (p.values.length < this.limits.rawValueLimit) p.values.push(n);
        else p.values = null;
      }
    }
    if (p.frequencies) {
      const key = asCategory(value);
      const seen = p.frequencies.get(key);
      if (seen !== undefined) p.frequencies.set(key, seen + 1);
      else if (p.frequencies.size < this.limits.maxTrackedDistinct) p.frequencies.set(key, 1);
      else p.frequencies = null;
    }
  }

  result(): ColumnProfile {
    return this.profile;
  }
}
