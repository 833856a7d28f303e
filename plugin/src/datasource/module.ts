import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { DriftwatchDataSource } from './datasource';
import type { DriftwatchOptions, DriftwatchQuery } from './types';

export const plugin = new DataSourcePlugin<DriftwatchDataSource, DriftwatchQuery, DriftwatchOptions>(
  DriftwatchDataSource,
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor)
  .setVariableQueryEditor(VariableQueryEditor);
