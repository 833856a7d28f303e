#!/usr/bin/env node
/**
 * Fails when the source of any workspace has an import cycle, type-only imports included (they
 * couple modules as much as value imports do). Reads every import and re-export with TypeScript's
 * pre-processor, resolves relative paths and workspace package names (their package.json
 * `exports`), and reports each strongly connected component of more than one file.
 */
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const rootPackage = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const workspaces = rootPackage.workspaces.map((w) => path.join(ROOT, w));
const SOURCE = /\.(ts|tsx)$/;

/** Package name → { subpath → absolute file } from each workspace's `exports`. */
const packageExports = new Map();
for (const dir of workspaces) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const entries = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const file = typeof target === 'string' ? target : (target.types ?? target.default);
    if (typeof file === 'string' && SOURCE.test(file)) entries[subpath] = path.join(dir, file);
  }
  packageExports.set(pkg.name, entries);
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveRelative(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ])
    if (existsSync(candidate) && statSync(candidate).isFile() && SOURCE.test(candidate)) return candidate;
  return null;
}

function resolvePackage(specifier) {
  for (const [name, entries] of packageExports) {
    if (specifier !== name && !specifier.startsWith(`${name}/`)) continue;
    const subpath = specifier === name ? '.' : `./${specifier.slice(name.length + 1)}`;
    return entries[subpath] ?? null;
  }
  return null;
}

const graph = new Map();
for (const dir of workspaces) {
  const src = path.join(dir, 'src');
  if (!existsSync(src)) continue;
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const edges = new Set();
    for (const { fileName } of importedFiles) {
      const target = fileName.startsWith('.') ? resolveRelative(file, fileName) : resolvePackage(fileName);
      if (target) edges.add(target);
    }
    graph.set(file, edges);
  }
}

// Tarjan's strongly connected components.
let index = 0;
const indices = new Map();
const lowlinks = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(v) {
  indices.set(v, index);
  lowlinks.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!indices.has(w)) {
      connect(w);
      lowlinks.set(v, Math.min(lowlinks.get(v), lowlinks.get(w)));
    } else if (onStack.has(w)) lowlinks.set(v, Math.min(lowlinks.get(v), indices.get(w)));
  }
  if (lowlinks.get(v) === indices.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(path.relative(ROOT, w));
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const v of graph.keys()) if (!indices.has(v)) connect(v);

if (cycles.length > 0) {
  console.error(`import cycles (${cycles.length}):`);
  for (const c of cycles) console.error(`  ${c.join(' ↔ ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} source files`);
