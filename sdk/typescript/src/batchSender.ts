/** What a batch's sender decided: finished with it (sent, or given up and counted), or keep it for later. */
export type BatchOutcome = 'done' | 'keep';

export interface BatchSenderOptions<T> {
  /** Items per batch. */
  batchSize: number;
  /** Longest an item waits for its batch to fill before it is sent anyway, ms. */
  flushIntervalMs: number;
  /**
   * Sends one batch. 'keep' holds it, unchanged, to send again first at the next flush (a passing
   * failure, retried under the same idempotency key). Must not reject: failures are the owner's to count.
   */
  send: (batch: T[]) => Promise<BatchOutcome>;
  /** Flushed before each batch is sent: labels wait for the predictions they join. */
  after?: { flush(): Promise<void> };
}

/**
 * The background sender shared by runs and prediction loggers: items queue up synchronously and
 * go out in batches, one request at a time and in order, when a batch is full, when the oldest
 * waiting item has waited `flushIntervalMs`, and on `flush()`. Its timer never keeps a process alive.
 */
export class BatchSender<T> {
  private readonly queue: T[] = [];
  private held: T[] | null = null;
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: BatchSenderOptions<T>) {}

  /** Items not yet acknowledged or given up on (a held batch included). */
  get queued(): number {
    return this.queue.length + (this.held?.length ?? 0);
  }

  /** Nothing queued, held or in flight. */
  get idle(): boolean {
    return this.sending === null && this.queue.length === 0 && this.held === null;
  }

  push(item: T): void {
    this.queue.push(item);
    if (this.queue.length >= this.options.batchSize) this.kick();
    else this.schedule();
  }

  /** Resolves once everything queued so far was sent or given up on, or a batch was kept for later. */
  flush(): Promise<void> {
    this.kick();
    return this.sending ?? Promise.resolve();
  }

  /** No more timed sends; `flush()` still sends what is left. */
  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private kick(): void {
    this.clearTimer();
    if (this.sending || (this.queue.length === 0 && this.held === null)) return;
    this.sending = this.drain().finally(() => {
      this.sending = null;
    });
  }

  /** Items pushed while a batch is in flight are taken by the same loop, so sends never overlap. */
  private async drain(): Promise<void> {
    while (this.held || this.queue.length > 0) {
      if (this.options.after) await this.options.after.flush();
      this.held ??= this.queue.splice(0, this.options.batchSize);
      if ((await this.options.send(this.held)) === 'keep') return;
      this.held = null;
    }
  }
}
