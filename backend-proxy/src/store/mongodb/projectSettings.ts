/** Per-project settings (drift thresholds): one document per project, replaced whole. */
import type { ProjectSettings, ProjectSettingsStore } from '../types';
import type { MongoContext } from './collections';
import { policySettingsDoc } from './policySettings';
import { plainString, retryOnDuplicateKey, validDate } from './codec';

export function mongoProjectSettings(ctx: MongoContext): ProjectSettingsStore {
  return {
    async getProjectSettings(project: string): Promise<ProjectSettings | null> {
      const doc = await ctx.c.projectSettings.findOne({ project: plainString(project, 'project') });
      if (!doc) return null;
      return {
        project: doc.project,
        thresholds: policySettingsDoc(doc.thresholds),
        updatedAt: doc.updatedAt,
      };
    },

    async putProjectSettings(settings: ProjectSettings): Promise<void> {
      const project = plainString(settings.project, 'project');
      const replacement = {
        project,
        thresholds: policySettingsDoc(settings.thresholds),
        updatedAt: validDate(settings.updatedAt, 'updatedAt'),
      };
      await retryOnDuplicateKey(() =>
        ctx.c.projectSettings.replaceOne({ project }, replacement, { upsert: true }),
      );
    },
  };
}
