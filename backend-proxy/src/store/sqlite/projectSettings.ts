import type { ProjectSettings, ProjectSettingsStore } from '../types';
import { fromJsonText, toJsonText } from '../jsonText';
import type { SqliteContext } from './context';

export function sqliteProjectSettings({ db }: SqliteContext): ProjectSettingsStore {
  return {
    async getProjectSettings(project) {
      const row = db.prepare('SELECT * FROM project_settings WHERE project = ?').get(project) as
        { project: string; thresholds: string | null; updated_at: number } | undefined;
      return row
        ? {
            project: row.project,
            thresholds: fromJsonText<ProjectSettings['thresholds']>(row.thresholds),
            updatedAt: new Date(row.updated_at),
          }
        : null;
    },
    async putProjectSettings(settings) {
      db.prepare(
        'INSERT OR REPLACE INTO project_settings (project, thresholds, updated_at) VALUES (?, ?, ?)',
      ).run(
        settings.project,
        settings.thresholds === null ? null : toJsonText(settings.thresholds),
        settings.updatedAt.getTime(),
      );
    },
  };
}
