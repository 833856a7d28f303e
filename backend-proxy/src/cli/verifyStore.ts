/**
 * `driftwatch verify-store mongodb://...`: a non-destructive check of a MongoDB deployment before
 * a proxy uses it. Everything happens in a scratch database (named, or `driftwatch_verify_<random>`,
 * refused when it already holds collections) that is dropped at the end: the deployment checks of
 * store/mongodb/verifyDeployment.ts, then a round trip through a real proxy on loopback (ingest,
 * a replayed batch, late labels, drift and accuracy). Prints one PASS/FAIL/SKIP line per check;
 * exit code 0 when nothing failed, 1 otherwise.
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { startProxy } from '../server';
import { redactUrl } from '../store/storeLocation';
import { databaseFromUrl } from '../store/mongodb';
import {
  checked,
  dropScratchDatabase,
  verifyDeployment,
  type VerifyCheck,
} from '../store/mongodb/verifyDeployment';

/**
 * The same URL naming another database (path), options kept. The path is also the default
 * authentication database, so a URL with credentials keeps authenticating where it did.
 */
export function withDatabase(url: string, dbName: string): string {
  const renamed = url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${dbName}`);
  const credentials = /^mongodb(?:\+srv)?:\/\/[^/?]*@/.test(url);
  if (!credentials || /[?&]authSource=/i.test(url)) return renamed;
  const authSource = encodeURIComponent(databaseFromUrl(url) ?? 'admin');
  return `${renamed}${renamed.includes('?') ? '&' : '?'}authSource=${authSource}`;
}

async function collectionsIn(url: string, dbName: string): Promise<number> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    return (await client.db(dbName).listCollections({}, { nameOnly: true }).toArray()).length;
  } finally {
    await client.close();
  }
}

interface Json {
  status: number;
  body: Record<string, unknown>;
}

/** Ingest, replay, labels, drift and accuracy through a proxy on the scratch database. */
async function roundTrip(url: string): Promise<VerifyCheck[]> {
  const config = loadConfig(
    {},
    { store: url, port: 0, host: '127.0.0.1', evaluationIntervalMs: 0, jobTickMs: 0, webhookPollMs: 0 },
  );
  const proxy = await startProxy(config, createLogger('silent'));
  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const response = await fetch(`${proxy.url}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const expect = (what: string, reply: Json, status: number) => {
    if (reply.status !== status)
      throw new Error(`${what} answered ${reply.status}, not ${status}: ${JSON.stringify(reply.body)}`);
  };
  try {
    const checks: VerifyCheck[] = [];
    const created = await call('POST', '/endpoints', {
      project: 'verify',
      model: 'verify',
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'c', kind: 'categorical' },
      ],
    });
    expect('registering an endpoint', created, 201);
    const id = String(created.body.id);
    const rows = Array.from({ length: 200 }, (_, i) => ({
      x: i % 50,
      c: i % 4 ? 'a' : 'b',
      prediction: i % 2,
    }));
    expect('registering a reference', await call('PUT', `/endpoints/${id}/reference`, { rows }), 201);

    const now = Date.now();
    const events = Array.from({ length: 100 }, (_, i) => ({
      endpoint: id,
      timestamp: now - 60_000 + i * 100,
      features: { x: (i % 50) + 25, c: i % 2 ? 'a' : 'b' },
      prediction: i % 2,
      requestId: `verify-${i}`,
    }));
    const batch = { batchId: 'verify-batch', events };
    checks.push(
      await checked('ingest', async () => {
        expect('ingesting 100 events', await call('POST', '/predictions', batch), 201);
        const endpoint = await call('GET', `/endpoints/${id}`);
        if (endpoint.body.predictionCount !== 100)
          throw new Error(`counted ${String(endpoint.body.predictionCount)} of 100 predictions`);
        return { name: 'ingest', outcome: 'pass', detail: '100 predictions counted' };
      }),
    );
    checks.push(
      await checked('idempotent replay', async () => {
        const replay = await call('POST', '/predictions', batch);
        expect('replaying the batch', replay, 200);
        const endpoint = await call('GET', `/endpoints/${id}`);
        if (endpoint.body.predictionCount !== 100)
          throw new Error(`a replayed batch counted again (${String(endpoint.body.predictionCount)})`);
        return { name: 'idempotent replay', outcome: 'pass', detail: 'the replayed batch counted nothing' };
      }),
    );
    checks.push(
      await checked('labels', async () => {
        const labels = events.slice(0, 50).map((e) => ({ requestId: e.requestId, label: e.prediction }));
        const reply = await call('POST', '/labels', labels);
        expect('posting 50 labels', reply, 201);
        if (reply.body.joined !== 50) throw new Error(`joined ${String(reply.body.joined)} of 50 labels`);
        const again = await call('POST', '/labels', labels);
        if (again.body.joined !== 0) throw new Error(`re-posted labels joined ${String(again.body.joined)}`);
        const accuracy = await call('GET', `/endpoints/${id}/accuracy?from=now-1h`);
        expect('accuracy', accuracy, 200);
        if (accuracy.body.labeled !== 50)
          throw new Error(`accuracy saw ${String(accuracy.body.labeled)} labels`);
        return { name: 'labels', outcome: 'pass', detail: '50 late labels joined once, accuracy over 50' };
      }),
    );
    checks.push(
      await checked('drift', async () => {
        const drift = await call('GET', `/endpoints/${id}/drift?from=now-1h`);
        expect('drift', drift, 200);
        const window = drift.body.window as { predictions?: number } | undefined;
        const features = drift.body.features as unknown[] | undefined;
        if (window?.predictions !== 100 || features?.length !== 2)
          throw new Error(
            `drift read ${String(window?.predictions)} predictions, ${features?.length} features`,
          );
        return { name: 'drift', outcome: 'pass', detail: 'drift of 2 features over 100 predictions' };
      }),
    );
    return checks;
  } finally {
    await proxy.close();
  }
}

