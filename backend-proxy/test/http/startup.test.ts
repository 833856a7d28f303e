/** Start-up failures are reported as such, and leave nothing running. */
import { startTestProxy } from '../helpers/proxy';

describe('proxy start-up', () => {
  it('rejects with the listen error when the API port is taken', async () => {
    const first = await startTestProxy();
    try {
      const port = Number(new URL(first.url).port);
      await expect(startTestProxy({ port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: expect.stringMatching(
          new RegExp(`^port ${port} on .+ is already in use; choose another with --port or DRIFTWATCH_PORT$`),
        ),
      });
    } finally {
      await first.close();
    }
  });

  it('rejects, and closes the API port again, when the metrics port is taken', async () => {
    const first = await startTestProxy();
    try {
      const taken = Number(new URL(first.url).port);
      await expect(startTestProxy({ metricsPort: taken })).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: expect.stringMatching(/choose another with DRIFTWATCH_METRICS_PORT$/),
      });
    } finally {
      await first.close();
    }
  });
});
