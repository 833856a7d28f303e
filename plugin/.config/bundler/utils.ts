import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { ROOT_PLUGIN_JSON, SOURCE_DIR } from './constants';

export interface PluginInclude {
  type: string;
  name?: string;
  path?: string;
  uid?: string;
  addToNav?: boolean;
  defaultNav?: boolean;
  role?: string;
  icon?: string;
}

export interface PluginJson {
  id: string;
  type: string;
  name: string;
  info?: { logos?: { small?: string; large?: string }; screenshots?: Array<{ name?: string; path: string }> };
  includes?: PluginInclude[];
  [key: string]: unknown;
}

function loadJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function getPackageJson(): { name: string; version: string } {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson(): PluginJson {
  return loadJson(path.resolve(process.cwd(), ROOT_PLUGIN_JSON));
}

/** Every plugin.json under src (the app's and the nested plugins'), relative to src, sorted. */
export function findPluginJsons(): string[] {
  const root = path.resolve(process.cwd(), SOURCE_DIR);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'plugin.json') found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}

export function readPluginJson(relative: string): PluginJson {
  return loadJson(path.resolve(process.cwd(), SOURCE_DIR, relative));
}

/**
 * Nested plugins are bundled by finding every plugin.json under src with a sibling
 * module.(ts|tsx|js|jsx): the app becomes `module`, a nested plugin `<folder>/module`.
 */
export function getEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const pluginJson of findPluginJsons()) {
    const folder = path.dirname(pluginJson);
    const module = ['module.ts', 'module.tsx', 'module.js', 'module.jsx']
      .map((name) => path.resolve(process.cwd(), SOURCE_DIR, folder, name))
      .find((file) => fs.existsSync(file));
    if (!module) continue;
    entries[folder === '.' ? 'module' : `${folder.split(path.sep).join('/')}/module`] = module;
  }
  return entries;
}

export function hasReadme(): boolean {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}
