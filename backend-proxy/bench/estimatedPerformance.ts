/**
 * Estimated accuracy without labels (src/monitoring/performance): how close the estimate from
 * calibrated scores comes to the realized accuracy of windows of 1,000 predictions, and how often
 * the realized value falls inside the 95% band, under covariate shift (P(label | x) fixed).
 *
 * Synthetic binary classifier: x ~ N(μ, σ), P(y = 1 | x) = sigmoid(2x), the model's score
 * s = 0.1 + 0.8 sigmoid(1.2x + 0.3) (monotone, miscalibrated), predicted class s ≥ 0.5.
 * Multiclass: x ∈ R², three classes with softmax(Wx) as P(y | x), the model under-confident
 * (softmax(Wx / 2)); the confidence column is its top-class probability.
 * The reference (20,000 rows, μ = 0, σ = 1) is binned as a registered reference (20 equal-width bins
 * + 2 outer) and calibrates the scores; each window is counted on those bins and estimated with
 * the code the API runs.
 *   none               production as the reference
 *   toward confident   σ = 1.8: more scores near 0.1 and 0.9
 *   toward uncertain   σ = 0.4: scores crowd the decision boundary
 *   prior-like         μ = 0.8: more positives, P(y | x) unchanged
 *   multiclass shifted μ = (1, 0.5)
 * Goals: mean absolute error ≤ 0.02; realized accuracy inside the band in ≥ 90% of windows.
 *
 * Run: npm run bench:build -w backend-proxy && node backend-proxy/dist-bench/bench/estimatedPerformance.js
 *   [--windows 200] [--seed 16]
 */
import { Random } from '../src/demo/random';
import { calibrateBins } from '../src/monitoring/performance/calibration';
import { estimateAccuracy } from '../src/monitoring/performance/estimateBand';
import { correctnessByBin, positiveShareOfBins } from '../src/monitoring/performance/scoreBins';
import { NUMERIC_BIN_COUNT } from '../src/monitoring/reference/types';
import { binIndex, equalWidthEdges } from '../src/monitoring/stats/histogramEdges';
import { machineDescription, option } from './lib/benchArgs';

const WINDOW = 1_000;
const REFERENCE_ROWS = 20_000;
const WINDOWS = option('windows', 200);
const random = new Random(option('seed', 16));

/** One row: the score or confidence column's value, and whether the predicted class was right. */
interface Row {
  score: number;
  positive: boolean;
  correct: boolean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function binaryRow(mean: number, std: number): Row {
  const x = mean + std * random.normal();
  const positive = random.next() < sigmoid(2 * x);
  const score = 0.1 + 0.8 * sigmoid(1.2 * x + 0.3);
  return { score, positive, correct: score >= 0.5 === positive };
}

const W = [
  [2, 0],
  [-1, 1.7],
  [-1, -1.7],
];
function softmax(z: number[]): number[] {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
function multiclassRow(mean: [number, number]): Row {
  const x = [mean[0] + random.normal(), mean[1] + random.normal()];
  const z = W.map((w) => w[0] * x[0] + w[1] * x[1]);
  const truth = softmax(z);
  let u = random.next();
  let label = truth.length - 1;
  for (let k = 0; k < truth.length; k++) {
    if (u < truth[k]) {
      label = k;
      break;
    }
    u -= truth[k];
  }
  const model = softmax(z.map((v) => v / 2));
  const confidence = Math.max(...model);
  return { score: confidence, positive: false, correct: model.indexOf(confidence) === label };
}

interface Scenario {
  name: string;
  multiclass: boolean;
  reference: () => Row;
  production: () => Row;
}

const SCENARIOS: Scenario[] = [
  { name: 'none', multiclass: false, reference: () => binaryRow(0, 1), production: () => binaryRow(0, 1) },
  {
    name: 'toward confident',
    multiclass: false,
    reference: () => binaryRow(0, 1),
    production: () => binaryRow(0, 1.8),
  },
  {
    name: 'toward uncertain',
    multiclass: false,
    reference: () => binaryRow(0, 1),
    production: () => binaryRow(0, 0.4),
  },
  {
    name: 'prior-like',
    multiclass: false,
    reference: () => binaryRow(0, 1),
    production: () => binaryRow(0.8, 1),
  },
  {
    name: 'multiclass shifted',
    multiclass: true,
    reference: () => multiclassRow([0, 0]),
    production: () => multiclassRow([1, 0.5]),
  },
];

function run(scenario: Scenario) {
  const reference = Array.from({ length: REFERENCE_ROWS }, scenario.reference);
  const scores = reference.map((r) => r.score);
  const edges = equalWidthEdges(Math.min(...scores), Math.max(...scores), NUMERIC_BIN_COUNT);
  const bins = edges.length + 1;
  const totals = new Array<number>(bins).fill(0);
  const events = new Array<number>(bins).fill(0);
  for (const row of reference) {
    const b = binIndex(edges, row.score);
    totals[b] += 1;
    if (scenario.multiclass ? row.correct : row.positive) events[b] += 1;
  }
  const calibrated = calibrateBins(totals, events);
  const correctness = scenario.multiclass
    ? calibrated
    : correctnessByBin(calibrated, positiveShareOfBins(edges, 0.5));
  let absoluteError = 0;
  let covered = 0;
  let realizedSum = 0;
  for (let w = 0; w < WINDOWS; w++) {
    const counts = new Array<number>(bins).fill(0);
    let correct = 0;
    for (let i = 0; i < WINDOW; i++) {
      const row = scenario.production();
      counts[binIndex(edges, row.score)] += 1;
      if (row.correct) correct += 1;
    }
    const realized = correct / WINDOW;
    const estimate = estimateAccuracy(counts, correctness, totals);
    if (!estimate) throw new Error('empty window');
    realizedSum += realized;
    absoluteError += Math.abs(estimate.estimate - realized);
    if (estimate.lower <= realized && realized <= estimate.upper) covered += 1;
  }
  return { meanRealized: realizedSum / WINDOWS, mae: absoluteError / WINDOWS, coverage: covered / WINDOWS };
}

console.log(`estimated accuracy: ${WINDOWS} windows of ${WINDOW} per scenario; ${machineDescription()}`);
console.log('| scenario | mean realized accuracy | MAE estimate vs realized | band coverage | goals met |');
console.log('|---|---|---|---|---|');
for (const scenario of SCENARIOS) {
  const r = run(scenario);
  const met = r.mae <= 0.02 && r.coverage >= 0.9 ? 'yes' : 'NO';
  console.log(
    `| ${scenario.name} | ${r.meanRealized.toFixed(4)} | ${r.mae.toFixed(4)} | ${(100 * r.coverage).toFixed(1)}% | ${met} |`,
  );
}
