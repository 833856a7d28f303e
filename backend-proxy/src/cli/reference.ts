import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Command, Option } from 'commander';
import { ProxyClient } from '../apiClient';
import { InvalidInputError } from '../errors';
import { formatOfArtifact } from '../monitoring/reference/referenceService';
import type { BuildProgress } from '../monitoring/reference/referenceBuilds';
import { csvFileSize, type ProgressListener } from '../reports/csvColumns';
import { progressReporter } from '../reports/progress';

interface ReferenceFlags {
  url: string;
  key?: string;
  project?: string;
  experiment?: string;
  run?: string;
  artifact?: string;
  prediction?: string;
  label?: string;
  categorical?: string;
}

interface StoredReference {
  endpointId: string;
  version: number;
  rowCount: number;
  createdAt: string;
  statistics: { features: Array<{ name: string; kind: string }>; lineage?: unknown };
}

const CONTENT_TYPES = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;
const POLL_MS = 500;

function columnsQuery(flags: ReferenceFlags): string {
  const params = new URLSearchParams();
  if (flags.prediction) params.set('prediction', flags.prediction);
  if (flags.label) params.set('label', flags.label);
  if (flags.categorical) params.set('categorical', flags.categorical);
  const query = params.toString();
  return query ? `?${query}` : '';
}

const list = (value?: string) => value?.split(',').filter((s) => s !== '');

/**
 * Streams a file to PUT /endpoints/:id/reference (never read whole): progress of the upload from
 * the bytes sent, then of the proxy's passes over it from GET .../reference/progress.
 */
function uploadFile(
  flags: ReferenceFlags,
  endpoint: string,
  file: string,
  size: number,
  onProgress: ProgressListener,
): Promise<StoredReference> {
  const base = flags.url.replace(/\/$/, '');
  const path = `/api/v1/endpoints/${encodeURIComponent(endpoint)}/reference${columnsQuery(flags)}`;
  const target = new URL(`${base}${path}`);
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[formatOfArtifact(file, '')],
    'content-length': String(size),
  };
  if (flags.key) headers.authorization = `Bearer ${flags.key}`;
  const client = new ProxyClient(base, flags.key);
  return new Promise((resolve, reject) => {
    let poll: NodeJS.Timeout | undefined;
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'PUT', headers });
    req.on('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    req.on('response', (res) => {
      clearInterval(poll);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if (res.statusCode !== 201) {
          reject(new Error(`PUT ${path} answered ${res.statusCode}: ${text}`));
          return;
        }
        resolve(JSON.parse(text) as StoredReference);
      });
    });
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    let sent = 0;
    input.on('data', (chunk) => {
      sent += chunk.length;
      onProgress({ file, pass: 'uploading', bytesRead: sent, totalBytes: size, done: false });
    });
    input.on('end', () => {
      onProgress({ file, pass: 'uploading', bytesRead: size, totalBytes: size, done: true });
      const progressPath = `/api/v1/endpoints/${encodeURIComponent(endpoint)}/reference/progress`;
      poll = setInterval(() => {
        client
          .send<{ builds: BuildProgress[] }>('GET', progressPath)
          .then(({ builds }) => {
            const build = builds[builds.length - 1];
            if (build && build.phase !== 'receiving')
              onProgress({
                file,
                pass: build.phase,
                bytesRead: build.bytes,
                totalBytes: build.totalBytes ?? size,
                done: false,
              });
          })
          .catch(() => undefined);
      }, POLL_MS);
    });
    input.on('error', (err) => req.destroy(err));
    input.pipe(req);
  });
}

/** `driftwatch reference set`: an endpoint's reference from a training file or a run's artifact. */
export function referenceCommand(): Command {
  const reference = new Command('reference').description(
    "an endpoint's reference (training data statistics)",
  );
  reference
    .command('set <endpoint> [file]')
    .description(
      'make a CSV or NDJSON file (optionally .gz) of any size, or a data artifact of an experiment run, the endpoint reference',
    )
    .addOption(
      new Option('--url <url>', 'proxy base URL').default('http://localhost:8080').env('DRIFTWATCH_URL'),
    )
    .addOption(new Option('--key <key>', 'API key').env('DRIFTWATCH_API_KEY'))
    .option('--experiment <name>', "the run's experiment (instead of a file)")
    .option('--run <number>', 'the run number')
    .option('--artifact <name>', 'the artifact logged in that run')
    .option('--project <name>', "the experiment's project (default: the endpoint's)")
    .option('--prediction <columns>', 'prediction columns, comma-separated')
    .option('--label <columns>', 'label columns, comma-separated')
    .option('--categorical <columns>', 'columns to treat as categorical, comma-separated')
    .action(async (endpoint: string, file: string | undefined, flags: ReferenceFlags) => {
      const fromRun =
        flags.experiment !== undefined || flags.run !== undefined || flags.artifact !== undefined;
      if (fromRun === (file !== undefined))
        throw new InvalidInputError('give either a file or --experiment, --run and --artifact');
      let stored: StoredReference;
      if (file !== undefined) {
        const size = await csvFileSize(file, 'reference');
        stored = await uploadFile(
          flags,
          endpoint,
          file,
          size,
          progressReporter({ stream: process.stderr, env: process.env }),
        );
      } else {
        const run = Number(flags.run);
        if (!flags.experiment || !flags.artifact || !Number.isInteger(run) || run < 1)
          throw new InvalidInputError('--experiment, --run (a run number) and --artifact are all needed');
        stored = await new ProxyClient(flags.url.replace(/\/$/, ''), flags.key).send<StoredReference>(
          'PUT',
          `/api/v1/endpoints/${encodeURIComponent(endpoint)}/reference`,
          {
            ...(flags.project ? { project: flags.project } : {}),
            experiment: flags.experiment,
            run,
            artifact: flags.artifact,
            prediction: list(flags.prediction),
            label: list(flags.label),
            categorical: list(flags.categorical),
          },
        );
      }
      process.stdout.write(
        `${JSON.stringify(
          {
            endpointId: stored.endpointId,
            version: stored.version,
            rowCount: stored.rowCount,
            createdAt: stored.createdAt,
            features: stored.statistics.features.map((f) => `${f.name}:${f.kind}`),
            lineage: stored.statistics.lineage ?? null,
          },
          null,
          2,
        )}\n`,
      );
    });
  return reference;
}
