import type { SelectableValue } from '@grafana/data';
import { Field, Input, Select, Stack, TextArea } from '@grafana/ui';
import { useState, type ChangeEvent } from 'react';
import type { DriftwatchDataSource } from '../datasource';
import { toVariableQuery, variableFieldsOf, variableTarget } from '../targets';
import type { DriftwatchVariableQuery, VariableKind } from '../types';

/** What Grafana passes to a data source's variable query editor (setVariableQueryEditor). */
export interface VariableQueryEditorProps {
  datasource: DriftwatchDataSource;
  query: DriftwatchVariableQuery | string | undefined;
  /** The second argument is the text Grafana shows as the variable's definition. */
  onChange: (query: DriftwatchVariableQuery, definition: string) => void;
}

const VARIABLE_KINDS: Array<SelectableValue<VariableKind>> = [
  { label: 'Projects', value: 'projects' },
  { label: 'Endpoints', value: 'endpoints', description: 'Text model:version, value the endpoint id' },
  { label: 'Models', value: 'models' },
  {
    label: 'Features',
    value: 'features',
    description: "The features of the project's (or one endpoint's) models",
  },
  { label: 'Segment keys', value: 'segment_keys', description: "The endpoint's declared segment keys" },
  {
    label: 'Segments',
    value: 'segments',
    description: "The values of one segment key in use (with other, past the key's budget)",
  },
  { label: 'Experiments', value: 'experiment_names' },
  { label: 'Runs', value: 'run_numbers' },
  {
    label: 'Metric names',
    value: 'metric_names',
    description: 'Metrics logged by the runs of the experiments',
  },
];

/**
 * The variable editor: what to list, narrowed by project (and endpoint, segment key or experiment),
 * each field taking `$variables` so variables can chain (`$project` -> `$endpoint` -> `$feature`,
 * `$endpoint` -> `$segment_key` -> `$segment`). A raw
 * target string overrides the fields. Multi-value and "All" work: the proxy splits `(a|b)` and
 * reads All as no filter.
 */
export function VariableQueryEditor({ query: saved, onChange }: VariableQueryEditorProps) {
  const [query, setQuery] = useState<DriftwatchVariableQuery>(() => toVariableQuery(saved));
  const commit = (next: DriftwatchVariableQuery) => {
    setQuery(next);
    onChange(next, variableTarget(next));
  };
  const text = (
    key: 'project' | 'endpointId' | 'segmentKey' | 'experiment' | 'run',
    label: string,
    placeholder: string,
  ) => (
    <Field label={label} htmlFor={`driftwatch-var-${key}`}>
      <Input
        id={`driftwatch-var-${key}`}
        width={30}
        placeholder={placeholder}
        value={query[key] ?? ''}
        onChange={(e: ChangeEvent<HTMLInputElement>) => setQuery({ ...query, [key]: e.target.value })}
        onBlur={() => commit(query)}
      />
    </Field>
  );
  const kind = query.kind ?? 'projects';
  const use = variableFieldsOf(kind);
  return (
    <Stack direction="column" gap={1}>
      <Field label="List" htmlFor="driftwatch-var-kind">
        <Select<VariableKind>
          inputId="driftwatch-var-kind"
          aria-label="List"
          width={30}
          options={VARIABLE_KINDS}
          value={query.target ? null : kind}
          placeholder="Raw target below"
          onChange={(picked: SelectableValue<VariableKind>) =>
            picked.value && commit({ ...query, kind: picked.value, target: undefined })
          }
        />
      </Field>
      {kind !== 'projects' && text('project', 'Project', 'all, a name or $project')}
      {use.endpoint && text('endpointId', 'Endpoint', 'all, an id or $endpoint')}
      {use.segmentKey && text('segmentKey', 'Segment key', 'a key or $segment_key')}
      {use.experiment && text('experiment', 'Experiment', 'all, a name or $experiment')}
      {use.run && text('run', 'Runs', 'all, 3, -1 or 2-5')}
      <Field
        label="Raw target (optional)"
        description="An MLRun target string used instead of the fields above"
        htmlFor="driftwatch-var-raw"
      >
        <TextArea
          id="driftwatch-var-raw"
          rows={2}
          placeholder="target_endpoint=endpoints;project=$project"
          value={query.target ?? ''}
          onChange={(e: ChangeEvent<HTMLTextAreaElement>) => setQuery({ ...query, target: e.target.value })}
          onBlur={() => commit(query)}
        />
      </Field>
    </Stack>
  );
}
