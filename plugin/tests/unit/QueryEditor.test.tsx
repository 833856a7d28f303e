/**
 * The QueryEditor against the running proxy (Jest's global setup): its lists are loaded live over
 * real HTTP through the data-proxy emulation.
 */
import { LoadingState, type PanelData } from '@grafana/data';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { QueryEditor, toRawTarget } from '../../src/datasource/components/QueryEditor';
import type { DriftwatchDataSource } from '../../src/datasource/datasource';
import type { DriftwatchQuery } from '../../src/datasource/types';
import type { DemoProxyInfo } from '../helpers/demoProxy';
import { lastHour, proxyInfo, wireDataSource } from '../helpers/testEnv';

function Host({
  ds,
  initial,
  seen,
  runs,
  data,
}: {
  ds: DriftwatchDataSource;
  initial: DriftwatchQuery;
  seen: DriftwatchQuery[];
  runs: { n: number };
  data?: PanelData;
}) {
  const [query, setQuery] = useState(initial);
  return (
    <QueryEditor
      datasource={ds}
      query={query}
      data={data}
      onChange={(q) => {
        seen.push(q);
        setQuery(q);
      }}
      onRunQuery={() => (runs.n += 1)}
    />
  );
}

/** Opens the field's list and picks the option, once the list loaded from the proxy has it. */
async function choose(label: string, option: string | RegExp) {
  await userEvent.click(await screen.findByLabelText(label));
  const match = await waitFor(
    () => {
      const options = screen.getAllByRole('option');
      const found = options.find((o) =>
        typeof option === 'string' ? o.textContent?.includes(option) : option.test(o.textContent ?? ''),
      );
      if (!found)
        throw new Error(`no option ${String(option)} in ${options.map((o) => o.textContent).join(', ')}`);
      return found;
    },
    { timeout: 5_000 },
  );
  await userEvent.click(match);
}

