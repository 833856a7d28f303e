import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { VariableQueryEditor } from '../../src/datasource/components/VariableQueryEditor';
import type { DriftwatchVariableQuery } from '../../src/datasource/types';
import { proxyInfo, wireDataSource } from '../helpers/testEnv';

describe('VariableQueryEditor', () => {
  it('picks what to list and narrows it; the definition is the target string the proxy gets', async () => {
    const info = proxyInfo();
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const changes: Array<[DriftwatchVariableQuery, string]> = [];
    render(
      <VariableQueryEditor datasource={ds} query={undefined} onChange={(q, d) => changes.push([q, d])} />,
    );
    expect(screen.queryByLabelText('Project')).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('List'));
    await userEvent.click(screen.getByRole('option', { name: /^Features/ }));
    await userEvent.type(screen.getByLabelText('Project'), '$project');
    await userEvent.type(screen.getByLabelText('Endpoint'), '$endpoint');
    await userEvent.tab();
    const [query, definition] = changes[changes.length - 1];
    expect(query).toMatchObject({ kind: 'features', project: '$project', endpointId: '$endpoint' });
    expect(definition).toBe('target_endpoint=features;project=$project;endpoint_id=$endpoint');
    expect(screen.queryByLabelText('Experiment')).not.toBeInTheDocument();
  });

  it('lists the values of a segment key: endpoint and segment key fields, the contract target', async () => {
    const info = proxyInfo();
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    const changes: Array<[DriftwatchVariableQuery, string]> = [];
    render(
      <VariableQueryEditor datasource={ds} query={undefined} onChange={(q, d) => changes.push([q, d])} />,
    );
    await userEvent.click(screen.getByLabelText('List'));
    await userEvent.click(screen.getByRole('option', { name: /^Segments/ }));
    await userEvent.type(screen.getByLabelText('Project'), '$project');
    await userEvent.type(screen.getByLabelText('Endpoint'), '$endpoint');
    await userEvent.type(screen.getByLabelText('Segment key'), '$segment_key');
    await userEvent.tab();
    const [query, definition] = changes[changes.length - 1];
    expect(query).toMatchObject({ kind: 'segments', endpointId: '$endpoint', segmentKey: '$segment_key' });
    expect(definition).toBe(
      'target_endpoint=segments;project=$project;endpoint_id=$endpoint;segment_key=$segment_key',
    );
    // The keys themselves need no key.
    await userEvent.click(screen.getByLabelText('List'));
    await userEvent.click(screen.getByRole('option', { name: /^Segment keys/ }));
    expect(screen.queryByLabelText('Segment key')).not.toBeInTheDocument();
    expect(changes[changes.length - 1][1]).toBe(
      'target_endpoint=segment_keys;project=$project;endpoint_id=$endpoint',
    );
  });

  it('opens a SimpleJSON-shaped variable ({refId, target}) with its raw target', () => {
    const info = proxyInfo();
    const { ds } = wireDataSource({ url: info.url }, { apiKey: info.readKey });
    render(
      <VariableQueryEditor
        datasource={ds}
        query={{ refId: 'v', target: 'project=$project;target_endpoint=endpoints' }}
        onChange={() => undefined}
      />,
    );
    expect(screen.getByLabelText(/^Raw target/)).toHaveValue('project=$project;target_endpoint=endpoints');
  });
});
