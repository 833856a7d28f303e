import { cell, formatFields, formatTable } from '../../src/cli/table';

describe('CLI tables', () => {
  it('prints cells: none as -, integers as they are, other numbers to 4 significant digits', () => {
    expect([null, undefined, '', 3, 0.123456, 1234.5678, 2.5e-7, true, false, 'x'].map(cell)).toEqual([
      '-',
      '-',
      '-',
      '3',
      '0.1235',
      '1235',
      '2.5e-7',
      'yes',
      'no',
      'x',
    ]);
  });

  it('pads columns to the widest cell, numbers right-aligned, with a rule under the header', () => {
    expect(
      formatTable(
        ['NAME', 'N', 'NOTE'],
        [
          ['a', 5, null],
          ['longer', 123, 'ok'],
        ],
      ),
    ).toBe(['NAME      N  NOTE', '------  ---  ----', 'a         5  -', 'longer  123  ok', ''].join('\n'));
    expect(formatTable(['A'], [], '(no monitors)')).toBe('(no monitors)\n');
  });

  it('prints fields as aligned key and value lines', () => {
    expect(
      formatFields([
        ['monitor', 'm'],
        ['rows', 100],
      ]),
    ).toBe('monitor  m\nrows     100\n');
  });
});
