/** The parts of the provisioning files (and docker-compose.yml) the tests read, as Grafana names them. */
export interface DatasourcesFile {
  apiVersion: number;
  datasources: Array<{
    name: string;
    type: string;
    uid: string;
    access: string;
    url?: string;
    orgId?: number;
    jsonData?: Record<string, unknown>;
    secureJsonData?: Record<string, string>;
  }>;
}
export interface ProvidersFile {
  apiVersion: number;
  providers: Array<{
    name: string;
    type: string;
    folder?: string;
    folderUid?: string;
    allowUiUpdates?: boolean;
    options: { path: string };
  }>;
}
export interface PluginsFile {
  apiVersion: number;
  apps: Array<{ type: string; org_id?: number; disabled?: boolean }>;
}
export interface RuleQuery {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: {
    refId: string;
    expr?: string;
    instant?: boolean;
    type?: string;
    expression?: string;
    conditions?: Array<{ evaluator: { type: string; params: number[] } }>;
  };
}
export interface Rule {
  uid: string;
  title: string;
  condition: string;
  data: RuleQuery[];
  for: string;
  noDataState: string;
  execErrState: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}
export interface RulesFile {
  apiVersion: number;
  groups: Array<{ orgId: number; name: string; folder: string; interval: string; rules: Rule[] }>;
}
export interface ContactPointsFile {
  apiVersion: number;
  contactPoints: Array<{
    orgId: number;
    name: string;
    receivers: Array<{ uid: string; type: string; settings: Record<string, unknown> }>;
  }>;
}
export interface Route {
  receiver?: string;
  object_matchers?: string[][];
  routes?: Route[];
}
export interface PoliciesFile {
  apiVersion: number;
  policies: Array<Route & { orgId: number }>;
}
export interface ComposeFile {
  services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
}
