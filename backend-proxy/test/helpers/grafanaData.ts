/**
 * @grafana/data for Node tests. Its entry point (through @grafana/data's store and react-use)
 * touches `window`, `document` and `history` when it loads; these stubs are just enough for it
 * to load, and the functions used here (toDataFrame, getHistogramFields) never touch them.
 */
import type * as GrafanaData from '@grafana/data';

const noop = (): void => undefined;
const element = () => ({ sheet: { insertRule: () => 0, cssRules: [] }, appendChild: noop, setAttribute: noop, style: {} });
const history = { pushState: noop, replaceState: noop };
const globals = globalThis as Record<string, unknown>;

export function loadGrafanaData(): typeof GrafanaData {
  globals.window ??= {
    addEventListener: noop,
    removeEventListener: noop,
    dispatchEvent: noop,
    history,
    matchMedia: () => ({ matches: false, addListener: noop, removeListener: noop }),
    location: { href: '', search: '', pathname: '/' },
    navigator: { userAgent: 'node' },
  };
  globals.history ??= history;
  globals.document ??= {
    head: { appendChild: noop },
    body: { appendChild: noop },
    createElement: element,
    createTextNode: () => ({}),
    documentElement: { style: {} },
    addEventListener: noop,
    removeEventListener: noop,
    querySelector: () => null,
    getElementsByTagName: () => [{}],
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@grafana/data') as typeof GrafanaData;
}
