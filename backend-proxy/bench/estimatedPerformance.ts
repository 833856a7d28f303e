/**
 * Evaluation of estimated (label-free) accuracy under covariate shift: P(label | features) is
 * fixed, the feature distribution moves window by window, and each synthetic classifier's score is
 * a monotone (miscalibrated) function of the true logit, so P(label | score) holds, the assumption
 * of confidence-based estimation. Per scenario: a reference of --reference rows without shift
 * calibrates the scores on SCORE_BINS equal-width bins (estimation/isotonicCalibration.ts); then
 * --windows windows of --size predictions, the shift growing linearly from 0 to its maximum, are
 * counted on those bins and estimated (estimation/expectedAccuracy.ts) before their simulated labels
 * are compared:
 *   MAE = mean over windows |estimated − realized accuracy|   (goal <= 0.02)
 *   coverage = share of windows whose realized accuracy is inside the 95% band   (goal >= 90%)
 * and the same over the windows the API would not flag unreliable (estimation/estimateReliability.ts).
 * Scenarios:
 *   binary mean shift       x ~ N(μ, 1), μ 0 → 1.5; P(y=1|x) = σ(2x − 0.5); score σ(1.2x) (threshold 0.5)
 *   binary scale shift      x ∈ R³ ~ N(0, s² I), s 1 → 2.5; logit w·x + 0.3; score σ(0.6 logit + 0.4)
 *   binary towards boundary x ~ N(μ, 0.7), μ 2 → 0.2 (accuracy falls); P(y=1|x) = σ(1.5x); score σ(3x)
 *   multiclass 2-D shift    x ∈ R² ~ N(μ, I), μ (0,0) → (1.2, −0.8); P(y|x) = softmax(Wx + c);
 *                           probabilities softmax(0.6 (Wx + c)); calibrated top-class probability
 *
 * Run: npm run bench:build -w backend-proxy && node backend-proxy/dist-bench/bench/estimatedPerformance.js
 *   [--windows 200] [--size 1000] [--reference 20000] [--bins 20] [--seed 16]
 */
import { Random } from '../src/demo/random';
import { expectedConfusion } from '../src/monitoring/estimation/expectedAccuracy';
import { isotonicCalibration } from '../src/monitoring/estimation/isotonicCalibration';
import { estimateReliability } from '../src/monitoring/estimation/estimateReliability';
import { machineDescription, option } from './lib/benchArgs';

/** Equal-width score bins on [0, 1] (even, so the 0.5 threshold is an edge). */
const SCORE_BINS = option('bins', 20);
const WINDOWS = option('windows', 200);
const SIZE = option('size', 1_000);
const REFERENCE = option('reference', 20_000);
const rng = new Random(option('seed', 16));

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const scoreBin = (s: number) => Math.min(SCORE_BINS - 1, Math.floor(s * SCORE_BINS));

/** One prediction: the bin of its score (binary: P(positive); multiclass: top-class probability) and whether it is right. */
interface Draw {
  bin: number;
  correct: boolean;
}
interface Scenario {
  name: string;
  /** Binary: bins >= SCORE_BINS / 2 predict positive; multiclass: every bin is the top class. */
  binary: boolean;
  /** A prediction at shift t in [0, 1]. */
  draw: (t: number) => Draw;
}

function binaryDraw(logit: number, score: number): Draw {
  const y = rng.next() < sigmoid(logit);
  const bin = scoreBin(score);
  return { bin, correct: y === bin >= SCORE_BINS / 2 };
}

const W = [
  [-2, 0],
  [1, 1.5],
  [1, -1.5],
];
const C = [0.3, 0, -0.2];
const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

