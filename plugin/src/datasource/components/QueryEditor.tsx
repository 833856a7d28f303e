import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import {
  Alert,
  Field,
  Input,
  LoadingPlaceholder,
  MultiSelect,
  RadioButtonGroup,
  Select,
  Stack,
  TextArea,
} from '@grafana/ui';
import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import type { DriftwatchDataSource } from '../datasource';
import { classifyError } from '../errors';
import { cleanPayload, modeOf } from '../targets';
import type {
  DriftwatchOptions,
  DriftwatchQuery,
  EditorMode,
  MetricConfig,
  Payload,
  PayloadSpec,
  PayloadValue,
} from '../types';

export type QueryEditorProps_ = QueryEditorProps<DriftwatchDataSource, DriftwatchQuery, DriftwatchOptions>;

const MODES: Array<SelectableValue<EditorMode>> = [
  {
    label: 'Builder',
    value: 'builder',
    description: 'Pick a query and its fields from lists loaded from the proxy',
  },
  { label: 'Raw', value: 'raw', description: 'An MLRun target string, sent as it is' },
];

/** Fields whose options depend on others: reloaded when one of these changes. */
const NARROWING = ['project', 'endpoint_id', 'segment_key', 'experiment'] as const;

/** Picks that depend on a field: stale once it changes (a segment value belongs to its key, ...). */
const DEPENDENT: Record<string, readonly string[]> = {
  project: ['endpoint_id', 'feature', 'segment_key', 'segment'],
  endpoint_id: ['feature', 'segment_key', 'segment'],
  segment_key: ['segment'],
};

const LABELS: Record<string, string> = {
  endpoint_id: 'Endpoint',
  key: 'Metric',
  stat: 'Statistic',
  by: 'By',
};
const labelOf = (spec: PayloadSpec) =>
  LABELS[spec.name] ?? (spec.label ?? spec.name).replace(/^./, (c) => c.toUpperCase());

/** The builder query as an MLRun target string (what Raw mode starts from). */
export function toRawTarget(query: DriftwatchQuery): string {
  const parts = [`target_endpoint=${query.queryType ?? ''}`];
  for (const [key, value] of Object.entries(cleanPayload(query.payload))) {
    parts.push(
      `${key}=${Array.isArray(value) ? (value.length === 1 ? value[0] : `(${value.join('|')})`) : value}`,
    );
  }
  return parts.join(';');
}

