import { randomUUID } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '../../errors';
import { DocumentCollection } from '../../store/documentCollection';
import type { EndpointRecord, MonitoringEventRecord, Store } from '../../store/types';
import { metricValue, holds, type AlertInputs, type AlertRule } from './alertRules';
import { nextAlertState, type AlertPhase } from './alertState';
import type { DeliveryService } from './deliveryService';
import type { SegmentService } from '../segments/segmentService';

/** The current state of one rule on one endpoint. */
/** Grafana's Details dashboard (uid driftwatch-details, dashboards/src/constants.ts), where alerts link. */
export const DETAILS_DASHBOARD_PATH = '/d/driftwatch-details';

export interface AlertStatus {
  ruleId: string;
  /** The rule's segment, when it has one. */
  segment?: { key: string; value: string };
  ruleName: string;
  project: string;
  endpointId: string;
  phase: AlertPhase;
  activeSince: string | null;
  value: number | null;
  lastTransition: string | null;
  lastTransitionAt: string | null;
  evaluatedAt: string;
}

export type AlertRuleInput = Omit<AlertRule, 'id' | 'createdAt'>;

/**
 * Alert rules per endpoint or project, evaluated by the periodic evaluation. State changes are
 * recorded as monitoring events (Grafana annotations) and sent to the rule's webhooks.
 */
export class AlertService {
  private readonly rules: DocumentCollection<AlertRule>;
  private readonly statuses: DocumentCollection<AlertStatus>;

  constructor(
    private readonly store: Store,
    private readonly deliveries: DeliveryService,
    private readonly segments: SegmentService,
    private readonly links: { grafanaUrl: string | null; publicUrl: string | null },
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.rules = new DocumentCollection<AlertRule>(store, 'alert-rule');
    this.statuses = new DocumentCollection<AlertStatus>(store, 'alert-state');
  }

  /**
   * A rule on one endpoint must be in the endpoint's project (rules are evaluated per project);
   * `authorize` sees that project first (it throws to refuse).
   */
  async create(input: AlertRuleInput, authorize: (project: string) => void): Promise<AlertRule> {
    if (input.endpointId !== null) {
      const endpoint = await this.store.getEndpoint(input.endpointId);
      if (!endpoint) throw new NotFoundError(`endpoint ${input.endpointId} does not exist`);
      authorize(endpoint.project);
      if (endpoint.project !== input.project)
        throw new InvalidInputError(
          `endpoint ${input.endpointId} is in project "${endpoint.project}", not the rule's project "${input.project}"`,
        );
      // The key must be declared; the value may not have traffic (a slot) yet: until then the rule has no data.
      if (input.segment) await this.segments.scopes(endpoint, input.segment.key);
    }
    const rule: AlertRule = { ...input, id: randomUUID(), createdAt: this.clock().toISOString() };
    await this.rules.put({ id: rule.id, project: rule.project, body: rule }, 0, this.clock());
    return rule;
  }

  async list(projects?: string[]): Promise<AlertRule[]> {
    return (await this.rules.list({ projects })).map((d) => d.body);
  }

  async get(id: string): Promise<AlertRule> {
    const doc = await this.rules.get(id);
    if (!doc) throw new NotFoundError(`alert rule ${id} does not exist`);
    return doc.body;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.rules.delete(id))) throw new NotFoundError(`alert rule ${id} does not exist`);
  }

  async states(projects?: string[]): Promise<AlertStatus[]> {
    return (await this.statuses.list({ projects })).map((d) => d.body);
  }

  /**
   * Evaluates every enabled rule that applies to the endpoint; a segment rule on the inputs of its
   * segment (`segmentInputs`, null when the segment has no slot yet). Never throws for one rule's sake.
   */
  async evaluate(
    endpoint: EndpointRecord,
    inputs: AlertInputs,
    segmentInputs: (segment: { key: string; value: string }) => Promise<AlertInputs | null>,
  ): Promise<AlertStatus[]> {
    const now = this.clock();
    const rules = (await this.list([endpoint.project])).filter(
      (r) => r.enabled && (r.endpointId === null || r.endpointId === endpoint.id),
    );
    const out: AlertStatus[] = [];
    for (const rule of rules) {
      const id = `${rule.id}:${endpoint.id}`;
      const doc = await this.statuses.get(id);
      const previous = doc?.body;
      const ruleInputs = rule.segment ? await segmentInputs(rule.segment) : inputs;
      const value = ruleInputs ? metricValue(rule, ruleInputs) : null;
      const next = nextAlertState(
        {
          phase: previous?.phase ?? 'inactive',
          activeSince: previous?.activeSince ? Date.parse(previous.activeSince) : null,
        },
        holds(value, rule.comparison, rule.threshold),
        now.getTime(),
        rule.forSeconds * 1_000,
      );
      const status: AlertStatus = {
        ruleId: rule.id,
        ruleName: rule.name,
        ...(rule.segment ? { segment: rule.segment } : {}),
        project: rule.project,
        endpointId: endpoint.id,
        phase: next.phase,
        activeSince: next.activeSince === null ? null : new Date(next.activeSince).toISOString(),
        value,
        lastTransition: next.transition ?? previous?.lastTransition ?? null,
        lastTransitionAt: next.transition ? now.toISOString() : (previous?.lastTransitionAt ?? null),
        evaluatedAt: now.toISOString(),
      };
      // Another replica evaluating at the same moment wins; this pass's result is dropped.
      if (
        (await this.statuses.put({ id, project: rule.project, body: status }, doc?.version ?? 0, now)) ===
        null
      )
        continue;
      if (next.transition === 'firing' || next.transition === 'resolved')
        await this.announce(rule, endpoint, status, next.transition, now);
      out.push(status);
    }
    return out;
  }

  private async announce(
    rule: AlertRule,
    endpoint: EndpointRecord,
    status: AlertStatus,
    transition: 'firing' | 'resolved',
    now: Date,
  ): Promise<void> {
    const subject = `${endpoint.model}:${endpoint.version}${rule.segment ? ` (${rule.segment.key}=${rule.segment.value})` : ''}`;
    const event: MonitoringEventRecord = {
      time: now,
      project: endpoint.project,
      endpointId: endpoint.id,
      kind: 'alert',
      title: `${rule.name} ${transition} on ${subject}`,
      text: `${rule.metric}${rule.feature ? `(${rule.feature})` : ''} = ${status.value ?? 'no data'} ${rule.comparison} ${rule.threshold}`,
      tags: ['alert', transition, rule.name, endpoint.project, endpoint.model],
      data: { ruleId: rule.id, transition, value: status.value },
    };
    await this.store.appendMonitoringEvents([event]);
    const link = this.links.grafanaUrl
      ? `${this.links.grafanaUrl}${DETAILS_DASHBOARD_PATH}?var-project=${encodeURIComponent(endpoint.project)}&var-endpoint=${endpoint.id}`
      : this.links.publicUrl
        ? `${this.links.publicUrl}/api/v1/endpoints/${endpoint.id}/drift`
        : null;
    const payload = {
      state: transition,
      rule: {
        id: rule.id,
        name: rule.name,
        metric: rule.metric,
        feature: rule.feature,
        comparison: rule.comparison,
        threshold: rule.threshold,
        forSeconds: rule.forSeconds,
        segment: rule.segment ?? null,
      },
      endpoint: {
        id: endpoint.id,
        project: endpoint.project,
        model: endpoint.model,
        version: endpoint.version,
      },
      value: status.value,
      activeSince: status.activeSince,
      at: now.toISOString(),
      link,
    };
    for (const url of rule.webhooks) await this.deliveries.enqueue(rule.project, url, payload);
  }
}
