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
