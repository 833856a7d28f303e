/** `@driftwatch/backend-proxy/testing`: real proxies for the tests of every workspace. */
export { startTestProxy, type Config, type RunningProxy } from './testProxy';
export type { EndpointRecord } from '../store/types';
export { startDemoProxy, DEMO_PROJECT, type DemoProxy } from './demoProxy';
