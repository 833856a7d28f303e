import type { Store } from '../../src/store/types';
import { at, endpoint } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function endpointsContract({ store, contractTest }: ContractSuite): void {
  describe('endpoints', () => {
    contractTest('insertEndpointIfAbsent inserts once; getEndpoint round-trips every field', async () => {
      const e = endpoint('e1', {
        labels: { team: 'ml', 'a.b': 'dotted', $where: '1', 'k=v': 'w' },
        thresholds: { possibleDrift: 0.4, driftDetected: 0.6 },
        accuracy: 0.9,
        driftStatus: 'NO_DRIFT',
        driftMeasures: { tvd_mean: 0.1, 'sepal.length': { $gt: 1 } },
        driftEvaluatedAt: at(100),
        firstRequest: at(10),
        lastRequest: at(20),
        predictionCount: 7,
        errorCount: 1,
        referenceVersion: 0,
      });
      expect(await store.insertEndpointIfAbsent(e)).toBe(true);
      expect(await store.insertEndpointIfAbsent(endpoint('e1', { model: 'changed' }))).toBe(false);
      expect(await store.getEndpoint('e1')).toEqual(e);
      expect(await store.getEndpoint('missing')).toBeNull();
      const plain = endpoint('e2');
      await store.insertEndpointIfAbsent(plain);
      expect(await store.getEndpoint('e2')).toEqual(plain);
    });

    contractTest('concurrent inserts of one id: exactly one reports it inserted', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.insertEndpointIfAbsent(endpoint('race'))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    contractTest('updateEndpointSpec replaces the descriptive fields only', async () => {
      const e = endpoint('e1', {
        labels: { team: 'ml' },
        predictionCount: 5,
        errorCount: 2,
        firstRequest: at(1),
        lastRequest: at(2),
        accuracy: 0.5,
        driftStatus: 'POSSIBLE_DRIFT',
        driftMeasures: { m: 1 },
        driftEvaluatedAt: at(3),
        referenceVersion: 0,
      });
      await store.insertEndpointIfAbsent(e);
      const spec = {
        modelClass: 'xgboost.XGBClassifier',
        labels: { team: 'data', tier: 'gold' },
        features: [{ name: 'x', kind: 'numeric' as const }],
        predictionColumns: [{ name: 'y', kind: 'numeric' as const }],
        labelColumns: ['y_true'],
        thresholds: { possibleDrift: 0.3, driftDetected: 0.8 },
        task: 'classification' as const,
        monitoring: false,
      };
      expect(await store.updateEndpointSpec('e1', spec)).toBe(true);
      expect(await store.updateEndpointSpec('missing', spec)).toBe(false);
      expect(await store.getEndpoint('e1')).toEqual({ ...e, ...spec });
      // The label filter follows the new labels.
      expect((await store.listEndpoints({ labels: { team: 'ml' } }, { offset: 0, limit: 10 })).total).toBe(0);
      expect(
        (await store.listEndpoints({ labels: { team: 'data', tier: 'gold' } }, { offset: 0, limit: 10 }))
          .total,
      ).toBe(1);
    });

    contractTest('listEndpoints: sort order, every filter, paging with total', async () => {
      const records = [
        endpoint('z', { project: 'p2', model: 'm1', version: '1', function: 'f1', labels: { team: 'a' } }),
        endpoint('b', {
          project: 'p1',
          model: 'm2',
          version: '1',
          function: 'f2',
          labels: { team: 'a', tier: 'gold' },
          monitoring: false,
        }),
        endpoint('a', { project: 'p1', model: 'm1', version: '2', function: 'f1', labels: { 'k=v': 'w' } }),
        endpoint('c', {
          project: 'p1',
          model: 'm1',
          version: '1',
          function: 'f1',
          labels: { team: 'b', 'a.b': 'x' },
        }),
        endpoint('d', { project: 'p1', model: 'm1', version: '1', function: 'f2', labels: {} }),
      ];
      for (const r of records) await store.insertEndpointIfAbsent(r);
      const ids = async (filter: Parameters<Store['listEndpoints']>[0], page = { offset: 0, limit: 100 }) => {
        const result = await store.listEndpoints(filter, page);
        return { ids: result.items.map((e) => e.id), total: result.total };
      };
      // project, model, version, id
      expect(await ids({})).toEqual({ ids: ['c', 'd', 'a', 'b', 'z'], total: 5 });
      expect((await store.listEndpoints({}, { offset: 0, limit: 1 })).items[0]).toEqual(records[3]);
      expect(await ids({ projects: ['p2'] })).toEqual({ ids: ['z'], total: 1 });
      expect(await ids({ models: ['m2'] })).toEqual({ ids: ['b'], total: 1 });
      expect(await ids({ functions: ['f2'] })).toEqual({ ids: ['d', 'b'], total: 2 });
      expect(await ids({ ids: ['z', 'a', 'nope'] })).toEqual({ ids: ['a', 'z'], total: 2 });
      expect(await ids({ monitoring: false })).toEqual({ ids: ['b'], total: 1 });
      expect(await ids({ monitoring: true })).toEqual({ ids: ['c', 'd', 'a', 'z'], total: 4 });
      expect(await ids({ labels: { team: 'a' } })).toEqual({ ids: ['b', 'z'], total: 2 });
      expect(await ids({ labels: { team: 'a', tier: 'gold' } })).toEqual({ ids: ['b'], total: 1 });
      expect(await ids({ labels: { team: 'a', tier: 'silver' } })).toEqual({ ids: [], total: 0 });
      expect(await ids({ labels: { 'a.b': 'x' } })).toEqual({ ids: ['c'], total: 1 });
      expect(await ids({ labels: { 'k=v': 'w' } })).toEqual({ ids: ['a'], total: 1 });
      // A different split of the same characters is a different pair.
      expect(await ids({ labels: { k: 'v=w' } })).toEqual({ ids: [], total: 0 });
      expect(await ids({ labels: {} })).toEqual({ ids: ['c', 'd', 'a', 'b', 'z'], total: 5 });
      expect(
        await ids({
          projects: ['p1'],
          models: ['m1'],
          functions: ['f1'],
          monitoring: true,
          labels: { team: 'b' },
        }),
      ).toEqual({ ids: ['c'], total: 1 });
      expect(await ids({ projects: ['{"$ne":null}'] })).toEqual({ ids: [], total: 0 });
      // paging
      expect(await ids({}, { offset: 1, limit: 2 })).toEqual({ ids: ['d', 'a'], total: 5 });
      expect(await ids({}, { offset: 4, limit: 2 })).toEqual({ ids: ['z'], total: 5 });
      expect(await ids({}, { offset: 10, limit: 2 })).toEqual({ ids: [], total: 5 });
      expect(await ids({ projects: ['p1'] }, { offset: 2, limit: 10 })).toEqual({
        ids: ['a', 'b'],
        total: 4,
      });
    });

    contractTest('listProjects: projects with endpoints or experiments, sorted, once each', async () => {
      expect(await store.listProjects()).toEqual([]);
      await store.insertEndpointIfAbsent(endpoint('e1', { project: 'p2' }));
      await store.insertEndpointIfAbsent(endpoint('e2', { project: 'p1' }));
      await store.insertEndpointIfAbsent(endpoint('e3', { project: 'p2' }));
      await store.ensureExperiment({ project: 'p0', name: 'x' }, 'default', at(0));
      await store.ensureExperiment({ project: 'p1', name: 'x' }, 'default', at(0));
      expect(await store.listProjects()).toEqual(['p0', 'p1', 'p2']);
    });

    contractTest('recordEvaluation sets the evaluation fields only', async () => {
      const e = endpoint('e1', { predictionCount: 3, firstRequest: at(1), lastRequest: at(2) });
      await store.insertEndpointIfAbsent(e);
      const measures = { tvd_mean: 0.6, hellinger_mean: 0.7, features: { 'sepal.length': { tvd: 0.6 } } };
      await store.recordEvaluation('e1', {
        driftStatus: 'DRIFT_DETECTED',
        driftMeasures: measures,
        accuracy: 0.82,
        evaluatedAt: at(9000),
      });
      expect(await store.getEndpoint('e1')).toEqual({
        ...e,
        driftStatus: 'DRIFT_DETECTED',
        driftMeasures: measures,
        accuracy: 0.82,
        driftEvaluatedAt: at(9000),
      });
      await store.recordEvaluation('e1', {
        driftStatus: 'NO_DRIFT',
        driftMeasures: null,
        accuracy: null,
        evaluatedAt: at(9500),
      });
      expect(await store.getEndpoint('e1')).toMatchObject({
        driftStatus: 'NO_DRIFT',
        driftMeasures: null,
        accuracy: null,
        driftEvaluatedAt: at(9500),
      });
      await expect(
        store.recordEvaluation('missing', {
          driftStatus: 'NO_DRIFT',
          driftMeasures: null,
          accuracy: null,
          evaluatedAt: at(1),
        }),
      ).resolves.toBeUndefined();
    });
  });
}
