import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { gaussianNaiveBayes, kNearestNeighbours, nearestCentroid, type Classifier } from './classifiers';
import { IRIS_FEATURES, irisRows, type IrisRow, type LabelledIris } from './iris';
import { ProxyClient } from '../apiClient';
import { profilingEvents } from './profilingRun';
import { Random } from './random';

export interface SimulatorOptions {
  url: string;
  apiKey?: string;
  project: string;
  /** Mean predictions per second per endpoint. */
  ratePerSecond: number;
  /** History generated at start, so dashboards have data at once (ms; 0 for none). */
  backfillMs: number;
  /** When drift starts on the drifting endpoints: ms after start (live), or within the backfill. */
  driftAfterMs: number;
  /** Share of predictions whose ground truth arrives later. */
  labelShare: number;
  /** Stop after this long (ms; 0 runs until stopped). */
  durationMs: number;
  seed: number;
  tickMs: number;
}

export const DEFAULT_SIMULATOR_OPTIONS: Omit<SimulatorOptions, 'url'> = {
  project: 'demo',
  ratePerSecond: 2,
  backfillMs: 30 * 60_000,
  driftAfterMs: 2 * 60_000,
  labelShare: 0.6,
  durationMs: 0,
  seed: 42,
  tickMs: 1_000,
};

/** How production data moves away from training once drift starts: feature -> (value) => drifted value. */
type DriftInjection = Partial<Record<(typeof IRIS_FEATURES)[number], (value: number) => number>>;

interface SimulatedEndpoint {
  classifier: Classifier;
  id: string;
  drift: DriftInjection | null;
  labelled: boolean;
}

// The first model stays healthy (NO_DRIFT); the second drifts hard on every feature (DRIFT_DETECTED);
// the third drifts on one feature of four, half a standard deviation (POSSIBLE_DRIFT under the default
// policy: one drifted feature, below its drift share of 0.5).
const DRIFT_PLANS: Array<DriftInjection | null> = [
  null,
  {
    sepal_length: (v) => v + 2.5,
    petal_length: (v) => v + 3,
    sepal_width: (v) => v * 0.6,
    petal_width: (v) => v + 1.5,
  },
  { petal_width: (v) => v + 0.4 },
];

/**
 * The demo's segments: a `region` tag taking these values in turn (not drawn, so the random
 * traffic stays what the seed makes it), so the Details dashboard's Segments row has data.
 */
const REGIONS = ['eu', 'us', 'apac'] as const;
const DEMO_SEGMENTS = [{ key: 'region', source: { tag: 'region' } }];

interface PendingLabel {
  dueAt: number;
  requestId: string;
  label: string;
}

const BATCH = 500;
/** The profiled training run: ten minutes of samples, one every 30 s, ending at set-up. */
const PROFILED_SPAN_MS = 10 * 60_000;
const PROFILE_INTERVAL_MS = 30_000;

/**
 * MLRun's demo, in TypeScript: iris classifiers receive random requests at random intervals;
 * some drift after a while (petals grow, sepals narrow), and ground truth arrives late for some.
 * Talks to any proxy over HTTP.
 */
export class Simulator {
  private readonly client: ProxyClient;
  private readonly random: Random;
  private readonly endpoints: SimulatedEndpoint[] = [];
  private readonly labels: PendingLabel[] = [];
  private timer: NodeJS.Timeout | null = null;
  private driftStartsAt = 0;
  private sent = 0;
  /** Predictions made so far, for the region each gets in turn. */
  private made = 0;
  private stopped: (() => void) | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private readonly population = irisRows();

  constructor(
    private readonly options: SimulatorOptions,
    private readonly logger: Logger,
  ) {
    this.client = new ProxyClient(options.url, options.apiKey);
    this.random = new Random(options.seed);
  }

  get predictionsSent(): number {
    return this.sent;
  }

