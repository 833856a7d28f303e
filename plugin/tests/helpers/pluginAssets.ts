/**
 * The plugin validator's rules for the files a plugin.json points at (grafana/plugin-validator
 * passes `logos`, `metadatapaths`, `screenshots`) and for its LICENSE (`license`), written out:
 * - a logo or screenshot path is not empty, not a URL, not absolute and does not start with '.'
 *   or '/', and names a file that exists, relative to the folder of its plugin.json;
 * - a plugin has at least one screenshot (the validator warns for the app's plugin.json; we require
 *   it of every plugin.json), each a PNG, JPEG, GIF or SVG whose extension matches its content;
 * - logos are SVG (the schema: "must be an SVG image");
 * - LICENSE is one the validator accepts (here: Apache-2.0, the packages' "license").
 */
import fs from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

/** The accepted image types, told apart by their first bytes, and the extensions each may have. */
const IMAGE_TYPES: Array<{ type: string; extensions: string[]; matches: (head: Buffer) => boolean }> = [
  {
    type: 'image/png',
    extensions: ['.png'],
    matches: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/jpeg',
    extensions: ['.jpg', '.jpeg'],
    matches: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
  },
  {
    type: 'image/gif',
    extensions: ['.gif'],
    matches: (h) => /^GIF8[79]a/.test(h.subarray(0, 6).toString('latin1')),
  },
  { type: 'image/svg+xml', extensions: ['.svg'], matches: (h) => h.toString('utf8').includes('<svg') },
];

/** The image type of a file by its first 512 bytes, or null when it is none of the accepted ones. */
export function imageType(file: string): { type: string; extensions: string[] } | null {
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, 'r');
  const read = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  return IMAGE_TYPES.find((t) => t.matches(head.subarray(0, read))) ?? null;
}

function pathProblem(kind: string, p: unknown, folder: string): string | null {
  if (typeof p !== 'string' || p.trim() === '') return `${kind} path is empty`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(p)) return `${kind} path should be relative to plugin.json: ${p}`;
  if (p.startsWith('.') || p.startsWith('/'))
    return `relative ${kind} path should not start with '.' or '/': ${p}`;
  if (!fs.existsSync(path.join(folder, p))) return `${kind} ${p} does not exist`;
  return null;
}

/** Problems with the logos and screenshots of one plugin.json (`file`, relative to `dist`). */
export function checkAssets(dist: string, file: string, json: Json): string[] {
  const problems: string[] = [];
  const folder = path.join(dist, path.dirname(file));
  const info = (typeof json.info === 'object' && json.info !== null ? json.info : {}) as Json;
  const logos = (typeof info.logos === 'object' && info.logos !== null ? info.logos : {}) as Json;
  for (const kind of ['small', 'large'] as const) {
    const problem = pathProblem(`${kind} logo`, logos[kind], folder);
    if (problem) problems.push(problem);
    else if (imageType(path.join(folder, logos[kind] as string))?.type !== 'image/svg+xml')
      problems.push(`${kind} logo ${String(logos[kind])} is not an SVG image`);
  }
  const shots = Array.isArray(info.screenshots) ? (info.screenshots as Json[]) : [];
  if (shots.length === 0) problems.push('no screenshots (the plugin catalog shows them)');
  for (const shot of shots) {
    const problem = pathProblem('screenshot', shot.path, folder);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const p = shot.path as string;
    const type = imageType(path.join(folder, p));
    if (!type) problems.push(`screenshot ${p} is not a PNG, JPEG, GIF or SVG image`);
    else if (!type.extensions.includes(path.extname(p).toLowerCase()))
      problems.push(`screenshot ${p} has extension ${path.extname(p)} but is ${type.type}`);
  }
  return problems;
}

/** Problems with the package's LICENSE: missing, or not the Apache License 2.0. */
export function checkLicense(dist: string): string[] {
  const file = path.join(dist, 'LICENSE');
  if (!fs.existsSync(file)) return ['LICENSE: missing in dist'];
  const text = fs.readFileSync(file, 'utf8');
  return /Apache License\s+Version 2\.0, January 2004/.test(text) && text.includes('TERMS AND CONDITIONS')
    ? []
    : ['LICENSE: not the Apache License 2.0 the packages declare'];
}
