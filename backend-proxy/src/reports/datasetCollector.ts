import { BinCounter, type BinCounts } from './binCounts';
import { columnBins, histogramFromProfile, type ColumnBins } from './columnBins';
import { ColumnProfiler, type ColumnProfile } from './columnProfile';
import type { DatasetInfo } from './types';

/**
 * The passes of a comparison over two datasets, fed one record at a time so that files can be
 * streamed and rows in memory take the same path:
 *   1. every reference record: profiles (kind, moments, frequencies, small raw samples);
 *   then the reference's bins; 2. only if some numeric column kept neither its frequencies nor its
 *   raw values: every reference record again, to count it on its bins;
 *   3. every current record: profiles and counts on the reference's bins.
 * Only the columns both datasets have are compared. Memory is bounded per column (see ColumnProfiler).
 */

export interface CollectorLimits {
  rawValueLimit: number;
  maxTrackedDistinct: number;
}

export interface DatasetHeader {
  source: string;
  columns: readonly string[];
}

export interface CollectedColumn {
  name: string;
  reference: ColumnProfile;
  current: ColumnProfile;
  bins: ColumnBins | null;
  /** Why the column has no bins (and so no test). */
  skipped: string | null;
  referenceHistogram: number[] | null;
  currentCounts: BinCounts | null;
}

export interface CollectedDatasets {
  reference: DatasetInfo;
  current: DatasetInfo;
  /** Columns of both datasets, in the reference's order. */
  columns: CollectedColumn[];
  onlyInReference: string[];
  onlyInCurrent: string[];
  limits: CollectorLimits;
}

type Phase = 'reference' | 'reference-again' | 'current' | 'done';

interface SharedColumn {
  name: string;
  referenceIndex: number;
  currentIndex: number;
  referenceProfiler: ColumnProfiler;
  currentProfiler: ColumnProfiler;
  bins: ColumnBins | null;
  skipped: string | null;
  referenceHistogram: number[] | null;
  /** Set for the columns pass 2 counts. */
  referenceCounter: BinCounter | null;
  currentCounter: BinCounter | null;
}

export class DatasetCollector {
  private phase: Phase = 'reference';
  private readonly shared: SharedColumn[];
  private referenceRows = 0;
  private currentRows = 0;

  constructor(
    private readonly reference: DatasetHeader,
    private readonly current: DatasetHeader,
    private readonly limits: CollectorLimits,
  ) {
    const currentIndex = new Map(current.columns.map((name, i) => [name, i]));
    this.shared = [];
    reference.columns.forEach((name, referenceIndex) => {
      const index = currentIndex.get(name);
      if (index === undefined) return;
      this.shared.push({
        name,
        referenceIndex,
        currentIndex: index,
        referenceProfiler: new ColumnProfiler(name, limits),
        currentProfiler: new ColumnProfiler(name, limits),
        bins: null,
        skipped: null,
        referenceHistogram: null,
        referenceCounter: null,
        currentCounter: null,
      });
    });
  }

  /** Pass 1: one reference record, values in the order of the reference's columns. */
  addReference(values: readonly unknown[]): void {
    this.expect('reference');
    this.referenceRows += 1;
    for (const column of this.shared) column.referenceProfiler.add(values[column.referenceIndex]);
  }

  /** Ends pass 1 and fixes the bins; true when the reference must be read again (`addReferenceAgain`). */
  finishReference(): boolean {
    this.expect('reference');
    let again = false;
    for (const column of this.shared) {
      const profile = column.referenceProfiler.result();
      const { bins, skipped } = columnBins(profile, this.limits.maxTrackedDistinct);
      column.bins = bins;
      column.skipped = skipped;
      if (!bins) continue;
      column.referenceHistogram = histogramFromProfile(bins, profile);
      if (!column.referenceHistogram) {
        column.referenceCounter = new BinCounter(bins, this.limits.maxTrackedDistinct);
        again = true;
      }
      column.currentCounter = new BinCounter(bins, this.limits.maxTrackedDistinct);
    }
    this.phase = again ? 'reference-again' : 'current';
    return again;
  }

  /** Pass 2 (only when `finishReference` asked for it): the same reference records again. */
  addReferenceAgain(values: readonly unknown[]): void {
    this.expect('reference-again');
    for (const column of this.shared) column.referenceCounter?.add(values[column.referenceIndex]);
  }

  /** Pass 3: one current record, values in the order of the current's columns. */
  addCurrent(values: readonly unknown[]): void {
    if (this.phase === 'reference-again') this.finishReferenceAgain();
    this.expect('current');
    this.currentRows += 1;
    for (const column of this.shared) {
      const value = values[column.currentIndex];
      column.currentProfiler.add(value);
      column.currentCounter?.add(value);
    }
  }

  result(): CollectedDatasets {
    if (this.phase === 'reference' && this.finishReference())
      throw new Error('DatasetCollector: the reference needs a second pass first');
    if (this.phase === 'reference-again') this.finishReferenceAgain();
    this.phase = 'done';
    const referenceNames = new Set(this.reference.columns);
    const currentNames = new Set(this.current.columns);
    return {
      reference: {
        source: this.reference.source,
        rows: this.referenceRows,
        columns: [...this.reference.columns],
      },
      current: { source: this.current.source, rows: this.currentRows, columns: [...this.current.columns] },
      columns: this.shared.map((column) => ({
        name: column.name,
        reference: column.referenceProfiler.result(),
        current: column.currentProfiler.result(),
        bins: column.bins,
        skipped: column.skipped,
        referenceHistogram: column.referenceHistogram,
        currentCounts: column.currentCounter?.result() ?? null,
      })),
      onlyInReference: this.reference.columns.filter((name) => !currentNames.has(name)),
      onlyInCurrent: this.current.columns.filter((name) => !referenceNames.has(name)),
      limits: this.limits,
    };
  }

  private finishReferenceAgain(): void {
    for (const column of this.shared) {
      if (column.referenceCounter) column.referenceHistogram = column.referenceCounter.result().histogram;
      column.referenceCounter = null;
    }
    this.phase = 'current';
  }

  private expect(phase: Phase): void {
    if (this.phase !== phase)
      throw new Error(`DatasetCollector: ${phase} record while in the ${this.phase} phase`);
  }
}
