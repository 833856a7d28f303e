/**
 * The provisioning files as Grafana reads them: structure (the fields Grafana's provisioning
 * requires, per pkg/services/provisioning), every data-source uid the dashboards and rules use
 * exists, the rules link alerts to Details, contact points and policies agree, every environment
 * variable the files use is set by docker-compose.yml, and promtool accepts the Prometheus config.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DRIFT_STATUS_LEVEL } from '@driftwatch/backend-proxy/drift-status';
import { SEGMENT_DRIFT_STATUS, SEGMENT_LABELS } from '@driftwatch/backend-proxy/segment-metrics';
import { alertRulesFile, DEFAULT_GRAFANA_URL, PROMETHEUS_JOB, RULE_FOLDER } from '../src/alerting';
import {
  APP_PLUGIN_ID,
  DASHBOARD_UIDS,
  DATASOURCE_PLUGIN_ID,
  DRIFTWATCH_DATASOURCE_UID,
  EXPRESSION_DATASOURCE_UID,
  PROMETHEUS_DATASOURCE_UID,
} from '../src/constants';
import { DASHBOARD_FILES, REPO_ROOT } from '../src/files';
import { DASHBOARD_NAMES, loadDashboard, panelsOf, queriesOf, variablesOf } from './helpers/dashboardModel';
import type {
  ComposeFile,
  ContactPointsFile,
  DatasourcesFile,
  PluginsFile,
  PoliciesFile,
  ProvidersFile,
  Route,
  Rule,
  RuleQuery,
  RulesFile,
} from './helpers/provisioningFiles';
import { promtool, readYaml, run } from './helpers/tools';

const PROVISIONING = join(REPO_ROOT, 'provisioning');
/** Prometheus' duration syntax (model.ParseDuration), which Grafana uses for `for` and `interval`. */
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory()
      ? yamlFiles(path)
      : /\.ya?ml$/.test(entry)
        ? [relative(REPO_ROOT, path)]
        : [];
  });
}

const datasources = readYaml<DatasourcesFile>('provisioning/datasources/driftwatch.yaml');
const providers = readYaml<ProvidersFile>('provisioning/dashboards/driftwatch.yaml');
const plugins = readYaml<PluginsFile>('provisioning/plugins/driftwatch.yaml');
const rules = readYaml<RulesFile>('provisioning/alerting/rules.yaml');
const contactPoints = readYaml<ContactPointsFile>('provisioning/alerting/contact-points.yaml');
const policies = readYaml<PoliciesFile>('provisioning/alerting/policies.yaml');
const compose = readYaml<ComposeFile>('docker-compose.yml');
const allRules = rules.groups.flatMap((g) => g.rules);
const provisionedUids = new Set(datasources.datasources.map((d) => d.uid));