describe('QueryEditor', () => {
  let info: DemoProxyInfo;
  beforeAll(() => {
    info = proxyInfo();
  });

  it('builds a query from lists loaded live from the proxy: query type, project, endpoint, feature', async () => {
    const { ds, templateSrv } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    templateSrv.set('endpoint', info.endpoints[0].id);
    const seen: DriftwatchQuery[] = [];
    const runs = { n: 0 };
    render(
      <Host ds={ds} initial={{ refId: 'A', editorMode: 'builder', payload: {} }} seen={seen} runs={runs} />,
    );
    await choose('Query type', 'Drift per feature (all measures)');
    await choose('Project', info.project);
    const knn = info.endpoints.find((e) => e.model === 'iris-knn') as DemoProxyInfo['endpoints'][number];
    await choose('Endpoint', 'iris-knn:v1');
    // The dashboard's variables are offered too.
    await userEvent.click(screen.getByLabelText('Feature'));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(
        expect.arrayContaining(['petal_length', '$endpoint']),
      ),
    );
    await userEvent.click(
      screen.getAllByRole('option').find((o) => o.textContent === 'petal_length') as HTMLElement,
    );
    expect(seen[seen.length - 1]).toEqual({
      refId: 'A',
      editorMode: 'builder',
      queryType: 'feature_drift',
      payload: { project: [info.project], endpoint_id: knn.id, feature: ['petal_length'] },
    });
    expect(runs.n).toBe(seen.length);
  });

  it('has a field for the time step, and changing the project clears the endpoint', async () => {
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const seen: DriftwatchQuery[] = [];
    const initial: DriftwatchQuery = {
      refId: 'A',
      queryType: 'predictions_per_second',
      payload: { project: [info.project], endpoint_id: [info.endpoints[0].id] },
    };
    render(<Host ds={ds} initial={initial} seen={seen} runs={{ n: 0 }} />);
    const step = await screen.findByLabelText('Step');
    await userEvent.type(step, '15m');
    await userEvent.tab();
    expect(seen[seen.length - 1].payload).toMatchObject({ step: '15m' });
    await userEvent.click(screen.getByLabelText('Project'));
    await userEvent.keyboard('{Backspace}');
    expect(seen[seen.length - 1].payload?.endpoint_id).toBeUndefined();
  });

  it("offers the endpoint's segment keys and the chosen key's segments, loaded live", async () => {
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const seen: DriftwatchQuery[] = [];
    const knn = info.endpoints.find((e) => e.model === 'iris-knn') as DemoProxyInfo['endpoints'][number];
    const initial: DriftwatchQuery = {
      refId: 'A',
      editorMode: 'builder',
      queryType: 'feature_drift',
      payload: { project: [info.project], endpoint_id: knn.id },
    };
    render(<Host ds={ds} initial={initial} seen={seen} runs={{ n: 0 }} />);
    await choose('Segment key', 'region');
    await userEvent.click(screen.getByLabelText('Segment'));
    await waitFor(
      () =>
        expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(
          expect.arrayContaining(['eu', 'us', 'apac']),
        ),
      { timeout: 5_000 },
    );
    await userEvent.click(screen.getAllByRole('option').find((o) => o.textContent === 'eu') as HTMLElement);
    expect(seen[seen.length - 1].payload).toEqual({
      project: [info.project],
      endpoint_id: knn.id,
      segment_key: 'region',
      segment: ['eu'],
    });
  });

  it('changing the endpoint clears its segment key and segments (they belong to the endpoint)', async () => {
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const seen: DriftwatchQuery[] = [];
    const [first, second] = info.endpoints;
    const initial: DriftwatchQuery = {
      refId: 'A',
      editorMode: 'builder',
      queryType: 'feature_drift',
      payload: { project: [info.project], endpoint_id: first.id, segment_key: 'region', segment: ['north'] },
    };
    render(<Host ds={ds} initial={initial} seen={seen} runs={{ n: 0 }} />);
    await choose('Endpoint', `${second.model}:${second.version}`);
    expect(seen[seen.length - 1].payload).toEqual({ project: [info.project], endpoint_id: second.id });
  });

  it('raw mode starts from the builder query and sends the MLRun string as typed', async () => {
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const seen: DriftwatchQuery[] = [];
    const runs = { n: 0 };
    const initial: DriftwatchQuery = {
      refId: 'A',
      queryType: 'list_endpoints',
      payload: { project: '$project' },
    };
    render(<Host ds={ds} initial={initial} seen={seen} runs={runs} />);
    await screen.findByLabelText('Query type');
    await userEvent.click(screen.getByRole('radio', { name: 'Raw' }));
    const area = screen.getByRole('textbox');
    expect(area).toHaveValue('target_endpoint=list_endpoints;project=$project');
    expect(toRawTarget(initial)).toBe('target_endpoint=list_endpoints;project=$project');
    await userEvent.clear(area);
    await userEvent.type(area, 'project=$project;target_endpoint=list_projects');
    await userEvent.tab();
    expect(seen[seen.length - 1]).toMatchObject({
      editorMode: 'raw',
      target: 'project=$project;target_endpoint=list_projects',
    });
    expect(runs.n).toBe(1);
  });

  it("shows the proxy's validation error for this query, and not other queries' errors", async () => {
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const data: PanelData = {
      state: LoadingState.Error,
      series: [],
      timeRange: lastHour(),
      errors: [
        {
          refId: 'A',
          message:
            'targets.0: invalid query (targets.0.step: "5s" is not a duration of at least 1m (e.g. 15m, 1h))',
          status: 400,
        },
        { refId: 'B', message: 'not mine' },
      ],
    };
    render(
      <Host
        ds={ds}
        initial={{ refId: 'A', target: 'target_endpoint=predictions;step=5s' }}
        seen={[]}
        runs={{ n: 0 }}
        data={data}
      />,
    );
    const alert = screen.getByTestId('driftwatch-query-error');
    expect(within(alert).getByText(/is not a duration of at least 1m/)).toBeInTheDocument();
    expect(screen.queryByText('not mine')).not.toBeInTheDocument();
    // A SimpleJSON-shaped query opens in raw mode.
    expect(screen.getByRole('textbox')).toHaveValue('target_endpoint=predictions;step=5s');
  });

  it('shows a raw query replaced from outside (e.g. from query history), and blurring keeps it', async () => {
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const seen: DriftwatchQuery[] = [];
    const editor = (target: string) => (
      <QueryEditor
        datasource={ds}
        query={{ refId: 'A', editorMode: 'raw', target }}
        onChange={(q) => seen.push(q)}
        onRunQuery={() => undefined}
      />
    );
    const { rerender } = render(editor('target_endpoint=list_projects'));
    expect(screen.getByRole('textbox')).toHaveValue('target_endpoint=list_projects');
    rerender(editor('project=shop;target_endpoint=list_endpoints'));
    expect(screen.getByRole('textbox')).toHaveValue('project=shop;target_endpoint=list_endpoints');
    await userEvent.click(screen.getByRole('textbox'));
    await userEvent.tab();
    expect(seen).toEqual([]);
  });

  it('says when the proxy cannot be reached', async () => {
    const { ds } = wireDataSource({ url: 'http://127.0.0.1:9' }, { apiKey: info.readKey });
    render(<Host ds={ds} initial={{ refId: 'A', payload: {} }} seen={[]} runs={{ n: 0 }} />);
    expect(
      await screen.findByText(/Cannot reach the Driftwatch proxy at http:\/\/127\.0\.0\.1:9/),
    ).toBeInTheDocument();
  });
});
