/** Per-project settings (drift thresholds): one document per project, replaced whole. */
import type { ProjectSettings, ProjectSettingsStore } from '../types';
import type { MongoContext } from './collections';
import { plainNumber, plainString, retryOnDuplicateKey, validDate } from './codec';

export class MongoProjectSettings implements ProjectSettingsStore {
  constructor(private readonly ctx: MongoContext) {}

  async getProjectSettings(project: string): Promise<ProjectSettings | null> {
    const doc = await this.ctx.c.projectSettings.findOne({ project: plainString(project, 'project') });
    if (!doc) return null;
    return {
      project: doc.project,
      thresholds:
        doc.thresholds === null
          ? null
          : { possibleDrift: doc.thresholds.possibleDrift, driftDetected: doc.thresholds.driftDetected },
      updatedAt: doc.updatedAt,
    };
  }

  async putProjectSettings(settings: ProjectSettings): Promise<void> {
    const project = plainString(settings.project, 'project');
    const t = settings.thresholds;
    const replacement = {
      project,
      thresholds:
        t === null
          ? null
          : {
              possibleDrift: plainNumber(t.possibleDrift, 'possibleDrift'),
              driftDetected: plainNumber(t.driftDetected, 'driftDetected'),
            },
      updatedAt: validDate(settings.updatedAt, 'updatedAt'),
    };
    await retryOnDuplicateKey(() =>
      this.ctx.c.projectSettings.replaceOne({ project }, replacement, { upsert: true }),
    );
  }
}
