import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__DRIFTWATCH_DEMO__?.close();
  const file = process.env.DRIFTWATCH_TEST_PROXY;
  if (file && fs.existsSync(file)) fs.rmSync(file);
}
