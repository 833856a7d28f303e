import type { EventLogStore, MonitoringEventRecord } from '../types';
import { fromJsonText, toJsonText } from '../jsonText';
import { addInFilter, type SqliteContext } from './context';

interface MonitoringEventRow {
  time: number;
  project: string;
  endpoint_id: string | null;
  kind: string;
  title: string;
  text: string;
  tags: string;
  data: string | null;
}

export function sqliteEventLog({ db }: SqliteContext): EventLogStore {
  const insert = db.prepare(
    'INSERT INTO monitoring_events (time, project, endpoint_id, kind, title, text, tags, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    async appendMonitoringEvents(events) {
      db.transaction(() => {
        for (const e of events) {
          insert.run(
            e.time.getTime(),
            e.project,
            e.endpointId,
            e.kind,
            e.title,
            e.text,
            toJsonText(e.tags),
            toJsonText(e.data),
          );
        }
      })();
    },
    async listMonitoringEvents(filter) {
      const clauses = ['time >= ?', 'time <= ?'];
      const params: Array<string | number> = [filter.from.getTime(), filter.to.getTime()];
      const addIn = (column: string, values: ReadonlyArray<string | number> | undefined) =>
        addInFilter(clauses, params, column, values);
      addIn('project', filter.projects);
      addIn('endpoint_id', filter.endpointIds);
      addIn('kind', filter.kinds);
      const rows = db
        .prepare(`SELECT * FROM monitoring_events WHERE ${clauses.join(' AND ')} ORDER BY time, id LIMIT ?`)
        .all(...params, filter.limit) as MonitoringEventRow[];
      return rows.map((r): MonitoringEventRecord => ({
        time: new Date(r.time),
        project: r.project,
        endpointId: r.endpoint_id,
        kind: r.kind,
        title: r.title,
        text: r.text,
        tags: fromJsonText<string[]>(r.tags),
        data: fromJsonText<unknown>(r.data),
      }));
    },
  };
}
