/**
 * References being built in this process, for progress while a long upload is received and read:
 * GET /endpoints/:id/reference/progress answers from here. In memory only: it describes the
 * request in flight on this replica, and is forgotten when the request ends.
 */

export type BuildPhase = 'receiving' | 'profiling reference' | 'binning reference';

export interface BuildProgress {
  endpointId: string;
  phase: BuildPhase;
  /** Bytes received (receiving) or read in the current pass; of `totalBytes` when known. */
  bytes: number;
  totalBytes: number | null;
  startedAt: Date;
}

export interface BuildHandle {
  update(phase: BuildPhase, bytes: number, totalBytes?: number | null): void;
  end(): void;
}

export class ReferenceBuilds {
  private readonly builds = new Map<string, BuildProgress[]>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  start(endpointId: string, totalBytes: number | null): BuildHandle {
    const progress: BuildProgress = {
      endpointId,
      phase: 'receiving',
      bytes: 0,
      totalBytes,
      startedAt: this.clock(),
    };
    const list = this.builds.get(endpointId) ?? [];
    list.push(progress);
    this.builds.set(endpointId, list);
    return {
      update(phase, bytes, total) {
        progress.phase = phase;
        progress.bytes = bytes;
        if (total !== undefined) progress.totalBytes = total;
      },
      end: () => {
        const remaining = (this.builds.get(endpointId) ?? []).filter((p) => p !== progress);
        if (remaining.length) this.builds.set(endpointId, remaining);
        else this.builds.delete(endpointId);
      },
    };
  }

  /** Builds of this endpoint in flight, oldest first. */
  of(endpointId: string): BuildProgress[] {
    return (this.builds.get(endpointId) ?? []).map((p) => ({ ...p }));
  }
}
