import type { DriftStatusValue, EndpointRecord, EndpointStore, FeatureSpec } from '../types';
import type { PredictionTask } from '../../monitoring/accuracy/predictionTasks';
import { fromJsonText, toJsonText } from '../jsonText';
import { addInFilter, toDate, type SqliteContext } from './context';

interface EndpointRow {
  id: string;
  project: string;
  model: string;
  version: string;
  function: string;
  model_class: string;
  labels: string;
  features: string;
  prediction_columns: string;
  label_columns: string;
  thresholds: string | null;
  task: PredictionTask | null;
  monitoring: number;
  created_at: number;
  first_request: number | null;
  last_request: number | null;
  prediction_count: number;
  error_count: number;
  accuracy: number | null;
  drift_status: DriftStatusValue;
  drift_measures: string | null;
  drift_evaluated_at: number | null;
  reference_version: number;
}

export const endpointFromRow = (r: EndpointRow): EndpointRecord => ({
  id: r.id,
  project: r.project,
  model: r.model,
  version: r.version,
  function: r.function,
  modelClass: r.model_class,
  labels: fromJsonText<Record<string, string>>(r.labels),
  features: fromJsonText<FeatureSpec[]>(r.features),
  predictionColumns: fromJsonText<FeatureSpec[]>(r.prediction_columns),
  labelColumns: fromJsonText<string[]>(r.label_columns),
  thresholds: fromJsonText<EndpointRecord['thresholds']>(r.thresholds),
  task: r.task,
  monitoring: r.monitoring === 1,
  createdAt: new Date(r.created_at),
  firstRequest: toDate(r.first_request),
  lastRequest: toDate(r.last_request),
  predictionCount: r.prediction_count,
  errorCount: r.error_count,
  accuracy: r.accuracy,
  driftStatus: r.drift_status,
  driftMeasures: fromJsonText<unknown>(r.drift_measures),
  driftEvaluatedAt: toDate(r.drift_evaluated_at),
  referenceVersion: r.reference_version,
});

/** Inserts an endpoint and its label pairs; shared with the ingest commit. */
export function insertEndpointIfAbsentSync({ db }: SqliteContext, e: EndpointRecord): boolean {
  const { changes } = db
    .prepare(
      `INSERT OR IGNORE INTO endpoints (id, project, model, version, function, model_class, labels, features,
        prediction_columns, label_columns, thresholds, task, monitoring, created_at, first_request, last_request,
        prediction_count, error_count, accuracy, drift_status, drift_measures, drift_evaluated_at, reference_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.id,
      e.project,
      e.model,
      e.version,
      e.function,
      e.modelClass,
      toJsonText(e.labels),
      toJsonText(e.features),
      toJsonText(e.predictionColumns),
      toJsonText(e.labelColumns),
      e.thresholds === null ? null : toJsonText(e.thresholds),
      e.task ?? null,
      e.monitoring ? 1 : 0,
      e.createdAt.getTime(),
      e.firstRequest?.getTime() ?? null,
      e.lastRequest?.getTime() ?? null,
      e.predictionCount,
      e.errorCount,
      e.accuracy,
      e.driftStatus,
      e.driftMeasures === null ? null : toJsonText(e.driftMeasures),
      e.driftEvaluatedAt?.getTime() ?? null,
      e.referenceVersion,
    );
  if (changes > 0) replaceLabelsSync({ db } as SqliteContext, e.id, e.labels);
  return changes > 0;
}

function replaceLabelsSync({ db }: SqliteContext, id: string, labels: Record<string, string>): void {
  db.prepare('DELETE FROM endpoint_labels WHERE endpoint_id = ?').run(id);
  const insert = db.prepare('INSERT INTO endpoint_labels (endpoint_id, k, v) VALUES (?, ?, ?)');
  for (const [k, v] of Object.entries(labels)) insert.run(id, k, v);
}

export function sqliteEndpoints(ctx: SqliteContext): EndpointStore {
  const { db } = ctx;
  const insert = db.transaction((e: EndpointRecord) => insertEndpointIfAbsentSync(ctx, e));
  const updateSpec = db.transaction(
    (id: string, spec: Parameters<EndpointStore['updateEndpointSpec']>[1]): boolean => {
      const { changes } = db
        .prepare(
          `UPDATE endpoints SET model_class = ?, labels = ?, features = ?, prediction_columns = ?, label_columns = ?,
         thresholds = ?, task = ?, monitoring = ? WHERE id = ?`,
        )
        .run(
          spec.modelClass,
          toJsonText(spec.labels),
          toJsonText(spec.features),
          toJsonText(spec.predictionColumns),
          toJsonText(spec.labelColumns),
          spec.thresholds === null ? null : toJsonText(spec.thresholds),
          spec.task ?? null,
          spec.monitoring ? 1 : 0,
          id,
        );
      if (changes > 0) replaceLabelsSync(ctx, id, spec.labels);
      return changes > 0;
    },
  );

  // Prepared once: ingest and label joins read endpoints on every batch.
  const selectEndpoint = db.prepare('SELECT * FROM endpoints WHERE id = ?');
  return {
    async insertEndpointIfAbsent(endpoint) {
      return insert(endpoint);
    },
    async updateEndpointSpec(id, spec) {
      return updateSpec(id, spec);
    },
    async getEndpoint(id) {
      const row = selectEndpoint.get(id) as EndpointRow | undefined;
      return row ? endpointFromRow(row) : null;
    },
    async listEndpoints(filter, page) {
      const clauses: string[] = [];
      const params: Array<string | number> = [];
      const addIn = (column: string, values: ReadonlyArray<string | number> | undefined) =>
        addInFilter(clauses, params, column, values);
      addIn('project', filter.projects);
      addIn('model', filter.models);
      addIn('function', filter.functions);
      addIn('id', filter.ids);
      if (filter.monitoring !== undefined) {
        clauses.push('monitoring = ?');
        params.push(filter.monitoring ? 1 : 0);
      }
      for (const [k, v] of Object.entries(filter.labels ?? {})) {
        clauses.push(
          'EXISTS (SELECT 1 FROM endpoint_labels l WHERE l.endpoint_id = endpoints.id AND l.k = ? AND l.v = ?)',
        );
        params.push(k, v);
      }
      const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
      const { total } = db.prepare(`SELECT COUNT(*) AS total FROM endpoints ${where}`).get(...params) as {
        total: number;
      };
      const rows = db
        .prepare(`SELECT * FROM endpoints ${where} ORDER BY project, model, version, id LIMIT ? OFFSET ?`)
        .all(...params, page.limit, page.offset) as EndpointRow[];
      return { items: rows.map(endpointFromRow), total };
    },
    async listProjects() {
      const rows = db
        .prepare('SELECT project FROM endpoints UNION SELECT project FROM experiments ORDER BY project')
        .all() as Array<{ project: string }>;
      return rows.map((r) => r.project);
    },
    async recordEvaluation(id, evaluation) {
      db.prepare(
        'UPDATE endpoints SET drift_status = ?, drift_measures = ?, accuracy = ?, drift_evaluated_at = ? WHERE id = ?',
      ).run(
        evaluation.driftStatus,
        toJsonText(evaluation.driftMeasures),
        evaluation.accuracy,
        evaluation.evaluatedAt.getTime(),
        id,
      );
    },
  };
}
