/**
 * Runs first in every entry: points webpack's public path at the folder Grafana served this
 * plugin from (the AMD `module` dependency knows the file's URI), so assets load from a CDN or a
 * sub-path too. Nested plugins (dist/datasource/module.js) share the app's root folder.
 */
import amdMetaModule from 'amd-module';

declare const DRIFTWATCH_APP_ID: string;

const uri = amdMetaModule && amdMetaModule.uri ? amdMetaModule.uri : '';
const marker = `/${DRIFTWATCH_APP_ID}/`;
const at = uri.lastIndexOf(marker);
// webpack replaces this free variable; its declaration is in ../types/webpack.d.ts.
__webpack_public_path__ = at >= 0 ? uri.slice(0, at + marker.length) : `public/plugins/${DRIFTWATCH_APP_ID}/`;
