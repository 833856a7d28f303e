/**
 * Background work on an interval: never two passes at once (a call during a pass joins it), the
 * timer does not keep the process alive, and `stop()` waits for the pass under way.
 */
export class PeriodicTask<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly work: () => Promise<T>,
  ) {}

  /** Starts the timer; an interval of 0 or less means never. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a pass now, or returns the pass already under way. `work` must not throw. */
  run(): Promise<T> {
    this.running ??= this.work().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
