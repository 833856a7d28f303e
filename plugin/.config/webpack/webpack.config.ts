/*
 * The plugin's webpack configuration, in @grafana/create-plugin's layout and conventions (see
 * ../README.md for where it differs). `npm run build` runs it with `--env production`.
 */
import path from 'node:path';
import process from 'node:process';
import webpack, { type Configuration } from 'webpack';

import { AssetsWebpackPlugin } from './AssetsWebpackPlugin';
import { BuildModeWebpackPlugin } from './BuildModeWebpackPlugin';
import { DIST_DIR, SOURCE_DIR } from '../bundler/constants';
import { externals } from '../bundler/externals';
import { getEntries, getPackageJson, getPluginJson } from '../bundler/utils';
import { DASHBOARD_FILES } from '@driftwatch/dashboards/files';

export type Env = Record<string, true | string | undefined>;

const pluginJson = getPluginJson();
const pluginVersion = getPackageJson().version;
const publicPathModule = path.resolve(__dirname, 'publicPath.ts');

const config = async (env: Env = {}): Promise<Configuration> => {
  const production = Boolean(env.production);
  const entries = getEntries();
  return {
    context: path.join(process.cwd(), SOURCE_DIR),

    devtool: production ? 'source-map' : 'eval-source-map',

    // Every plugin.json with a sibling module.ts is an entry: `module`, `datasource/module`, `panels/featureDrift/module`.
    entry: Object.fromEntries(
      Object.entries(entries).map(([name, file]) => [name, [publicPathModule, file]]),
    ),

    externals,

    mode: production ? 'production' : 'development',

    module: {
      rules: [
        {
          exclude: /node_modules/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: path.resolve(process.cwd(), SOURCE_DIR),
                target: 'es2015',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { filename: production ? '[hash][ext]' : '[file]' },
        },
      ],
    },

    optimization: { minimize: production },

    output: {
      clean: true,
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: { type: 'amd' },
      path: path.resolve(process.cwd(), DIST_DIR),
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      crossOriginLoading: 'anonymous',
    },

    performance: { hints: false },

    plugins: [
      new webpack.DefinePlugin({ DRIFTWATCH_APP_ID: JSON.stringify(pluginJson.id) }),
      new BuildModeWebpackPlugin(),
      new webpack.BannerPlugin({
        banner: `/* [create-plugin] conventions; plugin: ${pluginJson.id}@${pluginVersion} */`,
        raw: true,
        entryOnly: true,
      }),
      new AssetsWebpackPlugin({
        root: process.cwd(),
        version: pluginVersion,
        pluginId: pluginJson.id,
        dashboardsDir: path.resolve(process.cwd(), process.env.DRIFTWATCH_DASHBOARDS_DIR ?? '../dashboards'),
        dashboards: Object.values(DASHBOARD_FILES),
      }),
    ],

    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      modules: [path.resolve(process.cwd(), 'src'), 'node_modules'],
      unsafeCache: true,
    },
  };
};

export default config;
