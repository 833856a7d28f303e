/** Monitoring events (drift changes, alerts): an append-only log read back as Grafana annotations. */
import type { Filter } from 'mongodb';
import type { EventLogStore, MonitoringEventRecord } from '../types';
import type { MongoContext, MonitoringEventDoc } from './collections';
import { fromJsonText, toJsonText } from '../jsonText';
import { plainNumber, plainString, plainStrings, validDate } from './codec';

type EventLogFilter = Parameters<EventLogStore['listMonitoringEvents']>[0];

export function mongoEventLog(ctx: MongoContext): EventLogStore {
  return {
    async appendMonitoringEvents(events: MonitoringEventRecord[]): Promise<void> {
      const docs: MonitoringEventDoc[] = events.map((e) => ({
        time: validDate(e.time, 'time'),
        project: plainString(e.project, 'project'),
        endpointId: e.endpointId === null ? null : plainString(e.endpointId, 'endpointId'),
        kind: plainString(e.kind, 'kind'),
        title: plainString(e.title, 'title'),
        text: plainString(e.text, 'text'),
        tags: plainStrings(e.tags, 'tags'),
        dataJson: toJsonText(e.data),
      }));
      if (docs.length) await ctx.c.monitoringEvents.insertMany(docs, { ordered: true });
    },

    /** Both time bounds inclusive (a Grafana range), oldest first, insertion order on ties. */
    async listMonitoringEvents(filter: EventLogFilter): Promise<MonitoringEventRecord[]> {
      const limit = Math.floor(plainNumber(filter.limit, 'limit'));
      if (limit <= 0) return []; // limit(0) would mean "all" to MongoDB
      const query: Filter<MonitoringEventDoc> = {
        time: { $gte: validDate(filter.from, 'from'), $lte: validDate(filter.to, 'to') },
      };
      if (filter.projects !== undefined) query.project = { $in: plainStrings(filter.projects, 'projects') };
      if (filter.endpointIds !== undefined)
        query.endpointId = { $in: plainStrings(filter.endpointIds, 'endpointIds') };
      if (filter.kinds !== undefined) query.kind = { $in: plainStrings(filter.kinds, 'kinds') };
      const docs = await ctx.c.monitoringEvents.find(query).sort({ time: 1, _id: 1 }).limit(limit).toArray();
      return docs.map((d) => ({
        time: d.time,
        project: d.project,
        endpointId: d.endpointId,
        kind: d.kind,
        title: d.title,
        text: d.text,
        tags: [...d.tags],
        data: fromJsonText(d.dataJson),
      }));
    },
  };
}
