import { startTestProxy, type RunningProxy } from '@driftwatch/backend-proxy/testing';
import {
  AuthenticationError,
  BadRequestError,
  DriftwatchClient,
  DriftwatchNetworkError,
  DriftwatchServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  type RetryNotice,
} from '../src';
import { closedPort, startFrontDoor } from './helpers';

const FAST_RETRY = { attempts: 5, initialDelayMs: 5, maxDelayMs: 20 };

describe('HTTP core against a real proxy', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startTestProxy({ maxArtifactBytes: 1024 });
  });
  afterAll(() => proxy.close());

  it('retries 503 with backoff until the server answers', async () => {
    const front = await startFrontDoor(proxy.url, (_req, i) => (i < 3 ? 'unavailable' : 'forward'));
    const notices: RetryNotice[] = [];
    const client = new DriftwatchClient({
      url: front.url,
      retry: FAST_RETRY,
      onRetry: (n) => notices.push(n),
    });
    try {
      await expect(client.listExperiments()).resolves.toEqual([]);
      expect(front.seen).toHaveLength(4);
      expect(notices.map((n) => [n.attempt, n.reason])).toEqual([
        [1, 'HTTP 503'],
        [2, 'HTTP 503'],
        [3, 'HTTP 503'],
      ]);
      expect(notices.every((n) => n.delayMs > 0 && n.delayMs <= FAST_RETRY.maxDelayMs)).toBe(true);
    } finally {
      await front.close();
    }
  });

  it('gives up after the bounded number of attempts with the server message', async () => {
    const front = await startFrontDoor(proxy.url, () => 'unavailable');
    const client = new DriftwatchClient({ url: front.url, retry: { ...FAST_RETRY, attempts: 3 } });
    try {
      const error = await client.listExperiments().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DriftwatchServerError);
      expect(error).toMatchObject({
        status: 503,
        attempts: 3,
        serverMessage: 'the store is unreachable (front door)',
      });
      expect(front.seen).toHaveLength(3);
    } finally {
      await front.close();
    }
  });

  it('retries a refused connection, then says the request never reached the server', async () => {
    const notices: RetryNotice[] = [];
    const client = new DriftwatchClient({
      url: `http://127.0.0.1:${await closedPort()}`,
      retry: { ...FAST_RETRY, attempts: 3 },
      onRetry: (n) => notices.push(n),
    });
    // Even a non-idempotent POST is retried: nothing was sent.
    const error = await client
      .experiment('nowhere')
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftwatchNetworkError);
    expect(error).toMatchObject({ maybeDelivered: false, attempts: 3 });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(notices).toHaveLength(2);
  });

  it('does not repeat a non-idempotent request whose connection broke after sending', async () => {
    const front = await startFrontDoor(proxy.url, (req) =>
      req.method === 'POST' ? 'forwardThenDrop' : 'forward',
    );
    const client = new DriftwatchClient({ url: front.url, retry: FAST_RETRY });
    try {
      const error = await client
        .experiment('half-sent')
        .start()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DriftwatchNetworkError);
      expect(error).toMatchObject({ maybeDelivered: true, attempts: 1 });
      // The server did start the run: repeating the POST would have started a second one.
      const info = await new DriftwatchClient({ url: proxy.url }).experiment('half-sent').info();
      expect(info.runs.map((r) => r.run)).toEqual([1]);
    } finally {
      await front.close();
    }
  });

  it('turns 4xx into typed errors carrying the server message, without retrying', async () => {
    const front = await startFrontDoor(proxy.url);
    const client = new DriftwatchClient({ url: front.url, retry: FAST_RETRY });
    try {
      const unknownProvider = await client
        .experiment('typed', { provider: 'mlflow' })
        .start()
        .catch((e: unknown) => e);
      expect(unknownProvider).toBeInstanceOf(BadRequestError);
      expect(unknownProvider).toMatchObject({
        status: 400,
        serverMessage: 'unknown tracking provider "mlflow"',
        details: { known: ['default', 'notrack', 'profiling'] },
      });
      expect(front.seen).toHaveLength(1);

      const missing = await client
        .experiment('never-created')
        .info()
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect((missing as Error).message).toBe(
        '404 GET /api/v1/experiments/never-created: experiment "never-created" does not exist in project "default"',
      );

      const invalid = await client.transport
        .requestJson('POST', '/api/v1/experiments/typed/events', {
          json: [{ event: 'metric', key: '', value: 1 }],
        })
        .catch((e: unknown) => e);
      expect(invalid).toBeInstanceOf(BadRequestError);
      expect((invalid as Error).message).toMatch(/invalid body \(body\.0\.key: /);
    } finally {
      await front.close();
    }
  });

  it('sends the API key and maps 401/403', async () => {
    const secured = await startTestProxy();
    try {
      const writer = await secured.services.keys.create('trainer', ['write'], null);
      const reader = await secured.services.keys.create('viewer', ['read'], null);
      const anonymous = await new DriftwatchClient({ url: secured.url, apiKey: '' })
        .listExperiments()
        .catch((e: unknown) => e);
      expect(anonymous).toBeInstanceOf(AuthenticationError);
      expect((anonymous as AuthenticationError).serverMessage).toMatch(/missing API key/);
      const denied = await new DriftwatchClient({ url: secured.url, apiKey: reader.secret })
        .experiment('e')
        .start()
        .catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(PermissionDeniedError);
      const run = await new DriftwatchClient({ url: secured.url, apiKey: writer.secret })
        .experiment('e')
        .start();
      expect(run.number).toBe(1);
      await run.stop();
    } finally {
      await secured.close();
    }
  });

  it('reports an artifact over the server limit as PayloadTooLargeError', async () => {
    const client = new DriftwatchClient({ url: proxy.url });
    const run = await client.experiment('big').start();
    await expect(run.logArtifact(Buffer.alloc(4096), 'huge.bin')).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    await run.stop();
  });
});
