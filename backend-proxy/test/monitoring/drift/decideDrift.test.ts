import { decideDrift } from '../../../src/monitoring/drift/policy/decideDrift';
import {
  DEFAULT_POLICY_CONFIG,
  resolvePolicyConfig,
} from '../../../src/monitoring/drift/policy/policyConfig';
import type { PolicyColumn } from '../../../src/monitoring/drift/policy/types';
import { kolmogorovSmirnov } from '../../../src/monitoring/drift/kolmogorovSmirnov';

const positions = [-1.5, -0.5, 0.5, 1.5];
const numeric = (name: string, expected: number[], actual: number[]): PolicyColumn => ({
  name,
  kind: 'numeric',
  expected,
  actual,
  positions,
  scale: 1,
});
const categorical = (name: string, expected: number[], actual: number[]): PolicyColumn => ({
  name,
  kind: 'categorical',
  expected,
  actual,
});
const reference = [1000, 4000, 4000, 1000];

describe('decideDrift with the default policy', () => {
  const config = resolvePolicyConfig();

  it('is INSUFFICIENT_DATA below the minimum sample, however different the histograms', () => {
    const decision = decideDrift(
      { features: [numeric('x', reference, [0, 0, 0, 99])], predictions: [], windowPredictions: 99 },
      config,
    );
    expect(decision.endpoint.status).toBe('INSUFFICIENT_DATA');
    expect(decision.endpoint.n).toEqual({ production: 99, reference: 10_000, minSample: 100 });
    expect(decision.endpoint.reason).toBe('insufficient data: 99 predictions in the window, minimum 100');
    expect(decision.features[0]).toMatchObject({
      status: 'INSUFFICIENT_DATA',
      n: { production: 99, reference: 10_000 },
      threshold: 100,
      pValue: null,
    });
  });

  it('explains a drifted feature: measure, value against threshold, p-value, corrected p-value, n', () => {
    const shifted = [0, 100, 400, 500];
    const decision = decideDrift(
      {
        features: [numeric('moved', reference, shifted), numeric('still', reference, [100, 400, 400, 100])],
        predictions: [],
        windowPredictions: 1000,
      },
      config,
    );
    const moved = decision.features[0];
    const ks = kolmogorovSmirnov(reference, shifted);
    // W1 on the positions (unit spacing): Σ |cdf gap| = 0.1 + 0.4 + 0.4 = 0.9, scale 1.
    expect(moved).toMatchObject({
      name: 'moved',
      status: 'DRIFT_DETECTED',
      measure: 'wasserstein_std',
      threshold: 0.1,
      test: 'ks',
      pValue: ks.pValue,
      alpha: 0.01,
      n: { production: 1000, reference: 10_000 },
    });
    expect(moved.value).toBeCloseTo(0.9, 12);
    // BH over two p-values: the smaller one times 2 (the other is 1).
    expect(moved.adjustedPValue).toBeCloseTo(Math.min(1, 2 * ks.pValue), 15);
    expect(moved.topBins[0]).toMatchObject({ bin: 3, expectedShare: 0.1, actualShare: 0.5 });
    expect(decision.features[1].status).toBe('NO_DRIFT');
    expect(decision.endpoint).toMatchObject({
      status: 'DRIFT_DETECTED',
      policy: 'default',
      driftedFeatures: ['moved'],
      driftedShare: 0.5,
      evaluatedFeatures: 2,
      measure: 'drifted_share',
      value: 0.5,
      threshold: { driftDetected: 0.5 },
    });
    expect(decision.endpoint.drifted).toEqual([moved]);
    expect(decision.endpoint.reason).toMatch(
      /^default: 1 of 2 features drifted \(share 0\.50 >= 0\.5\): moved/,
    );
  });

  it('does not flag a significant but negligible move (effect below its threshold)', () => {
    // 0.5 points of share moved between two categories in a huge window: chi-squared rejects, TVD 0.005.
    const expected = [500_000, 500_000];
    const actual = [502_500, 497_500];
    const decision = decideDrift(
      { features: [categorical('c', expected, actual)], predictions: [], windowPredictions: 1_000_000 },
      config,
    );
    expect(decision.features[0].pValue).toBeLessThan(0.001);
    expect(decision.features[0]).toMatchObject({ status: 'NO_DRIFT', measure: 'tvd', test: 'chi2' });
    expect(decision.features[0].value).toBeCloseTo(0.0025, 12);
    expect(decision.features[0].reason).toMatch(/^significant but negligible/);
    expect(decision.endpoint.status).toBe('NO_DRIFT');
  });

  it('decides prediction columns with the same policy and names them, without changing the status', () => {
    const decision = decideDrift(
      {
        features: [categorical('f', [500, 500], [250, 250])],
        predictions: [categorical('prediction', [500, 500], [450, 50])],
        windowPredictions: 500,
      },
      config,
    );
    expect(decision.predictions[0].status).toBe('DRIFT_DETECTED');
    expect(decision.endpoint.status).toBe('NO_DRIFT');
    expect(decision.endpoint.reason).toMatch(/prediction drift: prediction$/);
  });

  it('is POSSIBLE_DRIFT below the drift share and follows a configured drift share', () => {
    const input = {
      features: [
        categorical('a', [500, 500], [900, 100]),
        categorical('b', [500, 500], [500, 500]),
        categorical('c', [500, 500], [500, 500]),
      ],
      predictions: [],
      windowPredictions: 1000,
    };
    expect(decideDrift(input, config).endpoint.status).toBe('POSSIBLE_DRIFT');
    expect(decideDrift(input, resolvePolicyConfig({ driftShare: 0.3 })).endpoint.status).toBe(
      'DRIFT_DETECTED',
    );
    expect(decideDrift(input, resolvePolicyConfig({ minSample: 2000 })).endpoint.status).toBe(
      'INSUFFICIENT_DATA',
    );
  });

  it('is UNKNOWN with nothing to compare', () => {
    expect(
      decideDrift({ features: [], predictions: [], windowPredictions: 500 }, config).endpoint.status,
    ).toBe('UNKNOWN');
  });
});

