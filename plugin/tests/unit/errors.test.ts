/**
 * Error messages for the answers Grafana's data proxy can give. The HTTP suite covers the ones
 * the proxy produces for real (502, 400 for a bad key, 403 for a project-limited key, 400 for a
 * wrong query); a 403 on "Save & test" cannot happen with today's proxy (every scope implies
 * `read`), so it is checked here with the proxy's documented error body.
 */
import { setBackendSrv } from '@grafana/runtime';
import { DriftwatchDataSource } from '../../src/datasource/datasource';
import { classifyError, formatDetails } from '../../src/datasource/errors';
import { BackendSrvShim, errorData, type Transport } from '../helpers/backendSrvShim';
import { instanceSettings } from '../helpers/testEnv';
import { TestTemplateSrv } from '../helpers/templateSrv';

const fetchError = (status: number, statusText: string, body: string) => {
  let data: unknown = body;
  try {
    data = JSON.parse(body);
  } catch {
    // text body
  }
  return { status, statusText, data: errorData(statusText, data), config: { url: '/x' } };
};

describe('classifyError', () => {
  it('tells the kinds apart, each with a readable message', () => {
    expect(classifyError(fetchError(502, 'Bad Gateway', ''), 'http://dw:8080')).toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/^Cannot reach the Driftwatch proxy at http:\/\/dw:8080/),
    });
    expect(classifyError(fetchError(504, 'Gateway Timeout', '')).message).toContain('did not answer in time');
    expect(classifyError(fetchError(400, 'Bad Request', 'Authentication to data source failed')).kind).toBe(
      'unauthenticated',
    );
    expect(
      classifyError(fetchError(401, 'Unauthorized', '{"error":"invalid or revoked API key"}')).message,
    ).toContain('(invalid or revoked API key)');
    expect(
      classifyError(fetchError(403, 'Forbidden', '{"error":"API key \\"ci\\" lacks the \\"read\\" scope"}')),
    ).toMatchObject({
      kind: 'forbidden',
      message:
        'The API key is valid but not allowed to do this: API key "ci" lacks the "read" scope. Use a key with the "read" scope for the projects you need.',
    });
    expect(
      classifyError(fetchError(403, 'Forbidden', '{"message":"plugin proxy route access denied"}')).message,
    ).toBe('Grafana refused the request to the data source: plugin proxy route access denied.');
    expect(classifyError(fetchError(404, 'Not Found', '{"error":"no route for GET /grafana/"}')).kind).toBe(
      'not_found',
    );
    expect(
      classifyError(
        fetchError(
          400,
          'Bad Request',
          '{"error":"targets.0: invalid query","details":[{"path":"targets.0.metric","message":"a metric name"}]}',
        ),
      ),
    ).toMatchObject({
      kind: 'invalid',
      message: 'targets.0: invalid query (targets.0.metric: a metric name)',
    });
    expect(classifyError(new TypeError('Failed to fetch')).kind).toBe('unreachable');
    expect(formatDetails({ allowed: ['tvd', 'psi'] })).toBe('allowed: tvd, psi');
  });

  it('Save & test reports a key without the read scope (403) distinctly', async () => {
    const transport: Transport = async () => ({
      status: 403,
      statusText: 'Forbidden',
      headers: {},
      body: '{"error":"API key \\"ingest\\" lacks the \\"read\\" scope"}',
    });
    setBackendSrv(new BackendSrvShim(transport));
    const ds = new DriftwatchDataSource(
      instanceSettings('x', { url: 'http://dw:8080' }),
      new TestTemplateSrv(),
    );
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(
      /^The API key is valid but not allowed to do this: API key "ingest" lacks the "read" scope/,
    );
  });
});
