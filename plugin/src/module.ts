import { AppPlugin } from '@grafana/data';
import { AppHome } from './components/AppHome';

/** The app: a home page; the data source and the panel are nested in it (plugin.json `includes`). */
export const plugin = new AppPlugin().setRootPage(AppHome);
