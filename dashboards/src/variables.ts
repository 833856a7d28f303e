/**
 * Template variables. Every query variable asks the proxy through the data-source variable with
 * a name target (`projects`, `endpoints`, ...), whose answer is a `__text`/`__value` table: what
 * Grafana reads as variable options (endpoints show `model:version` and carry the endpoint id).
 */
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { TargetName } from '@driftwatch/backend-proxy/grafana-targets';
import { DATASOURCE_PLUGIN_ID, DATASOURCE_REF, DATASOURCE_VARIABLE } from './constants';
import { targetString, type TargetParams } from './query';

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type(DATASOURCE_PLUGIN_ID);
}

export interface QueryVariableOptions {
  label: string;
  description?: string;
  /** Several values at once; with `all`, an "All" option too. */
  multi?: boolean;
  /**
   * Adds "All". With a value (e.g. `*`, which the proxy reads as "no filter") Grafana sends that
   * instead of every option, so "All" keeps working as endpoints come and go.
   */
  all?: { value?: string };
  sort?: VariableSort;
}

/** The variable's query: the same `{refId, target}` model as panel targets. */
export interface VariableQuery {
  refId: string;
  target: string;
}

export function queryVariable(
  name: string,
  target: TargetName,
  params: TargetParams,
  options: QueryVariableOptions,
): QueryVariableBuilder {
  const text = targetString(target, params);
  const query: VariableQuery = { refId: `${name}-variable`, target: text };
  const builder = new QueryVariableBuilder(name)
    .label(options.label)
    .datasource({ ...DATASOURCE_REF })
    .query({ ...query })
    .definition(text)
    // Endpoints and experiments appear while a dashboard is open; re-read them with the time range.
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(options.sort ?? VariableSort.AlphabeticalAsc)
    .multi(options.multi ?? false)
    .includeAll(options.all !== undefined);
  if (options.description) builder.description(options.description);
  if (options.all?.value !== undefined) builder.allValue(options.all.value);
  if (options.all) {
    // Start on "All" rather than whichever option happens to come first.
    builder.current(
      options.multi
        ? { selected: true, text: ['All'], value: ['$__all'] }
        : { selected: true, text: 'All', value: '$__all' },
    );
  }
  return builder;
}

/** The proxy reads `*` as "no filter" (see ALL_VALUES in backend-proxy/src/grafana/targets.ts). */
export const ALL_FILTER = '*';
