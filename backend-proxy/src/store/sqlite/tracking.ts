import type {
  BatchOnce,
  BatchOutcome,
  EventPage,
  EventQuery,
  ExperimentRecord,
  ExperimentRef,
  NewTrackingEvent,
  RunRecord,
  RunStatus,
  TrackingEvent,
  TrackingStore,
} from '../types';
import { decodeEventCursor, encodeEventCursor } from '../eventCursor';
import { fromJsonText, toJsonText } from '../jsonText';
import { addInFilter, placeholders, toDate, type SqliteContext } from './context';

interface ExperimentRow {
  project: string;
  name: string;
  provider: string;
  created_at: number;
  last_activity: number;
  run_count: number;
}
interface RunRow {
  project: string;
  name: string;
  run: number;
  status: RunStatus;
  started_at: number;
  stopped_at: number | null;
}
interface EventRow {
  seq: number;
  project: string;
  name: string;
  run: number;
  event: string;
  key: string;
  value: string;
  step: number | null;
  dt: number;
  node: string;
  userid: string;
  event_name: string | null;
}

const experimentFromRow = (r: ExperimentRow): ExperimentRecord => ({
  project: r.project,
  name: r.name,
  provider: r.provider,
  createdAt: new Date(r.created_at),
  lastActivity: new Date(r.last_activity),
  runCount: r.run_count,
});
const runFromRow = (r: RunRow): RunRecord => ({
  project: r.project,
  name: r.name,
  run: r.run,
  status: r.status,
  startedAt: new Date(r.started_at),
  stoppedAt: toDate(r.stopped_at),
});
const eventFromRow = (r: EventRow): TrackingEvent => ({
  seq: r.seq,
  project: r.project,
  name: r.name,
  run: r.run,
  event: r.event,
  key: r.key,
  value: fromJsonText(r.value),
  step: r.step,
  dt: new Date(r.dt),
  node: r.node,
  userid: r.userid,
  eventName: r.event_name,
});

const EXPERIMENT_SELECT = `SELECT e.project, e.name, e.provider, e.created_at, e.last_activity,
  (SELECT COUNT(*) FROM runs r WHERE r.project = e.project AND r.name = e.name) AS run_count
  FROM experiments e`;

