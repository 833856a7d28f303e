import { createTheme, LoadingState, type DataFrame, type PanelData } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FeatureDriftPanel } from '../../src/panels/featureDrift/FeatureDriftPanel';
import { DEFAULT_OPTIONS, type FeatureDriftOptions } from '../../src/panels/featureDrift/types';
import { lastHour } from '../helpers/testEnv';
import { analysisTable, featureDriftTable, histogramFrame, segmentedFrames } from './frames';

function panelElement(
  series: DataFrame[],
  options: Partial<FeatureDriftOptions> = {},
  mode: 'dark' | 'light' = 'dark',
  height = 400,
  variables: Record<string, string> = {},
) {
  const data: PanelData = { state: LoadingState.Done, series, timeRange: lastHour() };
  return (
    <ThemeContext.Provider value={createTheme({ colors: { mode } })}>
      <FeatureDriftPanel
        id={1}
        data={data}
        timeRange={data.timeRange}
        timeZone="utc"
        options={{ ...DEFAULT_OPTIONS, ...options }}
        transparent={false}
        width={1200}
        height={height}
        fieldConfig={{ defaults: {}, overrides: [] }}
        renderCounter={0}
        title="Feature drift"
        eventBus={undefined as never}
        onOptionsChange={() => undefined}
        onFieldConfigChange={() => undefined}
        replaceVariables={(s) => s.replace(/\$(\w+)/g, (m, name: string) => variables[name] ?? m)}
        onChangeTimeRange={() => undefined}
      />
    </ThemeContext.Provider>
  );
}

const panel = (...args: Parameters<typeof panelElement>) => render(panelElement(...args));

const series = () => [
  featureDriftTable([
    { name: 'age', tvd: 0.1, hellinger: 0.12, kld: 0.05, psi: 0.2, status: 'NO_DRIFT' },
    {
      name: 'plan',
      tvd: 0.8,
      hellinger: 0.75,
      kld: 4,
      psi: 3.1,
      status: 'DRIFT_DETECTED',
      why: 'drifted: tvd 0.800 >= 0.05; chi2 p 1.00e-30 (BH 2.00e-30) <= 0.01; n 500 vs 10000',
    },
    { name: 'city', tvd: 0.55, hellinger: 0.5, kld: 1.2, psi: 0.9, status: 'POSSIBLE_DRIFT' },
  ]),
  analysisTable([
    { name: 'age', actual: [18, 40.25, 80], expected: [18, 38, 79] },
    { name: 'plan', actual: [0, 1, 2], expected: [0, 0.5, 1] },
  ]),
  histogramFrame('age', [0.5, 0.5, 0], [0.25, 0.5, 0.25]),
  histogramFrame('plan', [0.6, 0.4, 0], [0, 0.2, 0.8], ['basic', 'pro', 'other'], [2]),
];

const names = () =>
  screen
    .getAllByTestId(/^feature-row-/)
    .map((r) => r.getAttribute('data-testid')?.replace('feature-row-', ''));