describe('provisioning files', () => {
  it('are all valid YAML with apiVersion 1, in the folders Grafana reads', () => {
    const files = yamlFiles(PROVISIONING).sort();
    expect(files).toEqual([
      'provisioning/alerting/contact-points.yaml',
      'provisioning/alerting/policies.yaml',
      'provisioning/alerting/rules.yaml',
      'provisioning/dashboards/driftwatch.yaml',
      'provisioning/datasources/driftwatch.yaml',
      'provisioning/plugins/driftwatch.yaml',
    ]);
    for (const file of files)
      expect({ file, apiVersion: readYaml<{ apiVersion: number }>(file).apiVersion }).toEqual({
        file,
        apiVersion: 1,
      });
  });

  it('provision the Driftwatch data source with a fixed uid, URL and key from the environment', () => {
    const driftwatch = datasources.datasources.find((d) => d.type === DATASOURCE_PLUGIN_ID);
    // plugin/src/datasource/plugin.json routes requests to `{{ .JsonData.url }}/grafana` with `{{ .SecureJsonData.apiKey }}`.
    expect(driftwatch).toMatchObject({
      uid: DRIFTWATCH_DATASOURCE_UID,
      access: 'proxy',
      jsonData: { url: '$DRIFTWATCH_URL' },
      secureJsonData: { apiKey: '$DRIFTWATCH_API_KEY' },
    });
    const prometheus = datasources.datasources.find((d) => d.type === 'prometheus');
    expect(prometheus).toMatchObject({
      uid: PROMETHEUS_DATASOURCE_UID,
      access: 'proxy',
      url: '$PROMETHEUS_URL',
    });
    expect(provisionedUids.size).toBe(datasources.datasources.length);
    for (const d of datasources.datasources) expect(d.name && d.type && d.uid && d.access).toBeTruthy();
  });

  it('serve the dashboards from the path docker-compose.yml mounts them at, in the rules’ folder', () => {
    expect(providers.providers).toHaveLength(1);
    const [provider] = providers.providers;
    expect(provider).toMatchObject({ type: 'file', folder: RULE_FOLDER, allowUiUpdates: false });
    // A folder uid would make Grafana create a second folder of the same title when the rules' folder exists first.
    expect(provider.folderUid).toBeUndefined();
    const mounts = compose.services.grafana.volumes ?? [];
    for (const file of Object.values(DASHBOARD_FILES)) {
      const name = file.split('/').pop() as string;
      expect(mounts).toContain(`./${file}:${provider.options.path}/${name}:ro`);
    }
  });

  it('enable the app plugin', () => {
    expect(plugins.apps).toEqual([expect.objectContaining({ type: APP_PLUGIN_ID, disabled: false })]);
  });

  it('use only data-source uids that are provisioned: the dashboards through their variable, the rules by uid', () => {
    for (const name of DASHBOARD_NAMES) {
      const dashboard = loadDashboard(name);
      const types = new Set([
        ...panelsOf(dashboard).flatMap((p) => [
          p.datasource?.type,
          ...queriesOf(p).map((q) => q.datasource?.type),
        ]),
        ...variablesOf(dashboard)
          .filter((v) => v.type === 'query')
          .map((v) => v.datasource?.type),
      ]);
      expect([...types]).toEqual([DATASOURCE_PLUGIN_ID]);
      const variable = variablesOf(dashboard).find((v) => v.type === 'datasource');
      // The variable lists instances of this type; one is provisioned.
      expect(datasources.datasources.some((d) => d.type === variable?.query)).toBe(true);
    }
    for (const rule of allRules) {
      for (const query of rule.data) {
        expect({
          rule: rule.uid,
          uid: query.datasourceUid,
          known:
            query.datasourceUid === EXPRESSION_DATASOURCE_UID || provisionedUids.has(query.datasourceUid),
        }).toEqual({
          rule: rule.uid,
          uid: query.datasourceUid,
          known: true,
        });
      }
    }
  });

  it('read only environment variables that docker-compose.yml gives Grafana', () => {
    const environment = compose.services.grafana.environment ?? {};
    for (const file of yamlFiles(PROVISIONING)) {
      // Values only: Grafana interpolates what it parsed, not comments.
      const used = [...JSON.stringify(readYaml(file)).matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)].map(
        (m) => m[1],
      );
      for (const name of used)
        expect({ file, variable: name, set: name in environment }).toEqual({
          file,
          variable: name,
          set: true,
        });
    }
  });
});

