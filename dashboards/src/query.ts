/**
 * Queries of the Driftwatch data source as the dashboards store them: the proxy's MLRun-style
 * target string (`project=$project;target_endpoint=list_endpoints`) in `target`, which the data
 * source interpolates and posts to the proxy's `/grafana/query` as it is (SimpleJSON's model).
 * Target names and keys are typed from the proxy's own parser, so a renamed target or key fails
 * the typecheck here before it fails a dashboard.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { TargetName, TargetQuery } from '@driftwatch/backend-proxy/grafana-targets';
import { DATASOURCE_REF } from './constants';

export type TargetKey = Exclude<keyof TargetQuery, 'target_endpoint'>;
/** Values are template text: literals or variables such as `$project`. */
export type TargetParams = Partial<Record<TargetKey, string>>;

/** `key=value;...;target_endpoint=name`, with the target last as MLRun's dashboards wrote it. */
export function targetString(name: TargetName, params: TargetParams = {}): string {
  const pairs = Object.entries(params).map(([key, value]) => `${key}=${value}`);
  return [...pairs, `target_endpoint=${name}`].join(';');
}

export interface DriftwatchQuery extends cog.Dataquery {
  refId: string;
  datasource: { type: string; uid: string };
  target: string;
}

/** A target of a panel, an annotation or a template variable, always through the data-source variable. */
export class DriftwatchQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly query: DriftwatchQuery;

  constructor(refId: string, target: string) {
    this.query = {
      refId,
      datasource: { ...DATASOURCE_REF },
      target,
      // cog's marker for query variants; a function, so JSON output leaves it out.
      _implementsDataqueryVariant() {},
    };
  }

  build(): DriftwatchQuery {
    return this.query;
  }
}

/** Builders for several targets of one panel, with refIds A, B, C, ... */
export function queries(...targets: string[]): DriftwatchQueryBuilder[] {
  return targets.map((target, i) => new DriftwatchQueryBuilder(String.fromCharCode(65 + i), target));
}
