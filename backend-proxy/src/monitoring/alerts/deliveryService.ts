import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger';
import { DocumentCollection } from '../../store/documentCollection';
import type { Store } from '../../store/types';
import { PeriodicTask } from '../periodicTask';

/** One webhook POST and its progress; stored so failures are visible and survive restarts. */
export interface Delivery {
  id: string;
  project: string;
  url: string;
  payload: unknown;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveryOptions {
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  pollMs: 1_000,
  maxAttempts: 8,
  backoffMs: 1_000,
  maxBackoffMs: 300_000,
  timeoutMs: 5_000,
};

/** A delivery a replica claimed and never finished (it died) is retried after this. */
const STALE_SENDING_MS = 60_000;
/** Finished deliveries are kept this long for inspection. */
const KEEP_FINISHED_MS = 7 * 86_400_000;

/**
 * Webhook delivery with retries and exponential backoff. Enqueueing only writes a document, so
 * evaluation never waits on a receiver; a poller sends them, claiming each with compare-and-set
 * so that one replica sends each attempt.
 */
export class DeliveryService {
  private readonly task: PeriodicTask<void>;
  private readonly deliveries: DocumentCollection<Delivery>;

  constructor(
    store: Store,
    private readonly logger: Logger,
    private readonly options: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.deliveries = new DocumentCollection<Delivery>(store, 'webhook-delivery');
    this.task = new PeriodicTask(options.pollMs, () => this.sendDue());
  }

  async enqueue(project: string, url: string, payload: unknown): Promise<Delivery> {
    const now = this.clock();
    const delivery: Delivery = {
      id: `${now.toISOString()}-${randomUUID()}`,
      project,
      url,
      payload,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now.toISOString(),
      lastError: null,
      lastStatus: null,
      createdAt: now.toISOString(),
      deliveredAt: null,
    };
    await this.deliveries.put({ id: delivery.id, project, body: delivery }, 0, now);
    return delivery;
  }

  async list(projects?: string[]): Promise<Delivery[]> {
    return (await this.deliveries.list({ projects })).map((d) => d.body);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Sends every delivery that is due; never throws. */
  poll(): Promise<void> {
    return this.task.run();
  }

  private async sendDue(): Promise<void> {
    try {
      const now = this.clock().getTime();
      for (const doc of await this.deliveries.list()) {
        const d = doc.body;
        const due =
          (d.status === 'pending' && Date.parse(d.nextAttemptAt) <= now) ||
          (d.status === 'sending' && now - doc.updatedAt.getTime() > STALE_SENDING_MS);
        if (due) await this.attempt(doc.id, doc.version, d);
        else if (
          (d.status === 'delivered' || d.status === 'failed') &&
          now - doc.updatedAt.getTime() > KEEP_FINISHED_MS
        ) {
          await this.deliveries.delete(doc.id);
        }
      }
    } catch (err) {
      this.logger.error({ err }, 'webhook delivery poll failed');
    }
  }

  private async attempt(id: string, version: number, delivery: Delivery): Promise<void> {
    const claimed = await this.deliveries.put(
      { id, project: delivery.project, body: { ...delivery, status: 'sending' } },
      version,
      this.clock(),
    );
    if (claimed === null) return;
    let error: string | null = null;
    let status: number | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'driftwatch-webhook/1' },
        body: JSON.stringify(delivery.payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer();
      if (!response.ok) error = `receiver answered ${response.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const now = this.clock();
    const attempts = delivery.attempts + 1;
    const backoff = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (attempts - 1));
    const next: Delivery = error
      ? {
          ...delivery,
          attempts,
          lastError: error,
          lastStatus: status,
          status: attempts >= this.options.maxAttempts ? 'failed' : 'pending',
          nextAttemptAt: new Date(now.getTime() + backoff).toISOString(),
        }
      : {
          ...delivery,
          attempts,
          lastError: null,
          lastStatus: status,
          status: 'delivered',
          deliveredAt: now.toISOString(),
        };
    if (error)
      this.logger.warn(
        { url: delivery.url, attempts, error, final: next.status === 'failed' },
        'webhook delivery failed',
      );
    await this.deliveries.put({ id, project: delivery.project, body: next }, claimed, now);
  }
}
