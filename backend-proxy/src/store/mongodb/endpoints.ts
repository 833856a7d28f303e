/** Model endpoints: descriptive spec, activity counters (written by ingest) and evaluation results. */
import { PREDICTION_TASKS, type PredictionTask } from '../../monitoring/accuracy/predictionTasks';
import { policySettingsDoc } from './policySettings';
import type { Filter } from 'mongodb';
import type {
  EndpointEvaluation,
  EndpointFilter,
  EndpointRecord,
  EndpointStore,
  FeatureSpec,
} from '../types';
import type { EndpointDoc, MongoContext } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import {
  isDuplicateKey,
  labelTerms,
  plainNumber,
  plainString,
  plainStrings,
  readNumber,
  validDate,
} from './codec';

type EndpointSpec = Parameters<EndpointStore['updateEndpointSpec']>[1];

/** Copies only the two known fields, so nothing else a caller attached gets stored. */
/** A stored task is one of the known words; anything else (or absent) means inferred. */
const predictionTask = (task: unknown): PredictionTask | null =>
  PREDICTION_TASKS.find((t) => t === task) ?? null;

const featureSpecs = (specs: FeatureSpec[]): FeatureSpec[] =>
  specs.map((f) => ({
    name: plainString(f.name, 'feature name'),
    kind: plainString(f.kind, 'feature kind') as FeatureSpec['kind'],
  }));

function specFields(
  spec: EndpointSpec,
): Pick<
  EndpointDoc,
  | 'modelClass'
  | 'labelsJson'
  | 'labelTerms'
  | 'features'
  | 'predictionColumns'
  | 'labelColumns'
  | 'thresholds'
  | 'task'
  | 'monitoring'
> {
  return {
    modelClass: plainString(spec.modelClass, 'modelClass'),
    labelsJson: toJsonText(spec.labels),
    labelTerms: labelTerms(spec.labels),
    features: featureSpecs(spec.features),
    predictionColumns: featureSpecs(spec.predictionColumns),
    labelColumns: plainStrings(spec.labelColumns, 'labelColumns'),
    thresholds: policySettingsDoc(spec.thresholds),
    task: predictionTask(spec.task),
    monitoring: spec.monitoring === true,
  };
}

/** The stored form of a new endpoint, without `id` (the upsert filter supplies it). */
export function endpointInsertFields(e: EndpointRecord): Omit<EndpointDoc, 'id'> {
  const doc: Omit<EndpointDoc, 'id'> = {
    project: plainString(e.project, 'project'),
    model: plainString(e.model, 'model'),
    version: plainString(e.version, 'version'),
    function: plainString(e.function, 'function'),
    ...specFields(e),
    createdAt: validDate(e.createdAt, 'createdAt'),
    predictionCount: plainNumber(e.predictionCount, 'predictionCount'),
    errorCount: plainNumber(e.errorCount, 'errorCount'),
    accuracy: e.accuracy === null ? null : plainNumber(e.accuracy, 'accuracy'),
    driftStatus: plainString(e.driftStatus, 'driftStatus') as EndpointDoc['driftStatus'],
    driftMeasuresJson: toJsonText(e.driftMeasures),
    driftEvaluatedAt: e.driftEvaluatedAt === null ? null : validDate(e.driftEvaluatedAt, 'driftEvaluatedAt'),
    referenceVersion: plainNumber(e.referenceVersion, 'referenceVersion'),
  };
  // Left out when null: see EndpointDoc.firstRequest.
  if (e.firstRequest !== null) doc.firstRequest = validDate(e.firstRequest, 'firstRequest');
  if (e.lastRequest !== null) doc.lastRequest = validDate(e.lastRequest, 'lastRequest');
  return doc;
}

export const endpointFromDoc = (d: EndpointDoc): EndpointRecord => ({
  id: d.id,
  project: d.project,
  model: d.model,
  version: d.version,
  function: d.function,
  modelClass: d.modelClass,
  labels: fromJsonText<Record<string, string>>(d.labelsJson) ?? {},
  features: d.features.map((f) => ({ name: f.name, kind: f.kind })),
  predictionColumns: d.predictionColumns.map((f) => ({ name: f.name, kind: f.kind })),
  labelColumns: [...d.labelColumns],
  thresholds: policySettingsDoc(d.thresholds),
  task: predictionTask(d.task),
  monitoring: d.monitoring,
  createdAt: d.createdAt,
  firstRequest: d.firstRequest ?? null,
  lastRequest: d.lastRequest ?? null,
  predictionCount: readNumber(d.predictionCount),
  errorCount: readNumber(d.errorCount),
  accuracy: d.accuracy,
  driftStatus: d.driftStatus,
  driftMeasures: fromJsonText(d.driftMeasuresJson),
  driftEvaluatedAt: d.driftEvaluatedAt,
  referenceVersion: d.referenceVersion,
});

