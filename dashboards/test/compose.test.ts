/**
 * docker-compose.yml without a container engine: `docker-compose config -q` (Compose's own schema
 * and interpolation), then what the stack needs to work: MongoDB as a healthy replica set, the
 * proxy built here and stored on it, Prometheus scraping it, Grafana with the plugin, provisioning
 * and dashboards, the simulator; every mounted or copied file exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_PLUGIN_ID, PLUGIN_IDS } from '../src/constants';
import { DASHBOARD_FILES, REPO_ROOT } from '../src/files';
import { dockerCompose, readYaml, run } from './helpers/tools';

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
}
interface ComposeFile {
  name?: string;
  version?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.plugin-dev.yml'];
const compose = readYaml<ComposeFile>('docker-compose.yml');
const services = compose.services;
const dependsOn = (service: Service, on: string) =>
  Array.isArray(service.depends_on) ? { condition: 'service_started' } : service.depends_on?.[on];
const bindMounts = (service: Service) =>
  (service.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [host, container] = v.split(':');
      return { host, container };
    });

describe('docker-compose.yml', () => {
  const tool = dockerCompose();

  (tool.skipped ? it.skip : it)(
    'passes `docker-compose config -q`, alone and with the plugin-dev override',
    async () => {
      if (!tool.path) throw new Error(tool.missingMessage);
      const alone = await run(tool.path, ['-f', 'docker-compose.yml', 'config', '-q']);
      expect({ code: alone.code, stderr: alone.stderr }).toEqual({ code: 0, stderr: '' });
      const withOverride = await run(
        tool.path,
        COMPOSE_FILES.flatMap((f) => ['-f', f]).concat(['config', '-q']),
      );
      expect({ code: withOverride.code, stderr: withOverride.stderr }).toEqual({ code: 0, stderr: '' });
    },
  );

  it('works with docker-compose 1.29 as well as Compose v2 (no top-level name or version)', () => {
    expect(compose.name).toBeUndefined();
    expect(compose.version).toBeUndefined();
    expect(Object.keys(services).sort()).toEqual([
      'grafana',
      'mongodb',
      'plugin-files',
      'prometheus',
      'proxy',
      'simulator',
    ]);
  });

  it('runs MongoDB as a replica set with a healthcheck that initiates it, on a volume', () => {
    const mongodb = services.mongodb;
    expect(mongodb.image).toBe('mongo:7');
    expect(mongodb.command?.join(' ')).toContain('--replSet rs0');
    expect(mongodb.healthcheck?.test.join(' ')).toMatch(/rs\.initiate\(.*_id: 'rs0'.*host: 'mongodb:27017'/);
    expect(mongodb.healthcheck?.test.join(' ')).toContain('isWritablePrimary');
    expect(mongodb.volumes?.some((v) => v.endsWith(':/data/db'))).toBe(true);
  });

  it('builds the proxy from this repository and stores on MongoDB once it is healthy', () => {
    const proxy = services.proxy;
    expect(proxy.build?.context).toBe('.');
    expect(existsSync(join(REPO_ROOT, proxy.build?.dockerfile ?? 'Dockerfile'))).toBe(true);
    expect(proxy.environment?.DRIFTWATCH_STORE).toMatch(/^mongodb:\/\/mongodb:27017\/\w+\?replicaSet=rs0$/);
    expect(dependsOn(proxy, 'mongodb')).toEqual({ condition: 'service_healthy' });
    expect(proxy.healthcheck?.test.join(' ')).toContain(
      `127.0.0.1:${proxy.environment?.DRIFTWATCH_PORT}/readyz`,
    );
    expect(proxy.ports).toContain(
      `${proxy.environment?.DRIFTWATCH_PORT}:${proxy.environment?.DRIFTWATCH_PORT}`,
    );
  });

  it('sends demo traffic to the proxy once it is ready', () => {
    const simulator = services.simulator;
    expect(simulator.image).toBe(services.proxy.image);
    expect(simulator.command).toEqual([
      'simulate',
      '--url',
      `http://proxy:${services.proxy.environment?.DRIFTWATCH_PORT}`,
    ]);
    expect(dependsOn(simulator, 'proxy')).toEqual({ condition: 'service_healthy' });
  });

  it('runs Prometheus on the mounted prometheus/prometheus.yml', () => {
    expect(services.prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(bindMounts(services.prometheus)).toContainEqual({
      host: './prometheus/prometheus.yml',
      container: '/etc/prometheus/prometheus.yml',
    });
  });

  it('runs Grafana 12.4 with the unsigned plugins allowed, the plugin, provisioning and dashboards mounted', () => {
    const grafana = services.grafana;
    expect(grafana.image).toMatch(/^grafana\/grafana:\$\{GRAFANA_VERSION:-12\.4\.\d+\}$/);
    expect(grafana.environment?.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS?.split(',').sort()).toEqual(
      [...PLUGIN_IDS].sort(),
    );
    expect(grafana.volumes).toContain(`driftwatch-plugin:/var/lib/grafana/plugins/${APP_PLUGIN_ID}:ro`);
    expect(bindMounts(grafana)).toContainEqual({
      host: './provisioning',
      container: '/etc/grafana/provisioning',
    });
    for (const file of Object.values(DASHBOARD_FILES))
      expect(bindMounts(grafana).map((m) => m.host)).toContain(`./${file}`);
    expect(dependsOn(grafana, 'plugin-files')).toEqual({ condition: 'service_completed_successfully' });
    expect(dependsOn(grafana, 'proxy')).toEqual({ condition: 'service_healthy' });
    expect(grafana.environment).toMatchObject({
      DRIFTWATCH_URL: `http://proxy:${services.proxy.environment?.DRIFTWATCH_PORT}`,
      PROMETHEUS_URL: 'http://prometheus:9090',
    });
  });

  it('fills the plugin volume from the image’s built plugin', () => {
    const pluginFiles = services['plugin-files'];
    expect(pluginFiles.image).toBe(services.proxy.image);
    expect(pluginFiles.volumes).toContain('driftwatch-plugin:/plugins');
    expect(pluginFiles.entrypoint?.join(' ')).toContain('/app/plugin/dist/. /plugins/');
    expect(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')).toContain(
      'COPY --from=build /app/plugin/dist ./plugin/dist',
    );
  });

  it('mounts only files and folders that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { host } of bindMounts(service))
        expect({ service: name, host, exists: existsSync(join(REPO_ROOT, host)) }).toEqual({
          service: name,
          host,
          exists: true,
        });
    }
    for (const volume of Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => !v.startsWith('./') && !v.startsWith('/'))) {
      expect(Object.keys(compose.volumes ?? {})).toContain(volume.split(':')[0]);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)]
    .map((m) => m[1].trim().split(/\s+/).slice(0, -1))
    .flat();

  it('copies only paths that exist in the build context', () => {
    for (const source of copies.filter((s) => s !== '.'))
      expect({ source, exists: existsSync(join(REPO_ROOT, source)) }).toEqual({ source, exists: true });
  });

  it('copies every workspace manifest before `npm ci`, so the lockfile installs', () => {
    const workspaces = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    for (const workspace of workspaces) expect(copies).toContain(`${workspace}/package.json`);
    expect(dockerfile.indexOf('COPY package.json package-lock.json')).toBeLessThan(
      dockerfile.indexOf('RUN npm ci'),
    );
  });

  it('is kept small by .dockerignore (no host node_modules or builds)', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });
});
