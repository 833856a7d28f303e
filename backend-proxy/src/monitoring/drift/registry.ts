import { chiSquaredTest } from './chiSquaredTest';
import { hellingerDistance } from './hellingerDistance';
import { jensenShannonDistance } from './jensenShannonDistance';
import { klDivergence, symmetricKlDivergence } from './klDivergence';
import { kolmogorovSmirnov } from './kolmogorovSmirnov';
import { populationStabilityIndex } from './populationStabilityIndex';
import { totalVariationDistance } from './totalVariationDistance';
import { wassersteinDistance } from './wassersteinDistance';

/**
 * The drift measures by name, each scored on two aligned histograms (reference = expected,
 * production = actual) with the parameters recorded in the score's `method`. The formulas are in
 * the measures' own files; `kld` is MLRun's symmetric KL, `kl` the one-sided KL(expected || actual).
 */

import type { DriftMetric } from './driftMetrics';

export type { DriftMetric } from './driftMetrics';
export { DRIFT_METRICS, DEFAULT_FEATURE_METRICS } from './driftMetrics';

export interface DriftMethod {
  metric: DriftMetric;
  description: string;
  logBase?: number;
  epsilon?: number;
  /** The caller's description of the binning, e.g. "reference: 20 equal-width bins + 2 open outer bins". */
  bins: string;
}

export interface DriftScore {
  metric: DriftMetric;
  value: number;
  /** Only for the tests (ks, chi2). */
  pValue?: number;
  method: DriftMethod;
}

export interface HistogramInput {
  counts: number[];
  /** One representative value per bin (e.g. its midpoint); required by wasserstein. */
  positions?: number[];
}

const EPSILON = 1e-4;

const METHODS: Readonly<Record<DriftMetric, Omit<DriftMethod, 'bins'>>> = {
  tvd: { metric: 'tvd', description: 'Total variation distance ½ Σ|p - q|, in [0, 1] (as MLRun)' },
  hellinger: {
    metric: 'hellinger',
    description: 'Hellinger distance sqrt(1 - Σ sqrt(p q)), in [0, 1] (as MLRun)',
  },
  kld: {
    metric: 'kld',
    description:
      "MLRun's symmetric KL divergence KL(p || q) + KL(q || p) in nats; an empty bin weighs 0 and divides as 1e-4",
    logBase: Math.E,
    epsilon: EPSILON,
  },
  kl: {
    metric: 'kl',
    description: 'KL divergence KL(expected || actual); empty bins set to epsilon, then renormalised',
    logBase: Math.E,
    epsilon: EPSILON,
  },
  psi: {
    metric: 'psi',
    description: 'Population stability index Σ (q - p) ln(q / p); empty bins set to epsilon',
    logBase: Math.E,
    epsilon: EPSILON,
  },
  js: { metric: 'js', description: 'Jensen-Shannon distance, in [0, 1] with log base 2', logBase: 2 },
  ks: {
    metric: 'ks',
    description: 'Two-sample Kolmogorov-Smirnov statistic on binned data; asymptotic p-value, conservative',
  },
  wasserstein: {
    metric: 'wasserstein',
    description: 'Wasserstein-1 distance between the binned distributions, in units of the bin positions',
  },
  chi2: {
    metric: 'chi2',
    description:
      "Pearson's chi-squared statistic of the 2 x K table of counts (categories empty on both sides dropped)",
  },
};

export function computeDriftScore(
  metric: DriftMetric,
  expected: HistogramInput,
  actual: HistogramInput,
  binsDescription: string,
): DriftScore {
  if (!Object.hasOwn(METHODS, metric)) throw new Error(`unknown drift metric "${String(metric)}"`);
  const method: DriftMethod = { ...METHODS[metric], bins: binsDescription };
  const { counts: e } = expected;
  const { counts: a } = actual;
  switch (metric) {
    case 'tvd':
      return { metric, value: totalVariationDistance(e, a), method };
    case 'hellinger':
      return { metric, value: hellingerDistance(e, a), method };
    case 'kld':
      return { metric, value: symmetricKlDivergence(e, a, { zeroScaling: EPSILON }), method };
    case 'kl':
      return { metric, value: klDivergence(e, a, { epsilon: EPSILON, logBase: Math.E }), method };
    case 'psi':
      return { metric, value: populationStabilityIndex(e, a, { epsilon: EPSILON }), method };
    case 'js':
      return { metric, value: jensenShannonDistance(e, a, { logBase: 2 }), method };
    case 'ks': {
      const { statistic, pValue } = kolmogorovSmirnov(e, a);
      return { metric, value: statistic, pValue, method };
    }
    case 'wasserstein':
      return { metric, value: wassersteinDistance(e, a, binPositions(expected, actual)), method };
    case 'chi2': {
      const { statistic, pValue } = chiSquaredTest(e, a);
      return { metric, value: statistic, pValue, method };
    }
  }
}

function binPositions(expected: HistogramInput, actual: HistogramInput): number[] {
  const positions = expected.positions ?? actual.positions;
  if (!positions) {
    throw new Error('wasserstein needs bin positions: set `positions` on the expected histogram');
  }
  const other = actual.positions;
  if (
    other &&
    (other.length !== positions.length || other.some((position, i) => position !== positions[i]))
  ) {
    throw new Error('wasserstein needs one set of bin positions: expected and actual histograms disagree');
  }
  return positions;
}