const asList = (v: PayloadValue | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : v === '' ? [] : [v];

type OptionsByField = Record<string, Array<SelectableValue<string>>>;

/**
 * The Driftwatch query editor. Builder mode lists the proxy's queries (`/metrics`) and, for the
 * chosen one, its fields (project, endpoint, feature, metric, step, ...) with options loaded live
 * (`/metric-payload-options`) plus the dashboard's variables. Raw mode takes an MLRun target string
 * as it is. The proxy's validation error for this query (from the last run) is shown below.
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery, data }: QueryEditorProps_) {
  const mode: EditorMode = modeOf(query);
  const payload = useMemo(() => query.payload ?? {}, [query.payload]);
  const [catalogue, setCatalogue] = useState<MetricConfig[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [options, setOptions] = useState<OptionsByField>({});
  const [raw, setRaw] = useState(query.target ?? '');
  // A query replaced from outside (history, another editor) shows its own target.
  useEffect(() => setRaw(query.target ?? ''), [query.target]);

  useEffect(() => {
    let live = true;
    datasource
      .getCatalogue()
      .then((c) => live && setCatalogue(c))
      .catch((err: unknown) => live && setLoadError(classifyError(err, datasource.configuredUrl).message));
    return () => {
      live = false;
    };
  }, [datasource]);

  const config = catalogue?.find((c) => c.value === query.queryType);
  const variables = useMemo(
    () => datasource.getVariableNames().map((v) => ({ label: v, value: v })),
    [datasource],
  );
  const narrowingKey = JSON.stringify(NARROWING.map((k) => payload[k] ?? null));

  // Options of every list field of the chosen query, reloaded when a narrowing field changes.
  useEffect(() => {
    if (!config || mode !== 'builder') return;
    let live = true;
    setLoadError(null);
    const lists = config.payloads.filter((p) => p.type !== 'input');
    Promise.all(
      lists.map(async (spec) => {
        try {
          const loaded = spec.options
            ? spec.options.map((o) => ({ label: o.label ?? o.value, value: o.value }))
            : await datasource.getPayloadOptions(config.value, spec.name, cleanPayload(payload));
          return [spec.name, loaded.map((o) => ({ label: o.label, value: o.value }))] as const;
        } catch (err) {
          if (live) setLoadError(classifyError(err, datasource.configuredUrl).message);
          return [spec.name, []] as const;
        }
      }),
    ).then((entries) => live && setOptions(Object.fromEntries(entries)));
    return () => {
      live = false;
    };
  }, [config, mode, datasource, narrowingKey]);

  const change = (next: DriftwatchQuery, run = true) => {
    onChange(next);
    if (run) onRunQuery();
  };

  const setField = (name: string, value: PayloadValue | undefined) => {
    const next: Payload = { ...payload };
    if (value === undefined || asList(value).length === 0) delete next[name];
    else next[name] = value;
    // A new project, endpoint or segment key makes narrower picks stale.
    for (const stale of DEPENDENT[name] ?? []) delete next[stale];
    change({ ...query, payload: next });
  };

  const setQueryType = (value: string | undefined) => {
    const nextConfig = catalogue?.find((c) => c.value === value);
    const allowed = new Set(nextConfig?.payloads.map((p) => p.name) ?? []);
    const kept = Object.fromEntries(Object.entries(payload).filter(([k]) => allowed.has(k)));
    change({ ...query, queryType: value, payload: kept });
  };

  const setMode = (next: EditorMode) => {
    if (next === mode) return;
    if (next === 'raw') {
      const target =
        query.target && query.target.trim() !== '' ? query.target : query.queryType ? toRawTarget(query) : '';
      setRaw(target);
      change({ ...query, editorMode: 'raw', target }, false);
    } else {
      change({ ...query, editorMode: 'builder' }, false);
    }
  };

  const errors = (data?.errors ?? (data?.error ? [data.error] : [])).filter(
    (e) => !e.refId || e.refId === query.refId,
  );

  const withVariables = (list: Array<SelectableValue<string>> | undefined, current: string[]) => {
    const known = [...(list ?? []), ...variables];
    // A saved value the lists do not offer (deleted endpoint, typed value) still shows.
    const extra = current
      .filter((v) => !known.some((o) => o.value === v))
      .map((v) => ({ label: v, value: v }));
    return [...known, ...extra];
  };

  const field = (spec: PayloadSpec) => {
    const id = `driftwatch-${query.refId}-${spec.name}`;
    const label = labelOf(spec);
    if (spec.type === 'input') {
      return (
        <Field key={spec.name} label={label} htmlFor={id}>
          <Input
            id={id}
            width={24}
            placeholder={spec.placeholder}
            defaultValue={asList(payload[spec.name]).join(',')}
            onBlur={(e: ChangeEvent<HTMLInputElement>) => {
              const value = e.target.value.trim();
              if (value !== asList(payload[spec.name]).join(','))
                setField(spec.name, value === '' ? undefined : value);
            }}
          />
        </Field>
      );
    }
    const current = asList(payload[spec.name]);
    const choices = withVariables(options[spec.name], current);
    if (spec.type === 'multi-select') {
      return (
        <Field key={spec.name} label={label} htmlFor={id}>
          <MultiSelect<string>
            inputId={id}
            aria-label={label}
            width={36}
            isClearable
            allowCustomValue
            placeholder="All"
            options={choices}
            value={current}
            onChange={(picked: Array<SelectableValue<string>>) =>
              setField(
                spec.name,
                picked.map((p) => p.value ?? '').filter((v) => v !== ''),
              )
            }
          />
        </Field>
      );
    }
    return (
      <Field key={spec.name} label={label} htmlFor={id}>
        <Select<string>
          inputId={id}
          aria-label={label}
          width={36}
          isClearable
          allowCustomValue
          placeholder={`Choose ${label.toLowerCase()}`}
          options={choices}
          value={current[0] ?? null}
          onChange={(picked: SelectableValue<string> | null) => setField(spec.name, picked?.value)}
        />
      </Field>
    );
  };

  return (
    <div data-testid="driftwatch-query-editor">
      <Stack direction="column" gap={1}>
        <RadioButtonGroup<EditorMode> options={MODES} value={mode} onChange={setMode} size="sm" />
        {loadError && (
          <Alert severity="error" title="Could not load from the Driftwatch proxy">
            {loadError}
          </Alert>
        )}
        {mode === 'builder' ? (
          catalogue === null && !loadError ? (
            <LoadingPlaceholder text="Loading queries from the proxy..." />
          ) : (
            <Stack direction="row" wrap="wrap" gap={1}>
              <Field label="Query type" htmlFor={`driftwatch-${query.refId}-type`}>
                <Select<string>
                  inputId={`driftwatch-${query.refId}-type`}
                  aria-label="Query type"
                  width={40}
                  options={(catalogue ?? []).map((c) => ({
                    label: c.label,
                    value: c.value,
                    description: c.value,
                  }))}
                  value={query.queryType ?? null}
                  onChange={(picked: SelectableValue<string> | null) => setQueryType(picked?.value)}
                />
              </Field>
              {config?.payloads.map(field)}
            </Stack>
          )
        ) : (
          <Field
            label="Target"
            description="MLRun target: key=value pairs joined by ; e.g. project=$project;endpoint_id=$endpoint;target_endpoint=individual_feature_analysis"
            htmlFor={`driftwatch-${query.refId}-raw`}
          >
            <TextArea
              id={`driftwatch-${query.refId}-raw`}
              rows={3}
              value={raw}
              onChange={(e: ChangeEvent<HTMLTextAreaElement>) => setRaw(e.target.value)}
              onBlur={() => raw !== query.target && change({ ...query, editorMode: 'raw', target: raw })}
            />
          </Field>
        )}
        {errors.map((e, i) => (
          <Alert
            key={i}
            severity="error"
            title="The proxy rejected this query"
            data-testid="driftwatch-query-error"
          >
            {e.message}
          </Alert>
        ))}
      </Stack>
    </div>
  );
}
