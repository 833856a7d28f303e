import type { EndpointRecord, Store } from '../store/types';

const PAGE = 1_000;

/**
 * Every endpoint record, read at most once per `ttlMs` however many collectors ask during a scrape
 * (and however often Prometheus scrapes): one store read serves all gauges of a scrape.
 */
export class EndpointSnapshot {
  private cached: { at: number; endpoints: Promise<EndpointRecord[]> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<EndpointRecord[]> {
    const now = this.clock();
    if (!this.cached || now - this.cached.at >= this.ttlMs) {
      const endpoints = this.readAll();
      this.cached = { at: now, endpoints };
      // A failed read is not cached: the next scrape tries again.
      endpoints.catch(() => {
        if (this.cached?.endpoints === endpoints) this.cached = null;
      });
    }
    return this.cached.endpoints;
  }

  private async readAll(): Promise<EndpointRecord[]> {
    const all: EndpointRecord[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.store.listEndpoints({}, { offset, limit: PAGE });
      all.push(...page.items);
      if (page.items.length < PAGE || all.length >= page.total) return all;
    }
  }
}

/** The labels every per-endpoint series carries. */
export const ENDPOINT_LABELS = ['project', 'endpoint', 'model', 'version'] as const;
export type EndpointLabel = (typeof ENDPOINT_LABELS)[number];

export function endpointLabels(
  e: Pick<EndpointRecord, 'id' | 'project' | 'model' | 'version'>,
): Record<EndpointLabel, string> {
  return { project: e.project, endpoint: e.id, model: e.model, version: e.version };
}
