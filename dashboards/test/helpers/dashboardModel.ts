/** Reading the committed dashboard JSON (what ships), and Grafana's variable interpolation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardName } from '../../src/constants';
import { DASHBOARD_FILES, REPO_ROOT } from '../../src/files';

export interface StoredQuery {
  refId: string;
  datasource?: { type?: string; uid?: string };
  target?: string;
  hide?: boolean;
}

export const DASHBOARD_NAMES = Object.keys(DASHBOARD_FILES) as DashboardName[];

export function loadDashboard(name: DashboardName): Dashboard {
  return JSON.parse(readFileSync(join(REPO_ROOT, DASHBOARD_FILES[name]), 'utf8')) as Dashboard;
}

/** Every panel that is not a row, including those inside collapsed rows, in layout order. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  const out: Panel[] = [];
  for (const panel of dashboard.panels ?? []) {
    if (panel.type === 'row') out.push(...(panel as RowPanel).panels);
    else out.push(panel as Panel);
  }
  return out;
}

export const queriesOf = (panel: Panel): StoredQuery[] => (panel.targets ?? []) as unknown as StoredQuery[];

export function variablesOf(dashboard: Dashboard): VariableModel[] {
  return dashboard.templating.list ?? [];
}

/** The variable's query as stored: `{refId, target}`. */
export function variableQuery(variable: VariableModel): StoredQuery {
  return variable.query as unknown as StoredQuery;
}

// ------------------------------------------------------------------ interpolation, as Grafana does it

/** A variable's selection: the chosen values, or "All". */
export interface Selection {
  all: boolean;
  values: string[];
  texts: string[];
}

export interface ResolvedVariable {
  variable: VariableModel;
  /** Every option the variable offered (value and text). */
  options: Array<{ text: string; value: string }>;
  selection: Selection;
}

/** Grafana's escapeRegex, used by the `regex` format JSON data sources interpolate targets with. */
export const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** The values a selection stands for: All is every option (unless a custom all value replaces them). */
export function selectedValues(resolved: ResolvedVariable): string[] {
  return resolved.selection.all ? resolved.options.map((o) => o.value) : resolved.selection.values;
}

/**
 * TemplateSrv.replace(text, scopedVars, 'regex'): one value escaped, several as `(a|b)`, a custom
 * "All" value as it is; `${name:text}` gives the option's text (titles use it). Names without a
 * variable are an error here (Grafana would leave them).
 */
export function interpolate(
  text: string,
  variables: Map<string, ResolvedVariable>,
  scoped: Record<string, string> = {},
): string {
  return text.replace(
    /\$(\w+)|\$\{(\w+)(?::(\w+))?\}/g,
    (match, plain: string | undefined, braced: string | undefined, format: string | undefined) => {
      const name = (plain ?? braced) as string;
      const resolved = variables.get(name);
      if (!resolved && !(name in scoped)) throw new Error(`${match} is not a variable of this dashboard`);
      if (format === 'text') {
        const values = name in scoped ? [scoped[name]] : selectedValues(resolved as ResolvedVariable);
        return values.map((v) => resolved?.options.find((o) => o.value === v)?.text ?? v).join(' + ');
      }
      if (format !== undefined) throw new Error(`${match}: format ${format} is not emulated here`);
      if (name in scoped) return escapeRegex(scoped[name]);
      const variable = resolved as ResolvedVariable;
      if (variable.selection.all && variable.variable.allValue) return variable.variable.allValue;
      const escaped = selectedValues(variable).map(escapeRegex);
      return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
    },
  );
}

/** `now-6h` etc. as epoch ms before `now`. */
export function relativeMs(expression: string): number {
  const match = /^now-(\d+)([smhdw])$/.exec(expression);
  if (!match) throw new Error(`unsupported time expression ${expression}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
    match[2] as 's' | 'm' | 'h' | 'd' | 'w'
  ];
  return Number(match[1]) * unit;
}

/** `15m`, `1h`, ... in ms (panel min intervals). */
export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`unsupported interval ${text}`);
  return (
    Number(match[1]) *
    { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd']
  );
}