describe('decideDrift with the mlrun policy', () => {
  it("applies MLRun's rule to the mean TVD and Hellinger, with the same minimum sample", () => {
    const config = resolvePolicyConfig({ policy: 'mlrun' });
    const input = {
      features: [categorical('a', [500, 500], [1000, 0])],
      predictions: [],
      windowPredictions: 1000,
    };
    const decision = decideDrift(input, config);
    // tvd 0.5, hellinger sqrt(1 - sqrt(0.5)) = 0.5412: score 0.5206 -> POSSIBLE_DRIFT
    expect(decision.endpoint).toMatchObject({
      status: 'POSSIBLE_DRIFT',
      policy: 'mlrun',
      measure: 'mlrun_score',
    });
    expect(decision.endpoint.value).toBeCloseTo((0.5 + Math.sqrt(1 - Math.sqrt(0.5))) / 2, 12);
    expect(decision.features[0]).toMatchObject({ status: 'POSSIBLE_DRIFT', test: null, pValue: null });
    expect(decideDrift({ ...input, windowPredictions: 10 }, config).endpoint.status).toBe(
      'INSUFFICIENT_DATA',
    );
  });
});

describe('resolvePolicyConfig', () => {
  it('takes the endpoint over the project over the defaults, field by field', () => {
    expect(resolvePolicyConfig({ minSample: 50 }, { minSample: 500, policy: 'mlrun' }, null)).toEqual({
      ...DEFAULT_POLICY_CONFIG,
      minSample: 50,
      policy: 'mlrun',
    });
    expect(resolvePolicyConfig(null, undefined)).toEqual(DEFAULT_POLICY_CONFIG);
  });
});
