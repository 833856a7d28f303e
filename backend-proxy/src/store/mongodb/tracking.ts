/** Experiments, runs and tracking events. Artifacts live in artifacts.ts. */
import type { Filter, WithId } from 'mongodb';
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
import type { EventDoc, ExperimentDoc, MongoContext, RunDoc } from './collections';
import { decodeEventCursor, encodeEventCursor } from '../eventCursor';
import { fromJsonText, toJsonText } from '../jsonText';
import {
  isDuplicateKey,
  plainNumber,
  plainNumbers,
  plainString,
  plainStrings,
  retryOnDuplicateKey,
  validDate,
} from './codec';

const experimentFilter = (ref: ExperimentRef): { project: string; name: string } => ({
  project: plainString(ref.project, 'project'),
  name: plainString(ref.name, 'experiment name'),
});

/** Key of an experiment's event-seq counter: JSON keeps (project, name) unambiguous. */
export const eventSeqKey = (ref: ExperimentRef): string => JSON.stringify([ref.project, ref.name]);

const experimentFromDoc = (d: ExperimentDoc): ExperimentRecord => ({
  project: d.project,
  name: d.name,
  provider: d.provider,
  createdAt: d.createdAt,
  lastActivity: d.lastActivity,
  runCount: d.runCount,
});

const runFromDoc = (d: RunDoc): RunRecord => ({
  project: d.project,
  name: d.name,
  run: d.run,
  status: d.status,
  startedAt: d.startedAt,
  stoppedAt: d.stoppedAt,
});

const eventFromDoc = (d: EventDoc): TrackingEvent => ({
  project: d.project,
  name: d.name,
  run: d.run,
  event: d.event,
  key: d.key,
  value: fromJsonText(d.valueJson),
  step: d.step,
  dt: d.dt,
  node: d.node,
  userid: d.userid,
  eventName: d.eventName,
  seq: d.seq,
});