export function sqliteTracking(ctx: SqliteContext): TrackingStore {
  const { db } = ctx;
  const touch = db.prepare(
    'UPDATE experiments SET last_activity = MAX(last_activity, ?) WHERE project = ? AND name = ?',
  );
  const insertExperiment = db.prepare(
    'INSERT OR IGNORE INTO experiments (project, name, provider, created_at, last_activity) VALUES (?, ?, ?, ?, ?)',
  );
  const selectExperiment = db.prepare(`${EXPERIMENT_SELECT} WHERE e.project = ? AND e.name = ?`);
  const selectRun = db.prepare('SELECT * FROM runs WHERE project = ? AND name = ? AND run = ?');
  const insertEvent =
    db.prepare(`INSERT INTO events (project, name, run, event, key, value, step, dt, node, userid, event_name)
    VALUES (@project, @name, @run, @event, @key, @value, @step, @dt, @node, @userid, @eventName)`);

  const getExperimentSync = (ref: ExperimentRef): ExperimentRecord | null => {
    const row = selectExperiment.get(ref.project, ref.name) as ExperimentRow | undefined;
    return row ? experimentFromRow(row) : null;
  };

  const startRun = db.transaction((ref: ExperimentRef, now: number): RunRecord => {
    const { last_run } = (db
      .prepare(
        'UPDATE experiments SET last_run = last_run + 1, last_activity = ? WHERE project = ? AND name = ? RETURNING last_run',
      )
      .get(now, ref.project, ref.name) as { last_run: number } | undefined) ?? { last_run: 0 };
    if (!last_run) throw new Error(`experiment ${ref.project}/${ref.name} does not exist`);
    db.prepare('INSERT INTO runs (project, name, run, status, started_at) VALUES (?, ?, ?, ?, ?)').run(
      ref.project,
      ref.name,
      last_run,
      'STARTED',
      now,
    );
    return { ...ref, run: last_run, status: 'STARTED', startedAt: new Date(now), stoppedAt: null };
  });

  const appendEvents = db.transaction((events: NewTrackingEvent[]) => {
    const latest = new Map<string, { ref: ExperimentRef; dt: number }>();
    for (const e of events) {
      insertEvent.run({ ...e, value: toJsonText(e.value), dt: e.dt.getTime() });
      const id = JSON.stringify([e.project, e.name]);
      const seen = latest.get(id);
      if (!seen || seen.dt < e.dt.getTime()) latest.set(id, { ref: e, dt: e.dt.getTime() });
    }
    for (const { ref, dt } of latest.values()) touch.run(dt, ref.project, ref.name);
    return events.length;
  });

  const selectTrackingBatch = db.prepare(
    'SELECT receipt FROM tracking_batches WHERE project = ? AND name = ? AND batch_id = ?',
  );
  const insertTrackingBatch = db.prepare(
    'INSERT INTO tracking_batches (project, name, batch_id, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const appendEventsOnce = db.transaction(
    (ref: ExperimentRef, events: NewTrackingEvent[], once: BatchOnce): BatchOutcome => {
      if (events.some((e) => e.project !== ref.project || e.name !== ref.name))
        throw new RangeError('appendEventsOnce: events of another experiment');
      const seen = selectTrackingBatch.get(ref.project, ref.name, once.batchId) as
        { receipt: string } | undefined;
      if (seen) return { applied: false, receipt: JSON.parse(seen.receipt) };
      insertTrackingBatch.run(
        ref.project,
        ref.name,
        once.batchId,
        toJsonText(once.receipt),
        once.now.getTime(),
      );
      appendEvents(events);
      return { applied: true };
    },
  );

  return {
    async ensureExperiment(ref, provider, now) {
      insertExperiment.run(ref.project, ref.name, provider, now.getTime(), now.getTime());
      return getExperimentSync(ref) as ExperimentRecord;
    },
    async getExperiment(ref) {
      return getExperimentSync(ref);
    },
    async listExperiments(filter) {
      const where = filter.projects ? ` WHERE e.project IN (${placeholders(filter.projects.length)})` : '';
      const rows = db
        .prepare(`${EXPERIMENT_SELECT}${where} ORDER BY e.project, e.name`)
        .all(...(filter.projects ?? [])) as ExperimentRow[];
      return rows.map(experimentFromRow);
    },
    async startRun(ref, now) {
      return startRun(ref, now.getTime());
    },
    async stopRun(ref, run, now, status = 'STOPPED') {
      const row = db
        .prepare(
          'UPDATE runs SET status = ?, stopped_at = ? WHERE project = ? AND name = ? AND run = ? RETURNING *',
        )
        .get(status, now.getTime(), ref.project, ref.name, run) as RunRow | undefined;
      if (row) touch.run(now.getTime(), ref.project, ref.name);
      return row ? runFromRow(row) : null;
    },
    async getRun(ref, run) {
      const row = selectRun.get(ref.project, ref.name, run) as RunRow | undefined;
      return row ? runFromRow(row) : null;
    },
    async listRuns(ref) {
      const rows = db
        .prepare('SELECT * FROM runs WHERE project = ? AND name = ? ORDER BY run')
        .all(ref.project, ref.name) as RunRow[];
      return rows.map(runFromRow);
    },
    async appendEvents(events) {
      return appendEvents(events);
    },
    async appendEventsOnce(ref, events, once) {
      return appendEventsOnce(ref, events, once);
    },
    async queryEvents(query: EventQuery): Promise<EventPage> {
      const clauses = ['project = ?', 'name = ?'];
      const params: Array<string | number> = [query.project, query.name];
      const addIn = (column: string, values: ReadonlyArray<string | number> | undefined) =>
        addInFilter(clauses, params, column, values);
      addIn('run', query.runs);
      addIn('event', query.events);
      addIn('key', query.keys);
      addIn('step', query.steps);
      if (query.since) {
        clauses.push('dt >= ?');
        params.push(query.since.getTime());
      }
      if (query.end) {
        clauses.push('dt <= ?');
        params.push(query.end.getTime());
      }
      if (query.after) {
        const { dt, seq } = decodeEventCursor(query.after);
        clauses.push('(dt > ? OR (dt = ? AND seq > ?))');
        params.push(dt.getTime(), dt.getTime(), seq);
      }
      const rows = db
        .prepare(`SELECT * FROM events WHERE ${clauses.join(' AND ')} ORDER BY dt, seq LIMIT ?`)
        .all(...params, query.limit + 1) as EventRow[];
      const events = rows.slice(0, query.limit).map(eventFromRow);
      if (rows.length <= query.limit) return { events };
      const last = events[events.length - 1];
      return { events, next: encodeEventCursor(last.dt, last.seq) };
    },
  };
}