  /** Registers the models and their references, logs their training, backfills history. */
  async setUp(): Promise<void> {
    const rows = irisRows();
    const training = rows.filter((_, i) => i % 3 !== 0);
    const testing = rows.filter((_, i) => i % 3 === 0);
    const classifiers = [
      nearestCentroid(training),
      kNearestNeighbours(training),
      gaussianNaiveBayes(training),
    ];
    const now = Date.now();
    // With history, drift starts early in it so the first evaluation (last hour) already sees it.
    this.driftStartsAt =
      this.options.backfillMs > 0 ? now - this.options.backfillMs * 0.95 : now + this.options.driftAfterMs;
    let fresh = false;
    for (const [i, classifier] of classifiers.entries()) {
      const drift = DRIFT_PLANS[i];
      const labelled = i !== 1;
      const endpoint = await this.client.send<{
        id: string;
        predictionCount: number;
        referenceVersion: number;
      }>('POST', '/api/v1/endpoints', {
        project: this.options.project,
        model: classifier.name,
        version: 'v1',
        function: 'iris-server',
        modelClass: classifier.modelClass,
        labels: { dataset: 'iris', drift: drift ? 'injected' : 'none' },
        features: IRIS_FEATURES.map((name) => ({ name, kind: 'numeric' })),
        predictionColumns: [
          { name: 'species', kind: 'categorical' },
          ...(classifier.confidence ? [{ name: 'confidence', kind: 'numeric' }] : []),
        ],
        labelColumns: ['species_true'],
      });
      // Declaring the same key again keeps its segments (a restart keeps its history).
      await this.client.send('PUT', `/api/v1/endpoints/${endpoint.id}/segments`, { segments: DEMO_SEGMENTS });
      // A restart against the same store keeps the history it has instead of adding another.
      if (endpoint.referenceVersion === 0) {
        fresh = true;
        await this.client.send('PUT', `/api/v1/endpoints/${endpoint.id}/reference`, {
          rows: training.map((r) => ({
            ...r.features,
            species: classifier.predict(r.features),
            ...(classifier.confidence ? { confidence: classifier.confidence(r.features) } : {}),
            species_true: r.species,
          })),
        });
        await this.logTraining(classifier, training, testing);
      }
      this.endpoints.push({ classifier, id: endpoint.id, drift, labelled });
    }
    if (fresh) await this.logProfiledTraining(classifiers[0], now);
    if (fresh && this.options.backfillMs > 0) await this.backfill(now - this.options.backfillMs, now);
    this.logger.info(
      {
        endpoints: this.endpoints.map((e) => ({
          model: e.classifier.name,
          id: e.id,
          drifts: e.drift !== null,
        })),
        backfilled: this.sent,
      },
      'demo models registered',
    );
  }