export function mongoTracking(ctx: MongoContext): TrackingStore {
  async function numberedDocs(
    events: NewTrackingEvent[],
  ): Promise<{ docs: EventDoc[]; latest: Array<{ ref: { project: string; name: string }; dt: Date }> }> {
    const groups = new Map<
      string,
      { ref: { project: string; name: string }; events: NewTrackingEvent[]; latest: Date }
    >();
    for (const e of events) {
      const ref = experimentFilter(e);
      const dt = validDate(e.dt, 'event dt');
      const key = eventSeqKey(ref);
      const group = groups.get(key);
      if (group) {
        group.events.push(e);
        if (dt > group.latest) group.latest = dt;
      } else {
        groups.set(key, { ref, events: [e], latest: dt });
      }
    }
    const docs: EventDoc[] = [];
    for (const [key, group] of groups) {
      const counter = await retryOnDuplicateKey(() =>
        ctx.c.sequences.findOneAndUpdate(
          { scope: 'eventSeq', key },
          { $inc: { value: group.events.length } },
          { upsert: true, returnDocument: 'after' },
        ),
      );
      if (!counter) throw new Error('event sequence was not allocated');
      let seq = counter.value - group.events.length;
      for (const e of group.events) {
        docs.push({
          project: group.ref.project,
          name: group.ref.name,
          run: plainNumber(e.run, 'run'),
          event: plainString(e.event, 'event'),
          key: plainString(e.key, 'key'),
          valueJson: toJsonText(e.value),
          step: e.step === null ? null : plainNumber(e.step, 'step'),
          dt: e.dt,
          node: plainString(e.node, 'node'),
          userid: plainString(e.userid, 'userid'),
          eventName: e.eventName === null ? null : plainString(e.eventName, 'eventName'),
          seq: ++seq,
        });
      }
    }
    return { docs, latest: [...groups.values()].map((g) => ({ ref: g.ref, dt: g.latest })) };
  }

  return {
    async ensureExperiment(ref: ExperimentRef, provider: string, now: Date): Promise<ExperimentRecord> {
      const filter = experimentFilter(ref);
      const doc = await retryOnDuplicateKey(() =>
        ctx.c.experiments.findOneAndUpdate(
          filter,
          {
            $setOnInsert: {
              provider: plainString(provider, 'provider'),
              createdAt: validDate(now, 'now'),
              lastActivity: now,
              runCount: 0,
            },
          },
          { upsert: true, returnDocument: 'after' },
        ),
      );
      if (!doc) throw new Error(`experiment ${ref.project}/${ref.name} was not stored`);
      return experimentFromDoc(doc);
    },

    async getExperiment(ref: ExperimentRef): Promise<ExperimentRecord | null> {
      const doc = await ctx.c.experiments.findOne(experimentFilter(ref));
      return doc ? experimentFromDoc(doc) : null;
    },

    async listExperiments(filter: { projects?: string[] }): Promise<ExperimentRecord[]> {
      const query: Filter<ExperimentDoc> = {};
      if (filter.projects !== undefined) query.project = { $in: plainStrings(filter.projects, 'projects') };
      const docs = await ctx.c.experiments.find(query).sort({ project: 1, name: 1 }).toArray();
      return docs.map(experimentFromDoc);
    },

    /**
     * One atomic `$inc` on the experiment's counter hands out the number, so concurrent callers
     * (any number of proxies) get distinct consecutive numbers; the run document follows. Like the
     * embedded store, an unknown experiment is an error: ensureExperiment creates experiments.
     */
    async startRun(ref: ExperimentRef, now: Date): Promise<RunRecord> {
      const filter = experimentFilter(ref);
      validDate(now, 'now');
      const experiment = await ctx.c.experiments.findOneAndUpdate(
        filter,
        { $inc: { runCount: 1 }, $max: { lastActivity: now } },
        { returnDocument: 'after', projection: { runCount: 1 } },
      );
      if (!experiment) throw new Error(`experiment ${ref.project}/${ref.name} does not exist`);
      const run: RunDoc = {
        ...filter,
        run: experiment.runCount,
        status: 'STARTED',
        startedAt: now,
        stoppedAt: null,
      };
      await ctx.c.runs.insertOne({ ...run });
      return runFromDoc(run);
    },

    async stopRun(
      ref: ExperimentRef,
      run: number,
      now: Date,
      status: Exclude<RunStatus, 'STARTED'> = 'STOPPED',
    ): Promise<RunRecord | null> {
      const filter = experimentFilter(ref);
      validDate(now, 'now');
      const doc = await ctx.c.runs.findOneAndUpdate(
        { ...filter, run: plainNumber(run, 'run') },
        { $set: { status: status === 'FAILED' ? 'FAILED' : 'STOPPED', stoppedAt: now } },
        { returnDocument: 'after' },
      );
      if (!doc) return null;
      await ctx.c.experiments.updateOne(filter, { $max: { lastActivity: now } });
      return runFromDoc(doc);
    },

    async getRun(ref: ExperimentRef, run: number): Promise<RunRecord | null> {
      const doc = await ctx.c.runs.findOne({ ...experimentFilter(ref), run: plainNumber(run, 'run') });
      return doc ? runFromDoc(doc) : null;
    },

    async listRuns(ref: ExperimentRef): Promise<RunRecord[]> {
      const docs = await ctx.c.runs.find(experimentFilter(ref)).sort({ run: 1 }).toArray();
      return docs.map(runFromDoc);
    },

    /**
     * Per experiment in the call, one `$inc` reserves a block of `seq` numbers; the events then get
     * consecutive numbers from it in the order given, so ties on `dt` keep their append order.
     * The counter lives in `sequences` (not on the experiment) and survives deleteExperiment, so a
     * straggling append during a delete can never reuse a number.
     */
    async appendEvents(events: NewTrackingEvent[]): Promise<number> {
      if (events.length === 0) return 0;
      const { docs, latest } = await numberedDocs(events);
      await ctx.c.events.insertMany(docs, { ordered: true });
      for (const { ref, dt } of latest)
        await ctx.c.experiments.updateOne(ref, { $max: { lastActivity: dt } });
      return events.length;
    },

    /**
     * The batch id and the events commit in one transaction. Sequence numbers are reserved before
     * it: a replayed or aborted batch only leaves a gap, and concurrent appends do not conflict on
     * the counter inside transactions.
     */
    async appendEventsOnce(
      ref: ExperimentRef,
      events: NewTrackingEvent[],
      once: BatchOnce,
    ): Promise<BatchOutcome> {
      const filter = { ...experimentFilter(ref), batchId: plainString(once.batchId, 'batchId') };
      const replay = async (): Promise<BatchOutcome | null> => {
        const seen = await ctx.c.trackingBatches.findOne(filter);
        return seen ? { applied: false, receipt: fromJsonText(seen.receiptJson) } : null;
      };
      const seen = await replay();
      if (seen) return seen;
      if (events.some((e) => e.project !== filter.project || e.name !== filter.name))
        throw new RangeError('appendEventsOnce: events of another experiment');
      const { docs, latest } = events.length ? await numberedDocs(events) : { docs: [], latest: [] };
      const marker = {
        ...filter,
        receiptJson: toJsonText(once.receipt),
        createdAt: validDate(once.now, 'now'),
      };
      try {
        await ctx.transaction(async (session) => {
          await ctx.c.trackingBatches.insertOne({ ...marker }, { session });
          if (docs.length) await ctx.c.events.insertMany(docs, { ordered: true, session });
          for (const l of latest)
            await ctx.c.experiments.updateOne(l.ref, { $max: { lastActivity: l.dt } }, { session });
        });
      } catch (error) {
        // Two concurrent commits of one batch id: the loser's marker insert fails; answer as a replay.
        if (isDuplicateKey(error)) {
          const first = await replay();
          if (first) return first;
        }
        throw error;
      }
      return { applied: true };
    },

    async queryEvents(query: EventQuery): Promise<EventPage> {
      const limit = plainNumber(query.limit, 'limit');
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
      const and: Filter<EventDoc>[] = [experimentFilter(query)];
      if (query.runs !== undefined) and.push({ run: { $in: plainNumbers(query.runs, 'runs') } });
      if (query.events !== undefined) and.push({ event: { $in: plainStrings(query.events, 'events') } });
      if (query.keys !== undefined) and.push({ key: { $in: plainStrings(query.keys, 'keys') } });
      if (query.steps !== undefined) and.push({ step: { $in: plainNumbers(query.steps, 'steps') } });
      // Both bounds inclusive, as in the embedded store.
      if (query.since !== undefined) and.push({ dt: { $gte: validDate(query.since, 'since') } });
      if (query.end !== undefined) and.push({ dt: { $lte: validDate(query.end, 'end') } });
      // An empty cursor means "from the start", as in the embedded store.
      if (query.after !== undefined && query.after !== '') {
        const { dt, seq } = decodeEventCursor(query.after);
        and.push({ $or: [{ dt: { $gt: dt } }, { dt, seq: { $gt: seq } }] });
      }
      // One extra document tells whether another page exists.
      const docs: WithId<EventDoc>[] = await ctx.c.events
        .find({ $and: and })
        .sort({ dt: 1, seq: 1 })
        .limit(limit + 1)
        .toArray();
      const events = docs.slice(0, limit).map(eventFromDoc);
      if (docs.length <= limit) return { events };
      const last = events[events.length - 1];
      return { events, next: encodeEventCursor(last.dt, last.seq) };
    },
  };
}