describe('the plugin’s plugin.json files', () => {
  const readJson = <T>(path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
  const app = readJson<{ id: string; includes: Array<{ type: string; path?: string }> }>(
    'plugin/src/plugin.json',
  );
  const datasource = readJson<{
    id: string;
    routes?: Array<{ url: string; headers?: Array<{ content: string }> }>;
  }>('plugin/src/datasource/plugin.json');

  it('use the ids the dashboards, provisioning and docker-compose.yml name', () => {
    expect(app.id).toBe(APP_PLUGIN_ID);
    expect(datasource.id).toBe(DATASOURCE_PLUGIN_ID);
    expect(plugins.apps.map((a) => a.type)).toEqual([app.id]);
  });

  it('bundle no dashboard: the dashboards are file-provisioned only, so no uid comes from both', () => {
    // Grafana's app-dashboard sync imports an app's bundled dashboards when the plugin version
    // changes; a bundled dashboard with a provisioned dashboard's uid fails to update or moves
    // (docs/grafana-setup.md, "One mechanism for the dashboards").
    const bundled = app.includes.filter((i) => i.type === 'dashboard').map((i) => i.path as string);
    const bundledUids = bundled.map((file) => readJson<{ uid: string }>(join('plugin/src', file)).uid);
    const provisionedUidsOfDashboards = Object.values(DASHBOARD_FILES).map(
      (f) => readJson<{ uid: string }>(f).uid,
    );
    expect(provisionedUidsOfDashboards.sort()).toEqual(Object.values(DASHBOARD_UIDS).sort());
    expect(bundledUids.filter((uid) => provisionedUidsOfDashboards.includes(uid))).toEqual([]);
    expect(bundled).toEqual([]);
  });

  it('route requests with settings the provisioned data source sets', () => {
    const templates = JSON.stringify(datasource.routes ?? []);
    const driftwatch = datasources.datasources.find((d) => d.type === DATASOURCE_PLUGIN_ID);
    for (const [, key] of templates.matchAll(/\.JsonData\.(\w+)/g))
      expect({ jsonData: key, set: key in (driftwatch?.jsonData ?? {}) }).toEqual({
        jsonData: key,
        set: true,
      });
    for (const [, key] of templates.matchAll(/\.SecureJsonData\.(\w+)/g))
      expect({ secureJsonData: key, set: key in (driftwatch?.secureJsonData ?? {}) }).toEqual({
        secureJsonData: key,
        set: true,
      });
  });
});

describe('alert rules', () => {
  it('form one group in the Driftwatch folder with an evaluation interval', () => {
    expect(rules.groups).toHaveLength(1);
    expect(rules.groups[0]).toMatchObject({ orgId: 1, folder: RULE_FOLDER });
    expect(rules.groups[0].interval).toMatch(DURATION);
  });

  it('cover drift, error rate, p95 latency, accuracy and missing predictions, with unique uids', () => {
    const uids = allRules.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(
      expect.arrayContaining([
        'driftwatch-drift-detected',
        'driftwatch-error-rate',
        'driftwatch-latency-p95',
        'driftwatch-accuracy-drop',
        'driftwatch-no-predictions',
      ]),
    );
  });

  it.each(allRules.map((r) => [r.uid, r] as const))('%s is a complete Grafana-managed rule', (_uid, rule) => {
    expect(rule.title).toBeTruthy();
    expect(rule.for).toMatch(DURATION);
    expect(['OK', 'NoData', 'Alerting', 'KeepLast']).toContain(rule.noDataState);
    expect(['OK', 'Error', 'Alerting', 'KeepLast']).toContain(rule.execErrState);
    const refIds = rule.data.map((d) => d.refId);
    expect(refIds).toContain(rule.condition);
    for (const query of rule.data) expect(query.model.refId).toBe(query.refId);

    const prometheusQueries = rule.data.filter((d) => d.datasourceUid === PROMETHEUS_DATASOURCE_UID);
    expect(prometheusQueries).toHaveLength(1);
    expect(prometheusQueries[0].model).toMatchObject({ instant: true, expr: expect.stringMatching(/\S/) });
    expect(prometheusQueries[0].relativeTimeRange?.from).toBeGreaterThan(0);

    const condition = rule.data.find((d) => d.refId === rule.condition) as RuleQuery;
    expect(condition).toMatchObject({
      datasourceUid: EXPRESSION_DATASOURCE_UID,
      model: { type: 'threshold' },
    });
    expect(refIds).toContain(condition.model.expression);
    expect(condition.model.conditions).toEqual([
      { evaluator: { type: expect.stringMatching(/^(gt|lt)$/), params: [expect.any(Number)] } },
    ]);

    expect(rule.labels).toMatchObject({
      service: 'driftwatch',
      severity: expect.stringMatching(/^(critical|warning)$/),
    });
    expect(rule.annotations).toMatchObject({
      summary: expect.any(String),
      description: expect.any(String),
      runbook_url: expect.any(String),
    });
  });

  it.each(allRules.map((r) => [r.uid, r] as const))(
    '%s only templates labels its query keeps, and links to a Driftwatch dashboard',
    (_uid, rule) => {
      const expr = rule.data.find((d) => d.datasourceUid === PROMETHEUS_DATASOURCE_UID)?.model.expr ?? '';
      const kept = new Set(
        [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((s) => s.trim())),
      );
      const templated = [
        ...Object.values(rule.annotations)
          .join(' ')
          .matchAll(/\$labels\.(\w+)/g),
      ].map((m) => m[1]);
      for (const label of templated) expect({ label, kept: kept.has(label) }).toEqual({ label, kept: true });
      // Absolute (notifications have no Grafana to be relative to), on the Grafana URL the stack
      // publishes and gives the proxy for its webhooks.
      const grafana = compose.services.proxy.environment?.DRIFTWATCH_GRAFANA_URL;
      expect(grafana).toBe(DEFAULT_GRAFANA_URL);
      const link = rule.annotations.runbook_url;
      const details = `${grafana}/d/${DASHBOARD_UIDS.details}?var-project={{ $labels.project }}&var-endpoint={{ $labels.endpoint }}`;
      if (kept.has('segment')) {
        // Per-segment alerts open the Details dashboard on that segment (its variables segment_key, segment).
        expect(link).toBe(
          `${details}&var-segment_key={{ $labels.segment_key }}&var-segment={{ $labels.segment | urlquery }}`,
        );
      } else if (kept.has('endpoint')) {
        // Per-endpoint alerts open that endpoint's Details dashboard (its variables: project, endpoint).
        expect(link).toBe(details);
      } else {
        expect(Object.values(DASHBOARD_UIDS).map((uid) => `${grafana}/d/${uid}`)).toContain(link);
      }
    },
  );

  it('link to the Grafana given at generation (--grafana-url), every link absolute', () => {
    const links = alertRulesFile('https://grafana.example.com/monitoring').groups.flatMap((g) =>
      g.rules.map((r) => r.annotations.runbook_url),
    );
    expect(links).toHaveLength(allRules.length);
    for (const link of links)
      expect(link).toMatch(/^https:\/\/grafana\.example\.com\/monitoring\/d\/driftwatch-/);
    expect(links).toContain(
      `https://grafana.example.com/monitoring/d/${DASHBOARD_UIDS.details}?var-project={{ $labels.project }}&var-endpoint={{ $labels.endpoint }}`,
    );
  });

  it.each(['driftwatch-drift-detected', 'driftwatch-segment-drift-detected'])(
    '%s fires on DRIFT_DETECTED only (the proxy exports drift status as a number)',
    (uid) => {
      const drift = allRules.find((r) => r.uid === uid) as Rule;
      const { evaluator } = (drift.data.find((d) => d.refId === drift.condition) as RuleQuery).model
        .conditions?.[0] as { evaluator: { type: string; params: number[] } };
      expect(evaluator.type).toBe('gt');
      expect(evaluator.params[0]).toBeGreaterThan(DRIFT_STATUS_LEVEL.POSSIBLE_DRIFT);
      expect(evaluator.params[0]).toBeLessThan(DRIFT_STATUS_LEVEL.DRIFT_DETECTED);
    },
  );

  it('have a segment-drift rule on the segment gauge, one alert per segment with the segment in its labels', () => {
    const rule = allRules.find((r) => r.uid === 'driftwatch-segment-drift-detected') as Rule;
    const expr = rule.data.find((d) => d.datasourceUid === PROMETHEUS_DATASOURCE_UID)?.model.expr ?? '';
    expect(expr).toContain(SEGMENT_DRIFT_STATUS.name);
    const kept = /by \(([^)]*)\)/
      .exec(expr)?.[1]
      .split(',')
      .map((s) => s.trim());
    expect(kept).toEqual(['project', 'endpoint', 'model', 'version', ...SEGMENT_LABELS]);
    expect(rule.labels).toMatchObject({ category: 'drift' });
  });
});

