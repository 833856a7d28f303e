import { InvalidInputError, NotFoundError } from '../../errors';
import type { EndpointFilter, EndpointRecord, FeatureSpec, ProjectSettings, Store } from '../../store/types';
import {
  resolvePolicyConfig,
  type DriftPolicyConfig,
  type DriftPolicySettings,
} from '../drift/policy/policyConfig';
import type { PredictionTask } from '../accuracy/predictionTasks';
import { endpointId } from './endpointId';

/** What a client says about a deployed model; everything but project and model has a default. */
export interface EndpointSpec {
  project: string;
  model: string;
  version?: string;
  function?: string;
  modelClass?: string;
  labels?: Record<string, string>;
  features?: FeatureSpec[];
  predictionColumns?: FeatureSpec[];
  labelColumns?: string[];
  /** Drift policy settings of this endpoint (any subset; the project's and the defaults fill the rest). */
  thresholds?: DriftPolicySettings | null;
  /** Overrides task inference; null clears it. */
  task?: PredictionTask | null;
  monitoring?: boolean;
}

export const DEFAULT_VERSION = 'latest';
export const DEFAULT_PREDICTION_COLUMN: FeatureSpec = { name: 'prediction', kind: 'numeric' };

export function newEndpointRecord(spec: EndpointSpec, now: Date): EndpointRecord {
  const version = spec.version ?? DEFAULT_VERSION;
  const fn = spec.function ?? spec.model;
  return {
    id: endpointId(spec.project, fn, spec.model, version),
    project: spec.project,
    model: spec.model,
    version,
    function: fn,
    modelClass: spec.modelClass ?? '',
    labels: spec.labels ?? {},
    features: spec.features ?? [],
    predictionColumns: spec.predictionColumns ?? [DEFAULT_PREDICTION_COLUMN],
    labelColumns: spec.labelColumns ?? [],
    thresholds: spec.thresholds ?? null,
    task: spec.task ?? null,
    monitoring: spec.monitoring ?? true,
    createdAt: now,
    firstRequest: null,
    lastRequest: null,
    predictionCount: 0,
    errorCount: 0,
    accuracy: null,
    driftStatus: 'UNKNOWN',
    driftMeasures: null,
    driftEvaluatedAt: null,
    referenceVersion: 0,
  };
}

export class EndpointService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Registers an endpoint, or updates the descriptive fields of an existing one with the same id. */
  async register(spec: EndpointSpec): Promise<{ endpoint: EndpointRecord; created: boolean }> {
    const record = newEndpointRecord(spec, this.clock());
    const previous = await this.store.getEndpoint(record.id);
    const task = spec.task === undefined ? (previous?.task ?? null) : spec.task;
    const output = (spec.predictionColumns ?? previous?.predictionColumns ?? record.predictionColumns)[0];
    // Regression needs numbers: its errors are differences.
    if (task === 'regression' && output?.kind === 'categorical')
      throw new InvalidInputError(
        `task "regression" needs a numeric prediction column; "${output.name}" is categorical`,
      );
    if (await this.store.insertEndpointIfAbsent(record)) return { endpoint: record, created: true };
    const existing = await this.get(record.id);
    await this.store.updateEndpointSpec(record.id, {
      modelClass: spec.modelClass ?? existing.modelClass,
      labels: spec.labels ?? existing.labels,
      features: spec.features ?? existing.features,
      predictionColumns: spec.predictionColumns ?? existing.predictionColumns,
      labelColumns: spec.labelColumns ?? existing.labelColumns,
      thresholds: spec.thresholds === undefined ? existing.thresholds : spec.thresholds,
      task,
      monitoring: spec.monitoring ?? existing.monitoring,
    });
    return { endpoint: await this.get(record.id), created: false };
  }

  async get(id: string): Promise<EndpointRecord> {
    const endpoint = await this.store.getEndpoint(id);
    if (!endpoint) throw new NotFoundError(`endpoint ${id} does not exist`);
    return endpoint;
  }

  list(
    filter: EndpointFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: EndpointRecord[]; total: number }> {
    return this.store.listEndpoints(filter, page);
  }

  listProjects(): Promise<string[]> {
    return this.store.listProjects();
  }

  /** The drift policy of an endpoint: its own settings over its project's over the defaults, field by field. */
  async policyFor(endpoint: EndpointRecord): Promise<DriftPolicyConfig> {
    const settings = await this.store.getProjectSettings(endpoint.project);
    return resolvePolicyConfig(endpoint.thresholds, settings?.thresholds);
  }

  /** The project's settings over the defaults, for what belongs to no endpoint. */
  async projectPolicy(project: string): Promise<DriftPolicyConfig> {
    const settings = await this.store.getProjectSettings(project);
    return resolvePolicyConfig(settings?.thresholds);
  }

  async setProjectThresholds(
    project: string,
    thresholds: DriftPolicySettings | null,
  ): Promise<ProjectSettings> {
    const settings: ProjectSettings = { project, thresholds, updatedAt: this.clock() };
    await this.store.putProjectSettings(settings);
    return settings;
  }

  async projectSettings(project: string): Promise<ProjectSettings> {
    return (
      (await this.store.getProjectSettings(project)) ?? { project, thresholds: null, updatedAt: new Date(0) }
    );
  }
}
