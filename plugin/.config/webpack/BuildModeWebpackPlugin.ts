import webpack from 'webpack';

const PLUGIN_NAME = 'BuildModeWebpack';

/** Stamps `buildMode` (development | production) into every emitted plugin.json, as create-plugin does. */
export class BuildModeWebpackPlugin {
  apply(compiler: webpack.Compiler): void {
    compiler.hooks.compilation.tap(PLUGIN_NAME, (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: PLUGIN_NAME, stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONS },
        () => {
          for (const asset of compilation.getAssets()) {
            if (!asset.name.endsWith('plugin.json')) continue;
            const json = JSON.parse(asset.source.source().toString()) as Record<string, unknown>;
            const stamped = JSON.stringify({ ...json, buildMode: compilation.options.mode }, null, 4);
            compilation.updateAsset(asset.name, new webpack.sources.RawSource(stamped));
          }
        },
      );
    });
  }
}
