import {
  hasTarget,
  interpolateQuery,
  modeOf,
  toVariableQuery,
  toWireTarget,
  variableTarget,
} from '../../src/datasource/targets';
import { TestTemplateSrv } from '../helpers/templateSrv';

describe('query targets', () => {
  it('reads SimpleJSON-shaped queries ({refId, target}) as raw, and builder queries as target + payload', () => {
    expect(modeOf({ refId: 'A', target: 'target_endpoint=list_projects' })).toBe('raw');
    expect(modeOf({ refId: 'A', queryType: 'feature_drift' })).toBe('builder');
    expect(toWireTarget({ refId: 'A', target: ' project=p;target_endpoint=list_endpoints ' })).toEqual({
      refId: 'A',
      target: 'project=p;target_endpoint=list_endpoints',
    });
    expect(
      toWireTarget(
        {
          refId: 'A',
          editorMode: 'builder',
          queryType: 'feature_drift',
          payload: { endpoint_id: 'e', feature: [], step: ' ' },
        },
        'demo',
      ),
    ).toEqual({
      refId: 'A',
      target: 'feature_drift',
      payload: { endpoint_id: 'e', project: 'demo' },
    });
    expect(toWireTarget({ refId: 'A', queryType: 'list_projects' }, 'demo')).toEqual({
      refId: 'A',
      target: 'list_projects',
    });
    expect(hasTarget({ refId: 'A', editorMode: 'raw', target: '' })).toBe(false);
  });

  it('interpolates with the regex format the proxy undoes: escapes, (a|b) for several values', () => {
    const t = new TestTemplateSrv([
      { name: 'model', value: 'churn.v1' },
      { name: 'endpoint', value: ['a', 'b'] },
    ]);
    const interpolate = (s: string) => t.replace(s, undefined, 'regex');
    expect(
      interpolateQuery({ refId: 'A', target: 'model=$model;endpoint_id=${endpoint}' }, interpolate).target,
    ).toBe('model=churn\\.v1;endpoint_id=(a|b)');
    expect(
      interpolateQuery(
        { refId: 'A', queryType: 'x', payload: { endpoint_id: ['$endpoint', 'c'] } },
        interpolate,
      ).payload,
    ).toEqual({ endpoint_id: ['(a|b)', 'c'] });
  });

  it('builds variable targets from the kind and its fields, or takes a raw one', () => {
    expect(
      variableTarget({
        kind: 'features',
        project: '$project',
        endpointId: '$endpoint',
        experiment: 'ignored',
      }),
    ).toBe('target_endpoint=features;project=$project;endpoint_id=$endpoint');
    expect(variableTarget({ kind: 'metric_names', experiment: 'exp', run: '-1' })).toBe(
      'target_endpoint=metric_names;experiment=exp;run=-1',
    );
    expect(variableTarget(toVariableQuery('project=$project;target_endpoint=endpoints'))).toBe(
      'project=$project;target_endpoint=endpoints',
    );
    expect(variableTarget(toVariableQuery(undefined))).toBe('target_endpoint=projects');
  });

  it('builds the segment variables: keys of an endpoint, values of one key (the contract keys segment_key, endpoint_id)', () => {
    expect(
      variableTarget({ kind: 'segment_keys', project: '$project', endpointId: '$endpoint', segmentKey: 'x' }),
    ).toBe('target_endpoint=segment_keys;project=$project;endpoint_id=$endpoint');
    expect(
      variableTarget({
        kind: 'segments',
        project: '$project',
        endpointId: '$endpoint',
        segmentKey: '$segment_key',
      }),
    ).toBe('target_endpoint=segments;project=$project;endpoint_id=$endpoint;segment_key=$segment_key');
  });
});
