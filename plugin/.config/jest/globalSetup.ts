/**
 * Starts one real Driftwatch proxy with simulated iris traffic for the whole Jest run (in Jest's
 * parent process, where Node's own modules load as they are) and tells the test files where it is
 * through a JSON file named in DRIFTWATCH_TEST_PROXY.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoProxy, type DemoProxy } from '../../tests/helpers/demoProxy';

declare global {
  var __DRIFTWATCH_DEMO__: DemoProxy | undefined;
}

export default async function globalSetup(): Promise<void> {
  const demo = await startDemoProxy();
  globalThis.__DRIFTWATCH_DEMO__ = demo;
  const file = path.join(os.tmpdir(), `driftwatch-plugin-jest-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(demo.info));
  process.env.DRIFTWATCH_TEST_PROXY = file;
}
