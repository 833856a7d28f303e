/**
 * `npm run package -w plugin`: the built dist/ as the archive Grafana's installer and plugin
 * validator expect: `release/<plugin-id>-<version>.zip` whose single top folder is named after
 * the plugin id (`grafana cli --pluginUrl <zip> plugins install <plugin-id>` unpacks it into the
 * plugins folder as is), and `<zip>.sha256` in `sha256sum -c` form. Run after `npm run build`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { entriesOf, zip } from './zip';

const PLUGIN_DIR = path.resolve(__dirname, '..');
const DIST = path.join(PLUGIN_DIR, 'dist');
const OUT = path.join(PLUGIN_DIR, 'release');

export function packagePlugin(dist = DIST, out = OUT): { zip: string; sha256: string } {
  const pluginJson = path.join(dist, 'plugin.json');
  if (!fs.existsSync(pluginJson))
    throw new Error(`${pluginJson} is missing: run npm run build -w plugin first`);
  const { id, info } = JSON.parse(fs.readFileSync(pluginJson, 'utf8')) as {
    id: string;
    info: { version: string };
  };
  const name = `${id}-${info.version}.zip`;
  const archive = zip(entriesOf(dist, id));
  const sha256 = crypto.createHash('sha256').update(archive).digest('hex');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, name);
  fs.writeFileSync(file, archive);
  fs.writeFileSync(`${file}.sha256`, `${sha256}  ${name}\n`);
  return { zip: file, sha256 };
}

if (require.main === module) {
  const { zip: file, sha256 } = packagePlugin();
  process.stdout.write(`${path.relative(process.cwd(), file)}\nsha256 ${sha256}\n`);
}
