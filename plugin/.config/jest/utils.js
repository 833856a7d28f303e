/*
 * In @grafana/create-plugin's style: transform the ES-module-only packages Grafana's libraries
 * depend on (Jest loads CommonJS), and leave the rest of node_modules alone.
 */
const nodeModulesToTransform = (moduleNames) => `node_modules\/(?!.*(${moduleNames.join('|')})\/.*)`;

// Nested dependencies of @grafana/* that only ship ES modules.
const grafanaESModules = [
  '.pnpm',
  '@grafana/schema',
  '@wojtekmaj/date-utils',
  'd3',
  'd3-color',
  'd3-force',
  'd3-interpolate',
  'd3-scale-chromatic',
  'get-user-locale',
  'marked',
  'memoize',
  'mimic-function',
  'ol',
  'react-calendar',
  'react-colorful',
  'rxjs',
  'uuid',
];

module.exports = { nodeModulesToTransform, grafanaESModules };