  /** Sends live traffic every tick until `stop()` or the configured duration. */
  run(): Promise<void> {
    const started = Date.now();
    let lastReport = started;
    return new Promise((resolve) => {
      this.stopped = resolve;
      this.timer = setInterval(() => {
        this.ticking = this.ticking.then(async () => {
          const now = Date.now();
          try {
            await this.tick(now - this.options.tickMs, now);
          } catch (err) {
            this.logger.warn({ err: (err as Error).message }, 'demo traffic failed; retrying next tick');
          }
          if (now - lastReport >= 30_000) {
            lastReport = now;
            this.logger.info({ predictionsSent: this.sent }, 'demo traffic');
          }
          if (this.options.durationMs > 0 && now - started >= this.options.durationMs) void this.stop();
        });
      }, this.options.tickMs);
      this.timer.unref();
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    this.stopped?.();
  }

  private async logTraining(
    classifier: Classifier,
    training: LabelledIris[],
    testing: LabelledIris[],
  ): Promise<void> {
    const experiment = `/api/v1/experiments/${encodeURIComponent('iris/training')}`;
    const { run } = await this.client.send<{ run: number }>(
      'POST',
      `${experiment}/runs?project=${this.options.project}`,
      { provider: 'default' },
    );
    const accuracy = (set: LabelledIris[]) =>
      set.filter((r) => classifier.predict(r.features) === r.species).length / set.length;
    await this.client.send('POST', `${experiment}/events?project=${this.options.project}`, [
      { event: 'param', key: 'model', value: classifier.name, run },
      { event: 'param', key: 'model_class', value: classifier.modelClass, run },
      { event: 'param', key: 'training_rows', value: training.length, run },
      ...[0.25, 0.5, 0.75, 1].map((share, step) => ({
        event: 'metric',
        key: 'train_accuracy',
        value: accuracy(training.slice(0, Math.max(1, Math.round(training.length * share)))),
        step,
        run,
      })),
      { event: 'metric', key: 'test_accuracy', value: accuracy(testing), run },
    ]);
    await this.client.send('POST', `${experiment}/runs/${run}/stop?project=${this.options.project}`);
  }

  /** A training run tracked with the profiling provider: its system samples over the last ten minutes. */
  private async logProfiledTraining(classifier: Classifier, now: number): Promise<void> {
    const experiment = `/api/v1/experiments/${encodeURIComponent('iris/training')}`;
    const { run } = await this.client.send<{ run: number }>(
      'POST',
      `${experiment}/runs?project=${this.options.project}`,
      { provider: 'profiling' },
    );
    await this.client.send('POST', `${experiment}/events?project=${this.options.project}`, [
      { event: 'param', key: 'model', value: classifier.name, run },
      { event: 'param', key: 'profiled', value: true, run },
      ...profilingEvents(this.random, run, now - PROFILED_SPAN_MS, now, PROFILE_INTERVAL_MS),
    ]);
    await this.client.send('POST', `${experiment}/runs/${run}/stop?project=${this.options.project}`);
  }

  private async backfill(from: number, to: number): Promise<void> {
    for (let t = from; t < to; t += 60_000) await this.tick(t, Math.min(t + 60_000, to));
  }

  /** Generates and sends the predictions of [from, to) for every endpoint, then the labels now due. */
  private async tick(from: number, to: number): Promise<void> {
    for (const endpoint of this.endpoints) {
      const count = this.random.poisson((this.options.ratePerSecond * (to - from)) / 1_000);
      const events = Array.from({ length: count }, () =>
        this.prediction(endpoint, from + this.random.next() * (to - from)),
      );
      for (let i = 0; i < events.length; i += BATCH) {
        await this.client.send('POST', '/api/v1/predictions', {
          batchId: randomUUID(),
          events: events.slice(i, i + BATCH),
        });
      }
      this.sent += events.length;
    }
    const due = this.labels.filter((l) => l.dueAt <= to);
    if (due.length) {
      for (let i = 0; i < due.length; i += BATCH) {
        await this.client.send(
          'POST',
          '/api/v1/labels',
          due.slice(i, i + BATCH).map(({ requestId, label }) => ({ requestId, label })),
        );
      }
      this.labels.splice(0, this.labels.length, ...this.labels.filter((l) => l.dueAt > to));
    }
  }

  /** The class, and the confidence beside it when the model has one (the estimated-performance score). */
  private output(classifier: Classifier, features: IrisRow) {
    const species = classifier.predict(features);
    return classifier.confidence ? { species, confidence: classifier.confidence(features) } : species;
  }

  private prediction(endpoint: SimulatedEndpoint, time: number) {
    const source = this.random.pick(this.population);
    const drift = endpoint.drift && time >= this.driftStartsAt ? endpoint.drift : {};
    const features = Object.fromEntries(
      IRIS_FEATURES.map((name) => {
        const value = source.features[name] + this.random.normal() * 0.15;
        return [name, Math.round((drift[name]?.(value) ?? value) * 100) / 100];
      }),
    ) as IrisRow;
    const requestId = randomUUID();
    const failed = this.random.next() < 0.01;
    const latencyMs = Math.exp(Math.log(4) + this.random.normal() * 0.5) + (failed ? 200 : 0);
    if (endpoint.labelled && !failed && this.random.next() < this.options.labelShare) {
      this.labels.push({
        dueAt: time + 5_000 + this.random.next() * 60_000,
        requestId,
        label: source.species,
      });
    }
    const region = REGIONS[this.made++ % REGIONS.length];
    return {
      endpoint: endpoint.id,
      timestamp: Math.round(time),
      features,
      tags: { region },
      ...(failed ? { error: 'model timeout' } : { prediction: this.output(endpoint.classifier, features) }),
      latencyMs: Math.round(latencyMs * 1000) / 1000,
      requestId,
    };
  }
}
