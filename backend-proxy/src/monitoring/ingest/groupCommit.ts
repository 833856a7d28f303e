/**
 * Group commit: concurrent ingest batches for the same endpoints share one store transaction.
 *
 * Batches wait in a queue per key (the endpoints a batch touches). A queue is flushed on the next
 * turn of the event loop, so batches that arrive together go together; while its commit is in
 * flight, later batches wait and are committed together in the next one (at most `maxGroup`).
 * Every batch still gets its own outcome (applied, or the stored receipt of an earlier commit of
 * its batch id), exactly as if it had been committed alone: the store applies the group in order.
 *
 * A group that fails for a reason other than a store fault (503: then the store is down for every
 * member alike) is committed again one batch at a time, so one bad batch fails alone.
 */
import { UnavailableError } from '../../errors';
import type { BatchOutcome, IngestCommit } from '../../store/types';

/** Commits several batches in one transaction, in order; one outcome per batch. */
export type CommitGroup = (commits: IngestCommit[]) => Promise<BatchOutcome[]>;

/** Largest group committed at once (bounds a transaction's size and time). */
export const DEFAULT_MAX_GROUP = 64;

interface Waiting {
  commit: IngestCommit;
  resolve: (outcome: BatchOutcome) => void;
  reject: (error: unknown) => void;
}

/** The queue key of a commit: its endpoints, in a stable order. */
export function groupKey(commit: IngestCommit): string {
  return [...new Set(commit.activity.map((a) => a.endpointId))].sort().join('\n');
}

export class GroupCommit {
  /** Batches waiting per key. A key has a queue exactly while a flush is scheduled or its commit is in flight. */
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly commitGroup: CommitGroup,
    private readonly maxGroup = DEFAULT_MAX_GROUP,
  ) {}

  commit(commit: IngestCommit): Promise<BatchOutcome> {
    const key = groupKey(commit);
    const queued = this.queues.get(key);
    const queue = queued ?? [];
    const promise = new Promise<BatchOutcome>((resolve, reject) => queue.push({ commit, resolve, reject }));
    if (!queued) {
      this.queues.set(key, queue);
      this.schedule(key, queue);
    }
    return promise;
  }

  private schedule(key: string, queue: Waiting[]): void {
    setImmediate(() => void this.flush(key, queue));
  }

  private async flush(key: string, queue: Waiting[]): Promise<void> {
    const group = queue.splice(0, this.maxGroup);
    await this.settle(group);
    if (queue.length) this.schedule(key, queue);
    else this.queues.delete(key);
  }

  private async settle(group: Waiting[]): Promise<void> {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await this.commitGroup(group.map((w) => w.commit));
    } catch (error) {
      if (group.length === 1 || error instanceof UnavailableError) {
        for (const w of group) w.reject(error);
        return;
      }
      // Something in the group is wrong: find out which by committing each batch alone.
      for (const w of group) await this.settle([w]);
      return;
    }
    // The group is committed, so a wrong answer is not retried (that could count batches twice).
    if (outcomes.length !== group.length) {
      const error = new Error(
        `the store answered ${outcomes.length} outcomes for a group of ${group.length} ingest batches`,
      );
      for (const w of group) w.reject(error);
      return;
    }
    group.forEach((w, i) => w.resolve(outcomes[i]));
  }
}