const LABEL: Record<VerifyCheck['outcome'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

export function verifyStoreCommand(): Command {
  return new Command('verify-store')
    .description('check a MongoDB deployment for the store, in a scratch database it drops afterwards')
    .argument('<url>', 'mongodb://... or mongodb+srv://... (a replica set or a sharded cluster)')
    .option('--database <name>', 'scratch database (must not exist yet; default driftwatch_verify_<random>)')
    .action(async (url: string, flags: { database?: string }) => {
      if (!/^mongodb(\+srv)?:\/\//.test(url)) throw new Error(`not a MongoDB URL: ${redactUrl(url)}`);
      const dbName = flags.database ?? `driftwatch_verify_${randomBytes(4).toString('hex')}`;
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`verifying ${redactUrl(url)} in scratch database ${dbName}`);
      const existing = await collectionsIn(url, dbName);
      if (existing > 0)
        throw new Error(`database ${dbName} already holds ${existing} collections; name a scratch database`);
      const checks: VerifyCheck[] = [];
      const print = (list: VerifyCheck[]) => {
        for (const c of list) out(`${LABEL[c.outcome]} ${c.name}: ${c.detail}`);
        checks.push(...list);
      };
      try {
        print(await verifyDeployment(url, dbName));
        if (checks.some((c) => c.name === 'topology' && c.outcome === 'fail'))
          print([
            { name: 'round trip', outcome: 'skip', detail: 'the store cannot open a standalone server' },
          ]);
        else
          print(
            await roundTrip(withDatabase(url, dbName)).catch((error: unknown) => [
              {
                name: 'round trip',
                outcome: 'fail' as const,
                detail: error instanceof Error ? error.message : String(error),
              },
            ]),
          );
      } finally {
        print([await dropScratchDatabase(url, dbName)]);
      }
      const failed = checks.filter((c) => c.outcome === 'fail').length;
      const skipped = checks.filter((c) => c.outcome === 'skip').length;
      out(
        failed
          ? `FAILED: ${failed} of ${checks.length} checks failed${skipped ? `, ${skipped} skipped` : ''}`
          : `OK: ${checks.length - skipped} checks passed${skipped ? `, ${skipped} skipped` : ''}`,
      );
      process.exitCode = failed ? 1 : 0;
    });
}