export function mongoEndpoints(ctx: MongoContext): EndpointStore {
  return {
    /** An upsert that only sets fields on insert: atomic insert-if-absent without a duplicate-key race. */
    async insertEndpointIfAbsent(endpoint: EndpointRecord): Promise<boolean> {
      const id = plainString(endpoint.id, 'endpoint id');
      const fields = endpointInsertFields(endpoint);
      try {
        const result = await ctx.c.endpoints.updateOne({ id }, { $setOnInsert: fields }, { upsert: true });
        return result.upsertedCount > 0;
      } catch (error) {
        // A concurrent insert of the same id won the race: the endpoint exists, and this call did not insert it.
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    async updateEndpointSpec(id: string, spec: EndpointSpec): Promise<boolean> {
      const result = await ctx.c.endpoints.updateOne(
        { id: plainString(id, 'endpoint id') },
        { $set: specFields(spec) },
      );
      return result.matchedCount > 0;
    },

    async getEndpoint(id: string): Promise<EndpointRecord | null> {
      const doc = await ctx.c.endpoints.findOne({ id: plainString(id, 'endpoint id') });
      return doc ? endpointFromDoc(doc) : null;
    },

    async listEndpoints(
      filter: EndpointFilter,
      page: { offset: number; limit: number },
    ): Promise<{ items: EndpointRecord[]; total: number }> {
      const query: Filter<EndpointDoc> = {};
      if (filter.projects !== undefined) query.project = { $in: plainStrings(filter.projects, 'projects') };
      if (filter.models !== undefined) query.model = { $in: plainStrings(filter.models, 'models') };
      if (filter.functions !== undefined)
        query.function = { $in: plainStrings(filter.functions, 'functions') };
      if (filter.ids !== undefined) query.id = { $in: plainStrings(filter.ids, 'ids') };
      if (filter.monitoring !== undefined) query.monitoring = filter.monitoring === true;
      // `$all: []` would match nothing, while an empty label filter means no constraint.
      const terms = filter.labels === undefined ? [] : labelTerms(filter.labels);
      if (terms.length > 0) query.labelTerms = { $all: terms };

      const offset = Math.max(0, Math.floor(plainNumber(page.offset, 'offset')));
      const limit = Math.floor(plainNumber(page.limit, 'limit'));
      const total = await ctx.c.endpoints.countDocuments(query);
      // limit(0) means "no limit" to MongoDB; a zero-size page is simply empty.
      if (limit <= 0) return { items: [], total };
      const docs = await ctx.c.endpoints
        .find(query)
        .sort({ project: 1, model: 1, version: 1, id: 1 })
        .skip(offset)
        .limit(limit)
        .toArray();
      return { items: docs.map(endpointFromDoc), total };
    },

    async listProjects(): Promise<string[]> {
      const [fromEndpoints, fromExperiments] = await Promise.all([
        ctx.c.endpoints.distinct('project'),
        ctx.c.experiments.distinct('project'),
      ]);
      // Plain code-unit order, the order SQLite and MongoDB use for ASCII names.
      return [...new Set([...fromEndpoints, ...fromExperiments])].sort((a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
    },

    async recordEvaluation(id: string, evaluation: EndpointEvaluation): Promise<void> {
      await ctx.c.endpoints.updateOne(
        { id: plainString(id, 'endpoint id') },
        {
          $set: {
            driftStatus: plainString(evaluation.driftStatus, 'driftStatus') as EndpointDoc['driftStatus'],
            driftMeasuresJson: toJsonText(evaluation.driftMeasures),
            accuracy: evaluation.accuracy === null ? null : plainNumber(evaluation.accuracy, 'accuracy'),
            driftEvaluatedAt: validDate(evaluation.evaluatedAt, 'evaluatedAt'),
          },
        },
      );
    },
  };
}
