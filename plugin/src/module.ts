import { AppPlugin } from '@grafana/data';
import { AppHome } from './components/AppHome';

/** The app: a home page; the data source, the panel and the dashboards are nested in it (plugin.json `includes`). */
export const plugin = new AppPlugin().setRootPage(AppHome);
