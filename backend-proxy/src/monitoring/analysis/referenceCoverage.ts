/**
 * Which reference version covered which part of a window: version v is active from its creation
 * until the next version's, and production values are counted on the bins of the version active
 * when they arrived. A drift answer scores only the traffic of the active version, so a window that
 * straddles a reference change says so, with each part and its predictions.
 */

export interface ReferenceSegment {
  version: number;
  /** Epoch ms, clipped to the window. */
  from: number;
  to: number;
  /** Predictions in the window counted under this version (null until counted). */
  predictions: number | null;
}

export interface ReferenceCoverage {
  /** True when more than one reference version was active during the window. */
  straddlesChange: boolean;
  /** The version the drift scores are computed against. */
  scoredVersion: number;
  segments: ReferenceSegment[];
  note?: string;
}

/** The parts of [from, to) each version covers; `versions` ascending by version. */
export function referenceSegments(
  versions: ReadonlyArray<{ version: number; createdAt: Date }>,
  from: number,
  to: number,
): ReferenceSegment[] {
  const segments: ReferenceSegment[] = [];
  versions.forEach((v, i) => {
    const start = Math.max(from, v.createdAt.getTime());
    const end = Math.min(to, i + 1 < versions.length ? versions[i + 1].createdAt.getTime() : Infinity);
    if (start < end) segments.push({ version: v.version, from: start, to: end, predictions: null });
  });
  return segments;
}
