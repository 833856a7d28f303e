import { DEFAULT_FEATURE_METRICS, driftMetricLabel } from '@driftwatch/backend-proxy/drift-metrics';
import { PanelPlugin } from '@grafana/data';
import { FeatureDriftPanel } from './FeatureDriftPanel';
import { DEFAULT_OPTIONS, type FeatureDriftOptions } from './types';

export const plugin = new PanelPlugin<FeatureDriftOptions>(FeatureDriftPanel)
  .setNoPadding()
  .setPanelOptions((builder) =>
    builder
      .addTextInput({
        path: 'variable',
        name: 'Variable set on click',
        description: 'Dashboard variable that clicking a feature sets (without $)',
        defaultValue: DEFAULT_OPTIONS.variable,
      })
      .addSelect({
        path: 'sortBy',
        name: 'Sort by',
        description: 'Initial sort column; click a column header to change it',
        defaultValue: DEFAULT_OPTIONS.sortBy,
        settings: {
          allowCustomValue: true,
          options: [
            ...DEFAULT_FEATURE_METRICS.map((metric) => ({ value: metric, label: driftMetricLabel(metric) })),
            { value: 'status', label: 'Status' },
            { value: 'shift', label: 'Histogram shift' },
            { value: 'name', label: 'Feature name' },
          ],
        },
      })
      .addRadio({
        path: 'sortDirection',
        name: 'Sort direction',
        defaultValue: DEFAULT_OPTIONS.sortDirection,
        settings: {
          options: [
            { value: 'desc', label: 'Descending' },
            { value: 'asc', label: 'Ascending' },
          ],
        },
      })
      .addBooleanSwitch({
        path: 'showPredictions',
        name: 'Show prediction columns',
        defaultValue: DEFAULT_OPTIONS.showPredictions,
      })
      .addTextInput({
        path: 'measures',
        name: 'Measures',
        description:
          'Comma-separated measures to show (e.g. tvd,hellinger,kld); empty shows every measure the queries return',
        defaultValue: DEFAULT_OPTIONS.measures,
      })
      .addNumberInput({
        path: 'rowHeight',
        name: 'Row height',
        defaultValue: DEFAULT_OPTIONS.rowHeight,
        settings: { min: 24, max: 120, integer: true },
      }),
  );
