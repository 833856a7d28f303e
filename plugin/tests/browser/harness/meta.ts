import type { DataSourcePluginMeta } from '@grafana/data';
import type { DriftwatchOptions } from '../../../src/datasource/types';

/** The plugin meta Grafana would pass to the data source (only what the harness needs). */
export const PLUGIN_META = {
  id: 'driftwatch-proxy-datasource',
  name: 'Driftwatch',
  type: 'datasource',
  module: 'public/plugins/driftwatch-monitoring-app/datasource/module.js',
  baseUrl: 'public/plugins/driftwatch-monitoring-app/datasource',
  info: {
    author: { name: 'Driftwatch' },
    description: '',
    links: [],
    logos: { small: '', large: '' },
    screenshots: [],
    updated: '',
    version: '',
    keywords: [],
  },
} as unknown as DataSourcePluginMeta<DriftwatchOptions>;
