import { compareRows, renderReport } from '../../src/reports';
import { formatNumber, formatThreshold } from '../../src/reports/reportTable';

const reference = Array.from({ length: 40 }, (_, i) => ({
  size: i,
  colour: ['red', 'blue'][i % 2],
  id: `r${i}`,
  gone: 1,
}));
const current = Array.from({ length: 40 }, (_, i) => ({
  size: i + 30,
  colour: ['red', 'green', 'green'][i % 3],
  id: `c${i}`,
  added: 2,
}));
const report = compareRows(reference, current, {
  tests: { colour: { metric: 'psi' } },
  limits: { maxTrackedDistinct: 30 },
  sharedColumns: true,
});

describe('report table', () => {
  it('renders the drift table, verdicts, data quality and notes, plain and deterministic', () => {
    expect(renderReport(report)).toBe(
      [
        'Driftwatch compare',
        '  reference: reference (40 rows, 4 columns)',
        '  current:   current (40 rows, 4 columns)',
        '',
        'Column drift',
        'column  role     kind         values (ref/cur)  test  score     threshold  drifted',
        'size    feature  numeric      40/40             ks    3.06e-11  p < 0.05   yes',
        'colour  feature  categorical  40/40             psi*  10.0171   >= 0.1     yes',
        'id      feature  categorical  40/40             -     -         -          n/a',
        '',
        'Drifted feature columns: 2 of 2 (100.0%); dataset drift when >= 50.0%',
        'Dataset drift: DETECTED',
        'Target drift: no target column given',
        'Prediction drift: no prediction column given',
        '',
        'Data quality (current against reference)',
        'column  missing (ref)  missing (cur)  out of range  not numeric  new categories',
        'size    0.0%           0.0%           75.0%         0.0%         -',
        'colour  0.0%           0.0%           65.0%         -            green (26)',
        'id      0.0%           0.0%           -             -            -',
        '',
        'id: not tested: more than 30 distinct values (an identifier or free text?)',
        'only in the reference (not compared): gone',
        'only in the current dataset (not compared): added',
        '* test forced with --test',
        'Tests by rule: n <= 1000: ks (numeric), chi2 (categorical or <= 5 distinct values), drift when p < 0.05; n > 1000: wasserstein / reference std (numeric), js (categorical), drift when >= 0.1.',
        "Score: the p-value for ks and chi2, the distance otherwise; out of range: outside the reference's min-max, or a category it never had.",
        '',
        'Verdict: DRIFT: 2 of 2 feature columns drifted (100.0% >= 50.0%)',
        '',
      ].join('\n'),
    );
    expect(renderReport(report)).toBe(renderReport(report));
  });

  it('shows target and prediction verdicts and lists several new categories', () => {
    const rows = (labels: string[]) =>
      Array.from({ length: 30 }, (_, i) => ({
        x: i % 10,
        y: labels[i % labels.length],
        p: labels[(i + 1) % labels.length],
      }));
    const text = renderReport(
      compareRows(rows(['a', 'b']), rows(['a', 'b', 'c', 'd', 'e', 'f']), { target: 'y', prediction: 'p' }),
    );
    expect(text).toMatch(/^y\s+target\s+categorical\s+30\/30\s+chi2\s+\S+\s+p < 0\.05\s+yes$/m);
    expect(text).toContain('Target drift (y): DETECTED');
    expect(text).toContain('Prediction drift (p): DETECTED');
    expect(text).toMatch(/^y\s+0\.0%\s+0\.0%\s+66\.7%\s+-\s+c \(5\), d \(5\), e \(5\) \+1 more$/m);
    expect(text).toContain('Verdict: DRIFT: the target "y" drifted; the prediction "p" drifted');
  });

  it('colours drifted cells and verdicts only when asked, keeping the columns aligned', () => {
    const plain = renderReport(report);
    const coloured = renderReport(report, { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(coloured).toContain('\x1b[31myes\x1b[0m');
    expect(coloured).toContain('Dataset drift: \x1b[31mDETECTED\x1b[0m');
    // Stripping the colour codes gives back the plain text.
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain); // eslint-disable-line no-control-regex
  });

  it('formats scores and thresholds', () => {
    expect(formatNumber(null)).toBe('-');
    expect(formatNumber(0)).toBe('0.0000');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(12.5)).toBe('12.5000');
    expect(formatNumber(0.00012345)).toBe('1.23e-4');
    expect(formatThreshold({ rule: 'p-value below threshold', threshold: 0.05 })).toBe('p < 0.05');
    expect(formatThreshold({ rule: 'distance at or above threshold', threshold: 0.1 })).toBe('>= 0.1');
  });
});