describe('FeatureDriftPanel', () => {
  it('shows a window below the minimum sample as too few, not as drift', () => {
    panel([
      featureDriftTable([{ name: 'few', tvd: 0.9, hellinger: 0.9, kld: 5, status: 'INSUFFICIENT_DATA' }]),
    ]);
    expect(screen.getByTestId('cell-few-status')).toHaveTextContent('Too few');
  });

  it('draws one row per feature with histograms, statistics, every measure and the status, sorted by TVD', () => {
    panel(series());
    expect(names()).toEqual(['plan', 'city', 'age']);
    expect(screen.getByTestId('cell-age-actual_mean')).toHaveTextContent('40.250');
    expect(screen.getByTestId('cell-age-expected_max')).toHaveTextContent('79.000');
    expect(screen.getByTestId('cell-plan-kld')).toHaveTextContent('4.000');
    expect(screen.getByTestId('cell-plan-psi')).toHaveTextContent('3.100');
    expect(screen.getByTestId('cell-city-actual_mean')).toHaveTextContent('–');
    expect(screen.getByTestId('cell-plan-status')).toHaveTextContent('Drift');
    expect(screen.getByTestId('cell-city-status')).toHaveTextContent('Possible drift');
    expect(screen.getByTestId('cell-age-status')).toHaveTextContent('No drift');
    // The status explains itself (policy measure vs threshold, p-value, n), and the bin moving most is outlined.
    expect(within(screen.getByTestId('cell-plan-status')).getByTitle(/chi2 p 1\.00e-30/)).toBeInTheDocument();
    expect(screen.getByTestId('top-bin-plan-2')).toBeInTheDocument();
    expect(screen.queryByTestId('top-bin-plan-0')).toBeNull();
    expect(screen.getByTestId('histogram-plan')).toBeInTheDocument();
    expect(within(screen.getByTestId('cell-city-shift')).getByText('–')).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: /TVD/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('sorts by any column header, toggling the direction', async () => {
    panel(series());
    await userEvent.click(screen.getByRole('button', { name: 'Hellinger' }));
    expect(names()).toEqual(['plan', 'city', 'age']);
    await userEvent.click(screen.getByRole('button', { name: /Hellinger/ }));
    expect(names()).toEqual(['age', 'city', 'plan']);
    await userEvent.click(screen.getByRole('button', { name: 'Feature' }));
    expect(names()).toEqual(['age', 'city', 'plan']);
    await userEvent.click(screen.getAllByRole('button', { name: 'mean' })[1]);
    // actual mean, largest first; city has none and goes last.
    expect(names()).toEqual(['age', 'plan', 'city']);
    await userEvent.click(screen.getByRole('button', { name: 'Expected vs actual' }));
    expect(names()).toEqual(['plan', 'age', 'city']);
  });

  it("follows the panel editor's sort options on a mounted panel", () => {
    const { rerender } = panel(series());
    expect(names()).toEqual(['plan', 'city', 'age']);
    rerender(panelElement(series(), { sortBy: 'name', sortDirection: 'asc' }));
    expect(names()).toEqual(['age', 'city', 'plan']);
  });

  it('hovering a bar shows its bin with both shares', () => {
    panel(series());
    fireEvent.mouseEnter(screen.getByTestId('bin-plan-2'));
    const tooltip = screen.getByTestId('feature-drift-tooltip');
    expect(tooltip).toHaveTextContent('plan · bin other');
    expect(tooltip).toHaveTextContent('expected 0.0%');
    expect(tooltip).toHaveTextContent('actual 80.0%');
    fireEvent.mouseLeave(screen.getByTestId('histogram-plan'));
    expect(screen.queryByTestId('feature-drift-tooltip')).not.toBeInTheDocument();
  });

  it('clicking a feature sets the dashboard variable; the selected feature is highlighted', async () => {
    const partial = jest.spyOn(locationService, 'partial');
    panel(series(), { variable: 'feature' }, 'dark', 400, { feature: 'age' });
    await userEvent.click(screen.getByRole('button', { name: 'plan' }));
    expect(partial).toHaveBeenCalledWith({ 'var-feature': 'plan' }, true);
    expect(locationService.getSearchObject()['var-feature']).toBe('plan');
    expect(screen.getByTestId('feature-row-age').className).not.toBe(
      screen.getByTestId('feature-row-plan').className,
    );
    partial.mockRestore();
  });

  it('with several segments, one row per segment and feature, tagged with the segment; a click sets the feature', async () => {
    const partial = jest.spyOn(locationService, 'partial');
    panel(segmentedFrames());
    expect(names()).toEqual(['age · FR', 'plan · DE', 'age · DE']);
    expect(screen.getByTestId('cell-age · FR-name')).toHaveTextContent('ageFR');
    expect(screen.getByTestId('cell-age · FR-status')).toHaveTextContent('Drift');
    expect(screen.getByTestId('histogram-age · FR')).toBeInTheDocument();
    expect(screen.getByTestId('feature-count')).toHaveTextContent('2 features in 2 segments');
    await userEvent.click(screen.getAllByRole('button', { name: 'age' })[0]);
    expect(partial).toHaveBeenCalledWith({ 'var-feature': 'age' }, true);
    partial.mockRestore();
  });

  it('says so when there is no data, or no feature frames', () => {
    const { unmount } = panel([]);
    expect(screen.getByTestId('feature-drift-empty')).toHaveTextContent('No data');
    unmount();
    panel(
      [histogramFrame('x', [], [])].map((f) => ({ ...f, fields: f.fields.filter((x) => x.name !== 'xMin') })),
    );
    expect(screen.getByTestId('feature-drift-empty')).toHaveTextContent(
      'No feature drift in the query results',
    );
  });

  it('renders only the rows in view for hundreds of features, and more as it scrolls', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      name: `f${String(i).padStart(3, '0')}`,
      tvd: i / 500,
      hellinger: i / 600,
      kld: i / 100,
    }));
    panel([featureDriftTable(many)], { sortBy: 'name', sortDirection: 'asc' }, 'dark', 400);
    expect(screen.getByTestId('feature-count')).toHaveTextContent('500 features');
    const first = names();
    expect(first.length).toBeLessThan(30);
    expect(first[0]).toBe('f000');
    const scroller = screen.getByTestId('feature-drift-scroll');
    scroller.scrollTop = 300 * DEFAULT_OPTIONS.rowHeight;
    fireEvent.scroll(scroller);
    const later = names();
    expect(later).toContain('f300');
    expect(later).not.toContain('f000');
  });

  it('uses the theme: status and histogram colours differ between light and dark', () => {
    const dark = panel(series(), {}, 'dark');
    const darkFill = dark.container
      .querySelector('[data-testid="histogram-plan"] rect:nth-of-type(2)')
      ?.getAttribute('fill');
    dark.unmount();
    const light = panel(series(), {}, 'light');
    const lightFill = light.container
      .querySelector('[data-testid="histogram-plan"] rect:nth-of-type(2)')
      ?.getAttribute('fill');
    expect(darkFill).toBeTruthy();
    expect(lightFill).toBeTruthy();
    expect(darkFill).not.toBe(lightFill);
  });
});