describe('contact points and notification policies', () => {
  it('define a contact point whose receivers have uid, type and settings', () => {
    expect(contactPoints.contactPoints.length).toBeGreaterThan(0);
    for (const point of contactPoints.contactPoints) {
      expect(point.name).toBeTruthy();
      for (const receiver of point.receivers)
        expect(receiver).toMatchObject({
          uid: expect.any(String),
          type: expect.any(String),
          settings: expect.any(Object),
        });
    }
  });

  it('route only to contact points that exist, and route the rules’ labels', () => {
    const names = new Set(contactPoints.contactPoints.map((c) => c.name));
    const receivers: string[] = [];
    const matchers: string[][] = [];
    const walk = (route: Route) => {
      if (route.receiver) receivers.push(route.receiver);
      matchers.push(...(route.object_matchers ?? []));
      route.routes?.forEach(walk);
    };
    policies.policies.forEach(walk);
    expect(receivers.length).toBeGreaterThan(0);
    for (const receiver of receivers)
      expect({ receiver, exists: names.has(receiver) }).toEqual({ receiver, exists: true });
    const labelValues = new Set(
      allRules.flatMap((r) => Object.entries(r.labels).map(([k, v]) => `${k}=${v}`)),
    );
    for (const [label, operator, value] of matchers) {
      expect(operator).toBe('=');
      expect({ matcher: `${label}=${value}`, usedByARule: labelValues.has(`${label}=${value}`) }).toEqual({
        matcher: `${label}=${value}`,
        usedByARule: true,
      });
    }
  });
});

describe('prometheus/prometheus.yml', () => {
  const check = promtool();

  (check.skipped ? it.skip : it)('passes `promtool check config`', async () => {
    if (!check.path) throw new Error(check.missingMessage);
    const result = await run(check.path, ['check', 'config', 'prometheus/prometheus.yml']);
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('scrapes the proxy’s metrics port under the job name the rules select', () => {
    const config = readYaml<{
      scrape_configs: Array<{
        job_name: string;
        metrics_path?: string;
        static_configs: Array<{ targets: string[] }>;
      }>;
    }>('prometheus/prometheus.yml');
    const job = config.scrape_configs.find((c) => c.job_name === PROMETHEUS_JOB);
    const port = compose.services.proxy.environment?.DRIFTWATCH_METRICS_PORT;
    expect(job?.static_configs.flatMap((s) => s.targets)).toEqual([`proxy:${port}`]);
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
  });
});
