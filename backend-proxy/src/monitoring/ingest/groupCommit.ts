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

interface Queue {
  waiting: Waiting[];
  /** A flush is scheduled or its commit is in flight. */
  busy: boolean;
}

/** The queue key of a commit: its endpoints, in a stable order. */
export function groupKey(commit: IngestCommit): string {
  return [...new Set(commit.activity.map((a) => a.endpointId))].sort().join('\n');
}

export class GroupCommit {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly commitGroup: CommitGroup,
    private readonly maxGroup = DEFAULT_MAX_GROUP,
  ) {}

  commit(commit: IngestCommit): Promise<BatchOutcome> {
    const key = groupKey(commit);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { waiting: [], busy: false };
      this.queues.set(key, queue);
    }
    const promise = new Promise<BatchOutcome>((resolve, reject) =>
      (queue as Queue).waiting.push({ commit, resolve, reject }),
    );
    if (!queue.busy) this.schedule(key, queue);
    return promise;
  }

  private schedule(key: string, queue: Queue): void {
    queue.busy = true;
    setImmediate(() => void this.flush(key, queue));
  }

  private async flush(key: string, queue: Queue): Promise<void> {
    const group = queue.waiting.splice(0, this.maxGroup);
    await this.settle(group);
    if (queue.waiting.length) this.schedule(key, queue);
    else {
      queue.busy = false;
      this.queues.delete(key);
    }
  }

  private async settle(group: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.commitGroup(group.map((w) => w.commit));
      group.forEach((w, i) => w.resolve(outcomes[i]));
      return;
    } catch (error) {
      if (group.length === 1 || error instanceof UnavailableError) {
        for (const w of group) w.reject(error);
        return;
      }
    }
    // Something in the group is wrong: find out which by committing each batch alone.
    for (const w of group) {
      try {
        const [outcome] = await this.commitGroup([w.commit]);
        w.resolve(outcome);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
