/** Fixtures of the store contract: fixed times, records and values, shared by its sections. */
import { createHash } from 'node:crypto';
import { newEndpointRecord } from '../../src/monitoring/endpoints/endpointService';
import type { Readable } from 'node:stream';
import type {
  AggregateDelta,
  EndpointRecord,
  IngestCommit,
  PendingLabelRecord,
  PredictionKeyRecord,
  SampleRecord,
} from '../../src/store/types';

export const T0 = Date.UTC(2024, 0, 1);
/** A fixed instant `ms` after the suite's epoch, so every run sees the same times. */
export const at = (ms: number): Date => new Date(T0 + ms);
export const MINUTE = 60_000;
/** Epoch ms of the start of minute `n` after the suite's epoch. */
export const M = (n: number): number => T0 + n * MINUTE;

/** Deterministic bytes (xorshift32): artifact tests compare exact content without randomness. */
export function pseudoRandomBytes(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function endpoint(id: string, overrides: Partial<EndpointRecord> = {}): EndpointRecord {
  const spec = {
    project: 'proj',
    model: 'model',
    version: '1',
    function: 'serving',
    modelClass: 'sklearn.linear_model.LogisticRegression',
    features: [
      { name: 'sepal.length', kind: 'numeric' as const },
      { name: 'species', kind: 'categorical' as const },
    ],
    predictionColumns: [{ name: 'label', kind: 'categorical' as const }],
    labelColumns: ['label'],
  };
  return { ...newEndpointRecord(spec, at(0)), id, ...overrides };
}

export function ingest(overrides: Partial<IngestCommit> = {}): IngestCommit {
  return {
    batchId: null,
    newEndpoints: [],
    activity: [],
    aggregates: [],
    samples: [],
    predictionKeys: [],
    receipt: null,
    now: at(0),
    ...overrides,
  };
}

export function delta(
  endpointId: string,
  start: number,
  counters: Partial<Pick<AggregateDelta, 'add' | 'min' | 'max'>> = {},
  resolution: AggregateDelta['key']['resolution'] = 'minute',
  referenceVersion = 0,
  family = 'ops',
): AggregateDelta {
  return {
    key: { endpointId, family, resolution, start, referenceVersion },
    add: counters.add ?? {},
    min: counters.min ?? {},
    max: counters.max ?? {},
  };
}

export function sample(endpointId: string, ms: number, overrides: Partial<SampleRecord> = {}): SampleRecord {
  return {
    endpointId,
    time: at(ms),
    requestId: `${endpointId}-req-${ms}`,
    features: { 'sepal.length': ms / 1000, species: 'setosa' },
    prediction: 'setosa',
    latencyUs: 1200,
    error: null,
    ...overrides,
  };
}

export function predictionKey(requestId: string, expiresMs: number): PredictionKeyRecord {
  return {
    requestId,
    endpointId: 'e1',
    time: at(0),
    referenceVersion: 1,
    prediction: { label: 'a', p: [0.25, 0.75] },
    expiresAt: at(expiresMs),
    labelledAt: null,
  };
}

export function pendingLabel(
  requestId: string,
  expiresMs: number,
  label: unknown = 'setosa',
): PendingLabelRecord {
  return { requestId, endpointId: 'e1', label, receivedAt: at(0), expiresAt: at(expiresMs) };
}

/** JSON values a caller might send; several look like query syntax and must stay data. */
export const JSON_VALUES: unknown[] = [
  0.5,
  -3,
  1e300,
  'text',
  '',
  null,
  true,
  [1, 'a', { b: null }, []],
  { $gt: 1, 'a.b': { $ne: [1] }, nested: { deeper: { list: [{ $where: 'sleep(1)' }] } } },
  {},
];

export const sortBy = <T>(items: T[], key: (t: T) => string): T[] =>
  [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
