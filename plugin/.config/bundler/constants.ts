export const SOURCE_DIR = 'src';
export const DIST_DIR = 'dist';
/** The app's plugin.json; nested plugins (data source, panel) live in sub-folders of SOURCE_DIR. */
export const ROOT_PLUGIN_JSON = `${SOURCE_DIR}/plugin.json`;
