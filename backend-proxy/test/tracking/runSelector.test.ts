import { InvalidInputError } from '../../src/errors';
import { resolveRunSelector } from '../../src/tracking/runSelector';

describe('resolveRunSelector', () => {
  const runs = [1, 2, 3, 4, 5];
  it.each([
    ['all', undefined],
    ['3', [3]],
    ['-1', [5]],
    ['-2', [4]],
    ['-9', []],
    ['1,3,-1', [1, 3, 5]],
    ['2-4', [2, 3, 4]],
    ['2-4,1', [1, 2, 3, 4]],
    ['7', [7]],
  ])('%s selects %p', (selector, expected) => {
    expect(resolveRunSelector(selector, runs)).toEqual(expected);
  });

  it.each(['0', '5-2', 'latest', '1;2', '', '$ne'])('rejects %p', (selector) => {
    expect(() => resolveRunSelector(selector, runs)).toThrow(InvalidInputError);
  });
});
