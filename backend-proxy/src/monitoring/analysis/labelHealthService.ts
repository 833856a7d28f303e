import type { EndpointRecord } from '../../store/types';
import { taskSettingOf } from '../accuracy/task';
import { labelHealth, type LabelHealth } from '../performance/labelCoverage';
import type { MetricsService } from '../windows/metricsService';

export interface LabelHealthReport extends LabelHealth {
  endpointId: string;
  from: number;
  to: number;
}

/** How much of a window's traffic has ground truth so far. */
export class LabelHealthService {
  constructor(private readonly metrics: MetricsService) {}

  async report(endpoint: EndpointRecord, from: number, to: number): Promise<LabelHealthReport> {
    const figures = await this.metrics.window(endpoint.id, taskSettingOf(endpoint), from, to);
    return { endpointId: endpoint.id, from, to, ...labelHealth(figures) };
  }
}
