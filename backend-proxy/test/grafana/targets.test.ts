import { InvalidInputError } from '../../src/errors';
import {
  normalizeQuery,
  parseTarget,
  parseTargetString,
  payloadToRaw,
  splitMultiValue,
  unescapeGrafana,
} from '../../src/grafana/targets';

const id = 'a'.repeat(40);
const id2 = 'b'.repeat(40);

describe('the target language', () => {
  it("parses MLRun's key=value pairs joined by ;", () => {
    expect(parseTargetString('project=shop;target_endpoint=list_endpoints')).toEqual({
      project: 'shop',
      target_endpoint: 'list_endpoints',
    });
    expect(parseTargetString(' project = shop ;; target_endpoint=list_endpoints;')).toEqual({
      project: 'shop',
      target_endpoint: 'list_endpoints',
    });
    // Values may contain "=" (labels); MLRun's parser kept only up to the next "=".
    expect(parseTargetString('labels=team=growth;target_endpoint=list_endpoints').labels).toBe('team=growth');
    // A bare name is the target (simpod sends the chosen metric as the target).
    expect(parseTargetString('drift_over_time')).toEqual({ target_endpoint: 'drift_over_time' });
    expect(() => parseTargetString('project=shop;oops')).toThrow(InvalidInputError);
    expect(() => parseTargetString('=shop')).toThrow(InvalidInputError);
  });

  it("removes Grafana's regex escaping", () => {
    expect(unescapeGrafana('churn\\.v1')).toBe('churn.v1');
    expect(unescapeGrafana('a\\(b\\)\\|c\\\\d')).toBe('a(b)|c\\d');
  });

  it('splits multi-value variables: (a|b) from the regex format, {a,b} from glob, escapes kept inside', () => {
    expect(splitMultiValue('(churn|fraud\\.gbm)')).toEqual(['churn', 'fraud.gbm']);
    expect(splitMultiValue('{churn,fraud.gbm}')).toEqual(['churn', 'fraud.gbm']);
    expect(splitMultiValue('a\\|b')).toEqual(['a|b']);
    expect(splitMultiValue('\\(x\\)')).toEqual(['(x)']);
    expect(splitMultiValue('(x\\|y|z)')).toEqual(['x|y', 'z']);
    expect(splitMultiValue('plain')).toEqual(['plain']);
  });

  it('validates into a typed query; "All" means no filter', () => {
    expect(
      normalizeQuery({ target_endpoint: 'list_endpoints', project: '(shop|other)', model: '$__all' }, 't'),
    ).toEqual({
      target_endpoint: 'list_endpoints',
      project: ['shop', 'other'],
    });
    expect(
      normalizeQuery({ target_endpoint: 'latency', stat: 'p95', step: '15m', labels: 'team:growth' }, 't'),
    ).toEqual({
      target_endpoint: 'latency',
      stat: 'p95',
      step: 900_000,
      labels: { team: 'growth' },
    });
    expect(normalizeQuery({ target_endpoint: 'runs', experiment: 'exp', run: '(1|3)' }, 't').run).toBe('1,3');
  });

  it("ignores keys no target uses (MLRun's filter_router), reporting them", () => {
    const ignored: string[] = [];
    expect(
      normalizeQuery(
        { target_endpoint: 'list_endpoints', project: 'shop', filter_router: 'True' },
        't',
        ignored,
      ),
    ).toEqual({ target_endpoint: 'list_endpoints', project: ['shop'] });
    expect(ignored).toEqual(['filter_router']);
    expect(
      parseTarget({ target: 'target_endpoint=list_projects;colour=red' }, 'targets.0').ignoredKeys,
    ).toEqual(['colour']);
  });

  it('rejects unknown targets, bad values and several values where one is meant, naming the path', () => {
    const problem = (raw: Record<string, string | string[]>) => {
      try {
        normalizeQuery(raw, 'targets.0');
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as InvalidInputError).details;
      }
      throw new Error('accepted');
    };
    expect(problem({ target_endpoint: 'nope' })).toEqual([
      { path: 'targets.0.target_endpoint', message: 'unknown target_endpoint "nope"' },
    ]);
    expect(problem({ project: 'shop' })).toEqual([
      { path: 'targets.0.target_endpoint', message: expect.stringMatching(/^one of list_projects/) },
    ]);
    expect(problem({ target_endpoint: 'feature_drift', endpoint_id: 'xyz' })).toEqual([
      expect.objectContaining({ path: 'targets.0.endpoint_id' }),
    ]);
    expect(problem({ target_endpoint: 'latency', stat: '(p50|p95)' })).toEqual([
      { path: 'targets.0.stat', message: 'takes a single value' },
    ]);
    expect(problem({ target_endpoint: 'list_endpoints', project: 'bad project!' })).toEqual([
      expect.objectContaining({ path: 'targets.0.project' }),
    ]);
    expect(problem({ target_endpoint: 'latency', step: '10s' })).toEqual([
      expect.objectContaining({ path: 'targets.0.step' }),
    ]);
  });

  it('merges a JSON payload (object or text) over the target string', () => {
    const parsed = parseTarget(
      { refId: 'B', target: `drift_over_time`, payload: { endpoint_id: [id, id2], metric: 'psi' } },
      'targets.1',
    );
    expect(parsed).toEqual({
      refId: 'B',
      query: { target_endpoint: 'drift_over_time', endpoint_id: [id, id2], metric: 'psi' },
      ignoredKeys: [],
    });
    const text = parseTarget(
      { target: `endpoint_id=${id};target_endpoint=latency`, payload: '{"stat": "p99"}' },
      'targets.0',
    );
    expect(text.query).toEqual({ target_endpoint: 'latency', endpoint_id: [id], stat: 'p99' });
    // simpod's builder interpolates each array item in the regex format, a multi-value variable included.
    expect(
      parseTarget({ target: 'list_endpoints', payload: { model: ['fraud\\.gbm', '(a|b)'] } }, 't').query
        .model,
    ).toEqual(['fraud.gbm', 'a', 'b']);
    expect(payloadToRaw({ limit: 5, by: 'step' })).toEqual({ limit: '5', by: 'step' });
    expect(() => payloadToRaw('{"a": ')).toThrow(InvalidInputError);
    expect(() => payloadToRaw('[1, 2]')).toThrow(InvalidInputError);
  });
});
