import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import { type ChangeEvent } from 'react';
import type { DriftwatchOptions, DriftwatchSecureJsonData } from '../types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<
  DriftwatchOptions,
  DriftwatchSecureJsonData
>;

/** `http://host:8080/` and `http://host:8080/grafana` both mean the proxy at http://host:8080. */
export function normalizeProxyUrl(value: string): string {
  return value
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/grafana$/, '');
}

/**
 * Proxy URL and default project go to jsonData; the API key to secureJsonData, which Grafana
 * encrypts and never sends back (only `secureJsonFields.apiKey: true`). The data proxy route in
 * plugin.json adds the key to every request on Grafana's server.
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData ?? {}) as DriftwatchSecureJsonData;

  const setJson = (patch: Partial<DriftwatchOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  const onKeyChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiKey: event.target.value } });

  const onResetKey = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiKey: false },
      secureJsonData: { ...secureJsonData, apiKey: '' },
    });

  const url = jsonData.url ?? '';
  const urlInvalid = url !== '' && !/^https?:\/\/[^\s/]+/.test(url);

  return (
    <FieldSet label="Driftwatch proxy">
      <Field
        label="Proxy URL"
        description="Where Grafana's server reaches the Driftwatch proxy, without /grafana (requests go through Grafana's data proxy)."
        invalid={urlInvalid}
        error={urlInvalid ? 'A URL such as http://driftwatch:8080' : undefined}
        required
      >
        <Input
          id="driftwatch-url"
          width={50}
          placeholder="http://driftwatch:8080"
          value={url}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setJson({ url: e.target.value })}
          onBlur={() => url !== '' && setJson({ url: normalizeProxyUrl(url) })}
        />
      </Field>
      <Field
        label="API key"
        description='A Driftwatch key with the "read" scope. Stored encrypted by Grafana and never sent to browsers.'
      >
        <SecretInput
          id="driftwatch-api-key"
          width={50}
          placeholder="dwk_..."
          isConfigured={Boolean(secureJsonFields?.apiKey)}
          value={secureJsonData.apiKey ?? ''}
          onChange={onKeyChange}
          onReset={onResetKey}
        />
      </Field>
      <Field
        label="Default project"
        description="Used by queries that name no project, and first in the query editor."
      >
        <Input
          id="driftwatch-default-project"
          width={50}
          placeholder="demo"
          value={jsonData.defaultProject ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            setJson({ defaultProject: e.target.value.trim() || undefined })
          }
        />
      </Field>
    </FieldSet>
  );
}
