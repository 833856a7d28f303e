import type { Configuration, ExternalItemFunctionData } from 'webpack';

type ExternalsType = Configuration['externals'];

/** What Grafana provides to plugins at run time (SystemJS/AMD): never bundled. */
export const externals: ExternalsType = [
  // The AMD `module` dependency gives the loaded file's URI (dynamic public path).
  { 'amd-module': 'module' },
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,

  // Legacy SDK imports ("grafana/app/...") map to Grafana's own modules.
  ({ request }: ExternalItemFunctionData, callback: (error?: Error, result?: string) => void) => {
    const prefix = 'grafana/';
    if (request && request.indexOf(prefix) === 0) {
      return callback(undefined, request.slice(prefix.length));
    }
    callback();
  },
];
