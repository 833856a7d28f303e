/*
 * Lets @grafana/data load in plain Node, for the test workers that run Grafana's own frame code
 * on the proxy's answers (Jest's module loader cannot load the ES modules @grafana/data depends
 * on; Node's `require` can). Its entry point touches window/document/history/navigator when it
 * loads; these stubs are just enough for that. None of the functions the workers use render.
 */
'use strict';
const noop = () => undefined;
const element = () => ({
  sheet: { insertRule: () => 0, cssRules: [] },
  appendChild: noop,
  setAttribute: noop,
  style: {},
});
const history = { pushState: noop, replaceState: noop };
globalThis.window = {
  addEventListener: noop,
  removeEventListener: noop,
  dispatchEvent: noop,
  history,
  matchMedia: () => ({ matches: false, addListener: noop, removeListener: noop }),
  location: { href: '', search: '', pathname: '/' },
  navigator: { userAgent: 'node' },
};
globalThis.history = history;
globalThis.navigator ??= { userAgent: 'node', language: 'en-US', languages: ['en-US'] };
globalThis.document = {
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
