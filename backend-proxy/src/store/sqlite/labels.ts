import type { LabelStore, PendingLabelRecord, PredictionKeyRecord } from '../types';
import { chunked } from '../chunked';
import { fromJsonText, toJsonText } from '../jsonText';
import { IN_LIST, placeholders, type SqliteContext } from './context';

interface PredictionKeyRow {
  request_id: string;
  endpoint_id: string;
  time: number;
  reference_version: number;
  prediction: string | null;
  expires_at: number;
  labelled_at: number | null;
  segments: string | null;
}
interface PendingLabelRow {
  request_id: string;
  endpoint_id: string | null;
  label: string | null;
  received_at: number;
  expires_at: number;
}

const chunks = <T>(items: T[]): T[][] => chunked(items, IN_LIST);

/** Prediction keys are written by ingest (ingest.ts); labels are joined to them here. */
export function sqliteLabels({ db }: SqliteContext): LabelStore {
  const markLabelled = db.transaction((requestIds: string[], at: number): string[] => {
    const marked: string[] = [];
    for (const ids of chunks(requestIds)) {
      const rows = db
        .prepare(
          `UPDATE prediction_keys SET labelled_at = ? WHERE labelled_at IS NULL AND request_id IN (${placeholders(ids.length)}) RETURNING request_id`,
        )
        .all(at, ...ids) as { request_id: string }[];
      marked.push(...rows.map((r) => r.request_id));
    }
    return marked;
  });

  const claim = db.transaction((requestIds: string[]): PendingLabelRecord[] => {
    const claimed: PendingLabelRecord[] = [];
    for (const ids of chunks(requestIds)) {
      const rows = db
        .prepare(`DELETE FROM pending_labels WHERE request_id IN (${placeholders(ids.length)}) RETURNING *`)
        .all(...ids) as PendingLabelRow[];
      for (const r of rows) {
        claimed.push({
          requestId: r.request_id,
          endpointId: r.endpoint_id,
          label: fromJsonText<unknown>(r.label),
          receivedAt: new Date(r.received_at),
          expiresAt: new Date(r.expires_at),
        });
      }
    }
    return claimed;
  });

  return {
    async findPredictionKeys(requestIds) {
      const found: PredictionKeyRecord[] = [];
      for (const ids of chunks(requestIds)) {
        const rows = db
          .prepare(`SELECT * FROM prediction_keys WHERE request_id IN (${placeholders(ids.length)})`)
          .all(...ids) as PredictionKeyRow[];
        for (const r of rows) {
          found.push({
            requestId: r.request_id,
            endpointId: r.endpoint_id,
            time: new Date(r.time),
            referenceVersion: r.reference_version,
            prediction: fromJsonText<unknown>(r.prediction),
            expiresAt: new Date(r.expires_at),
            labelledAt: r.labelled_at === null ? null : new Date(r.labelled_at),
            ...(r.segments === null ? {} : { segments: fromJsonText<string[]>(r.segments) }),
          });
        }
      }
      return found;
    },
    async markPredictionKeysLabelled(requestIds, at) {
      return markLabelled(requestIds, at.getTime());
    },
    async insertPendingLabels(labels) {
      const insert = db.prepare(
        'INSERT INTO pending_labels (request_id, endpoint_id, label, received_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      );
      db.transaction(() => {
        for (const l of labels) {
          insert.run(
            l.requestId,
            l.endpointId,
            toJsonText(l.label),
            l.receivedAt.getTime(),
            l.expiresAt.getTime(),
          );
        }
      })();
    },
    async claimPendingLabels(requestIds) {
      return claim(requestIds);
    },
  };
}
