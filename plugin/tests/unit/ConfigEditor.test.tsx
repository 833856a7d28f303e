import type { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { ConfigEditor, normalizeProxyUrl } from '../../src/datasource/components/ConfigEditor';
import type { DriftwatchOptions, DriftwatchSecureJsonData } from '../../src/datasource/types';

type Settings = DataSourceSettings<DriftwatchOptions, DriftwatchSecureJsonData>;

const settings = (patch: Partial<Settings> = {}): Settings =>
  ({
    id: 1,
    uid: 'dw',
    orgId: 1,
    name: 'Driftwatch',
    type: 'driftwatch-proxy-datasource',
    typeName: 'Driftwatch',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...patch,
  }) as Settings;

/** The editor inside a parent that keeps the options, as Grafana's settings page does. */
function Host({ initial, seen }: { initial: Settings; seen: Settings[] }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(o) => {
        seen.push(o);
        setOptions(o);
      }}
    />
  );
}

describe('ConfigEditor', () => {
  it('stores the proxy URL (normalised) and default project in jsonData, the key in secureJsonData', async () => {
    const seen: Settings[] = [];
    render(<Host initial={settings()} seen={seen} />);
    await userEvent.type(screen.getByLabelText(/Proxy URL/), 'http://driftwatch:8080/grafana/');
    fireEvent.blur(screen.getByLabelText(/Proxy URL/));
    await userEvent.type(screen.getByLabelText(/API key/), 'dwk_abc.secret');
    await userEvent.type(screen.getByLabelText(/Default project/), 'demo');
    const last = seen[seen.length - 1];
    expect(last.jsonData).toEqual({ url: 'http://driftwatch:8080', defaultProject: 'demo' });
    expect(last.secureJsonData).toEqual({ apiKey: 'dwk_abc.secret' });
    expect(JSON.stringify(last.jsonData)).not.toContain('secret');
  });

  it('shows a saved key as configured and resets it', async () => {
    const seen: Settings[] = [];
    render(
      <Host
        initial={settings({ jsonData: { url: 'http://dw:8080' }, secureJsonFields: { apiKey: true } })}
        seen={seen}
      />,
    );
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(seen[0].secureJsonFields).toEqual({ apiKey: false });
    expect(seen[0].secureJsonData).toEqual({ apiKey: '' });
    expect(screen.getByLabelText(/API key/)).toHaveValue('');
  });

  it('flags a URL that is not one', () => {
    render(<Host initial={settings({ jsonData: { url: 'driftwatch' } })} seen={[]} />);
    expect(screen.getByText('A URL such as http://driftwatch:8080')).toBeInTheDocument();
    expect(normalizeProxyUrl(' http://a:1/// ')).toBe('http://a:1');
  });
});
