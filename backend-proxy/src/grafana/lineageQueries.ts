/**
 * Where endpoints' references came from: one row per selected endpoint with a registered
 * reference (narrowed to references built from the named experiments when `experiment` is given),
 * so the Details dashboard links an endpoint to its training run and the Experiments dashboard
 * links a run to the endpoints it feeds.
 */
import type { ReferenceStatistics } from '../monitoring/reference/types';
import { selectEndpoints, type QueryContext } from './context';
import { table, type Table } from './frames';
import type { TargetQuery } from './targets';

export async function referenceLineage(ctx: QueryContext, q: TargetQuery): Promise<Table[]> {
  // `experiment` names the lineage's experiment here, not a filter on endpoints.
  const endpoints = (await selectEndpoints(ctx, q)).filter((e) => e.referenceVersion > 0);
  const references = await Promise.all(endpoints.map((e) => ctx.deps.store.getReference(e.id)));
  const rows = endpoints.flatMap((e, i) => {
    const reference = references[i];
    if (!reference) return [];
    const lineage = (reference.statistics as ReferenceStatistics).lineage ?? null;
    if (q.experiment && (!lineage || !q.experiment.includes(lineage.experiment))) return [];
    return [
      [
        e.project,
        e.id,
        `${e.model}:${e.version}`,
        reference.version,
        reference.createdAt.getTime(),
        reference.rowCount,
        lineage ? lineage.experiment : null,
        lineage ? lineage.run : null,
        lineage ? lineage.artifact : null,
        lineage ? lineage.sha256 : null,
      ],
    ];
  });
  return [
    table(
      [
        ['project', 'string'],
        ['endpoint_id', 'string'],
        ['endpoint_name', 'string'],
        ['reference_version', 'number'],
        ['reference_created', 'time'],
        ['reference_rows', 'number'],
        ['experiment', 'string'],
        ['run', 'number'],
        ['artifact', 'string'],
        ['sha256', 'string'],
      ],
      rows,
    ),
  ];
}
