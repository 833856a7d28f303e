import type { AppRootProps, GrafanaTheme2 } from '@grafana/data';
import { css } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2), maxWidth: 900, lineHeight: 1.6 }),
  code: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    background: theme.colors.background.secondary,
    padding: theme.spacing(0, 0.5),
  }),
});

/** The app's landing page: what the app brings and where to start. */
export function AppHome({ meta }: AppRootProps) {
  const s = useStyles2(getStyles);
  return (
    <div className={s.page}>
      <h2>Driftwatch {meta.info.version}</h2>
      <p>
        Model monitoring and experiment tracking from the Driftwatch proxy. This app brings the{' '}
        <b>Driftwatch</b> data source, the <b>Feature drift</b> panel and four dashboards: Overview, Details,
        Performance and Experiments. The dashboards are file-provisioned: point a dashboard provider at this
        plugin&apos;s <span className={s.code}>dashboards/</span> folder (docker-compose does it for you).
      </p>
      <ol>
        <li>
          Add a data source of type <b>Driftwatch</b>: the proxy URL as Grafana&apos;s server reaches it (for
          example <span className={s.code}>http://driftwatch:8080</span>) and an API key with the{' '}
          <span className={s.code}>read</span> scope.
        </li>
        <li>
          Press &quot;Save &amp; test&quot;: it says whether the proxy is unreachable, the key is rejected or
          lacks a scope.
        </li>
        <li>
          Open the Details dashboard and pick a project and an endpoint: the feature-drift panel shows every
          feature&apos;s drift.
        </li>
      </ol>
    </div>
  );
}
