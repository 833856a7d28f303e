import type { MonitoringEventRecord, Store } from '../../src/store/types';
import { at } from './contractFixtures';
import type { ContractSuite } from './contractHarness';

export function eventLogContract({ store, contractTest }: ContractSuite): void {
  describe('monitoring events', () => {
    contractTest('monitoring events: filters, order by time, limit, JSON data', async () => {
      const event = (ms: number, over: Partial<MonitoringEventRecord> = {}): MonitoringEventRecord => ({
        time: at(ms),
        project: 'p1',
        endpointId: 'e1',
        kind: 'drift',
        title: `t${ms}`,
        text: 'status changed',
        tags: ['drift', 'e1'],
        data: { from: 'NO_DRIFT', to: 'DRIFT_DETECTED', 'a.b': { $gt: 1 } },
        ...over,
      });
      const events = [
        event(3000),
        event(1000, { kind: 'alert', tags: [] }),
        event(5000, { project: 'p2', endpointId: 'e2', data: null }),
        event(2000, { endpointId: null, kind: 'alert' }),
        event(4000, { endpointId: 'e2' }),
      ];
      await store.appendMonitoringEvents(events);
      await store.appendMonitoringEvents([]);
      const titles = async (q: Partial<Parameters<Store['listMonitoringEvents']>[0]>) =>
        (await store.listMonitoringEvents({ from: at(0), to: at(10_000), limit: 100, ...q })).map(
          (e) => e.title,
        );

      expect(await store.listMonitoringEvents({ from: at(0), to: at(10_000), limit: 100 })).toEqual(
        [...events].sort((a, b) => a.time.getTime() - b.time.getTime()),
      );
      // pinned: both bounds inclusive
      expect(await titles({ from: at(2000), to: at(4000) })).toEqual(['t2000', 't3000', 't4000']);
      expect(await titles({ projects: ['p2'] })).toEqual(['t5000']);
      expect(await titles({ endpointIds: ['e2'] })).toEqual(['t4000', 't5000']);
      expect(await titles({ kinds: ['alert'] })).toEqual(['t1000', 't2000']);
      expect(await titles({ projects: ['p1'], kinds: ['drift'], endpointIds: ['e1', 'e2'] })).toEqual([
        't3000',
        't4000',
      ]);
      expect(await titles({ limit: 2 })).toEqual(['t1000', 't2000']);
      expect(await titles({ kinds: ['{"$ne":null}'] })).toEqual([]);
    });
  });
}
