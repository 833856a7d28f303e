/**
 * A small TemplateSrv with Grafana's semantics for what this plugin uses: `$name`, `${name}` and
 * `[[name]]`, scoped variables first, multi-value variables and "All", and the `regex` format
 * (values regex-escaped, several joined as `(a|b)`), `pipe`, `csv`, `glob` and `raw`.
 */
import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

export interface TestVariable {
  name: string;
  /** One value, several (multi-value), or `$__all`. */
  value: string | string[];
  /** What "All" expands to. */
  options?: string[];
}

const escapeRegex = (v: string) => v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

function formatValue(values: string[], format: string | undefined): string {
  switch (format) {
    case 'regex':
      return values.length === 1 ? escapeRegex(values[0]) : `(${values.map(escapeRegex).join('|')})`;
    case 'pipe':
      return values.join('|');
    case 'csv':
      return values.join(',');
    case 'raw':
      return values.join(',');
    case 'glob':
    default:
      return values.length === 1 ? values[0] : `{${values.join(',')}}`;
  }
}

export class TestTemplateSrv implements TemplateSrv {
  constructor(public variables: TestVariable[] = []) {}

  set(name: string, value: string | string[], options?: string[]): void {
    this.variables = [...this.variables.filter((v) => v.name !== name), { name, value, options }];
  }

  getVariables(): TypedVariableModel[] {
    return this.variables.map(
      (v) =>
        ({
          name: v.name,
          type: 'custom',
          current: { value: v.value, text: v.value },
        }) as unknown as TypedVariableModel,
    );
  }

  private valuesOf(name: string, scopedVars?: ScopedVars): string[] | null {
    const scoped = scopedVars?.[name];
    if (scoped) return Array.isArray(scoped.value) ? scoped.value.map(String) : [String(scoped.value)];
    const variable = this.variables.find((v) => v.name === name);
    if (!variable) return null;
    const values = Array.isArray(variable.value) ? variable.value : [variable.value];
    if (values.includes('$__all')) return variable.options ?? values;
    return values;
  }

  replace(
    target?: string,
    scopedVars?: ScopedVars,
    format?: string | ((...args: never[]) => unknown),
  ): string {
    if (!target) return target ?? '';
    return target.replace(
      /\$(\w+)|\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]/g,
      (match, a: string, b: string, fmt: string, c: string) => {
        const name = a ?? b ?? c;
        const values = this.valuesOf(name, scopedVars);
        if (values === null) return match;
        return formatValue(values, fmt ?? (typeof format === 'string' ? format : undefined));
      },
    );
  }

  containsTemplate(target?: string): boolean {
    return !!target && /\$\w+|\$\{\w+|\[\[\w+\]\]/.test(target);
  }

  updateTimeRange(): void {}
}