const SCENARIOS: Scenario[] = [
  {
    name: 'binary mean shift',
    binary: true,
    draw: (t) => {
      const x = 1.5 * t + rng.normal();
      return binaryDraw(2 * x - 0.5, sigmoid(1.2 * x));
    },
  },
  {
    name: 'binary scale shift',
    binary: true,
    draw: (t) => {
      const s = 1 + 1.5 * t;
      const logit = [1, -0.5, 0.8].reduce((a, w) => a + w * s * rng.normal(), 0.3);
      return binaryDraw(logit, sigmoid(0.6 * logit + 0.4));
    },
  },
  {
    name: 'binary towards boundary',
    binary: true,
    draw: (t) => {
      const x = 2 - 1.8 * t + 0.7 * rng.normal();
      return binaryDraw(1.5 * x, sigmoid(3 * x));
    },
  },
  {
    name: 'multiclass 2-D shift',
    binary: false,
    draw: (t) => {
      const x = [1.2 * t + rng.normal(), -0.8 * t + rng.normal()];
      const logits = W.map((w, k) => w[0] * x[0] + w[1] * x[1] + C[k]);
      const truth = softmax(logits);
      const model = softmax(logits.map((z) => 0.6 * z));
      const u = rng.next();
      const y = u < truth[0] ? 0 : u < truth[0] + truth[1] ? 1 : 2;
      const top = model.indexOf(Math.max(...model));
      return { bin: scoreBin(model[top]), correct: y === top };
    },
  },
];

function evaluate(s: Scenario) {
  const rows = new Array<number>(SCORE_BINS).fill(0);
  const positives = new Array<number>(SCORE_BINS).fill(0);
  for (let i = 0; i < REFERENCE; i++) {
    const d = s.draw(0);
    rows[d.bin] += 1;
    // Binary calibration is of P(y = 1): positive-side bins are right when y = 1, the others when y = 0.
    const positive = s.binary ? d.correct === d.bin >= SCORE_BINS / 2 : d.correct;
    if (positive) positives[d.bin] += 1;
  }
  const calibration = isotonicCalibration(rows, positives);
  const decisions = Array.from({ length: SCORE_BINS }, (_, b) => !s.binary || b >= SCORE_BINS / 2);
  let absError = 0;
  let maxError = 0;
  let inside = 0;
  let width = 0;
  let flagged = 0;
  let reliableError = 0;
  let reliableInside = 0;
  let realizedMin = 1;
  let realizedMax = 0;
  for (let w = 0; w < WINDOWS; w++) {
    const t = WINDOWS > 1 ? w / (WINDOWS - 1) : 0;
    const counts = new Array<number>(SCORE_BINS).fill(0);
    let correct = 0;
    for (let i = 0; i < SIZE; i++) {
      const d = s.draw(t);
      counts[d.bin] += 1;
      if (d.correct) correct += 1;
    }
    const realized = correct / SIZE;
    const estimate = expectedConfusion(counts, calibration, decisions);
    if (!estimate) throw new Error('empty window');
    const error = Math.abs(estimate.accuracy.value - realized);
    absError += error;
    maxError = Math.max(maxError, error);
    if (realized >= estimate.accuracy.low && realized <= estimate.accuracy.high) inside += 1;
    width += estimate.accuracy.high - estimate.accuracy.low;
    if (estimateReliability(rows, calibration, counts).length > 0) flagged += 1;
    else {
      reliableError += error;
      if (realized >= estimate.accuracy.low && realized <= estimate.accuracy.high) reliableInside += 1;
    }
    realizedMin = Math.min(realizedMin, realized);
    realizedMax = Math.max(realizedMax, realized);
  }
  return {
    mae: absError / WINDOWS,
    maxError,
    coverage: inside / WINDOWS,
    width: width / WINDOWS,
    realized: [realizedMin, realizedMax],
    flagged,
    reliableMae: WINDOWS > flagged ? reliableError / (WINDOWS - flagged) : NaN,
    reliableCoverage: WINDOWS > flagged ? reliableInside / (WINDOWS - flagged) : NaN,
  };
}

console.log(machineDescription());
console.log(
  `reference ${REFERENCE} rows, ${WINDOWS} windows of ${SIZE} predictions, ${SCORE_BINS} score bins`,
);
console.log('');
console.log(
  '| scenario | realized accuracy (min–max) | MAE | max error | 95% band coverage | mean band width | goals met | windows flagged unreliable | MAE / coverage of the others |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: |');
for (const s of SCENARIOS) {
  const r = evaluate(s);
  const met = r.mae <= 0.02 && r.coverage >= 0.9 ? 'yes' : 'no';
  console.log(
    `| ${s.name} | ${r.realized[0].toFixed(3)}–${r.realized[1].toFixed(3)} | ${r.mae.toFixed(4)} | ${r.maxError.toFixed(4)} | ${(100 * r.coverage).toFixed(1)}% | ${r.width.toFixed(4)} | ${met} | ${r.flagged} | ${r.reliableMae.toFixed(4)} / ${(100 * r.reliableCoverage).toFixed(1)}% |`,
  );
}
