import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import { DriftwatchClient, NotFoundError, UnprocessableError } from '../src';
import { getJson } from './helpers';

const rows = Array.from({ length: 3_000 }, (_, i) => ({
  x: ((i * 37) % 101) / 10,
  kind: i % 3 ? 'a' : 'b',
  n: i % 7,
}));
const csv = `x,kind,n\n${rows.map((r) => `${r.x},${r.kind},${r.n}`).join('\n')}\n`;

describe('references from files, streams, rows and run artifacts', () => {
  let proxy: RunningProxy;
  let client: DriftwatchClient;
  let folder: string;
  const endpoint = async () => (await client.registerEndpoint({ model: `ts-ref-${Math.random()}` })).id;

  beforeAll(async () => {
    proxy = await startTestProxy();
    client = new DriftwatchClient({ url: proxy.url });
    folder = mkdtempSync(join(tmpdir(), 'driftwatch-ts-reference-'));
  });
  afterAll(async () => {
    await proxy.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a gzip file, a stream and an async iterable of rows give the in-memory reference', async () => {
    const inMemory = await client.registerReference(await endpoint(), rows);
    const file = join(folder, 'train.csv.gz');
    const bytes = gzipSync(csv);
    writeFileSync(file, bytes);
    const progress: Array<[number, number | null]> = [];
    const fromFile = await client.setReference(
      await endpoint(),
      { path: file },
      { onProgress: (sent, total) => progress.push([sent, total]) },
    );
    expect(fromFile.rowCount).toBe(rows.length);
    expect(fromFile.statistics).toEqual(inMemory.statistics);
    expect(progress[progress.length - 1]).toEqual([bytes.length, bytes.length]);

    const fromStream = await client.setReference(await endpoint(), Readable.from([Buffer.from(csv)]));
    expect(fromStream.statistics).toEqual(inMemory.statistics);
    async function* produce() {
      for (const row of rows) yield row;
    }
    const fromRows = await client.setReference(await endpoint(), produce());
    expect(fromRows.statistics).toEqual(inMemory.statistics);
  });

  it('a run artifact becomes the reference with lineage; errors are typed', async () => {
    const experiment = client.experiment(`ts-ref-exp-${Date.now()}`);
    const runNumber = await experiment.run(async (run) => {
      await run.logArtifact(Buffer.from(csv), 'train.csv', { contentType: 'text/csv' });
      return run.number;
    });
    const id = await endpoint();
    const stored = await client.setReferenceFromRun(id, {
      experiment: experiment.name,
      run: runNumber,
      artifact: 'train.csv',
    });
    expect(stored.statistics).toMatchObject({
      lineage: { experiment: experiment.name, run: runNumber, artifact: 'train.csv', rows: rows.length },
    });
    const shown = await getJson<{ referenceLineage: { artifact: string } }>(
      `${proxy.url}/api/v1/endpoints/${id}`,
    );
    expect(shown.referenceLineage.artifact).toBe('train.csv');
    await expect(
      client.setReferenceFromRun(id, { experiment: experiment.name, run: runNumber, artifact: 'nope.csv' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.setReference(id, Readable.from([Buffer.from('x,kind\n')]))).rejects.toMatchObject({
      constructor: UnprocessableError,
      status: 422,
    });
  });
});
