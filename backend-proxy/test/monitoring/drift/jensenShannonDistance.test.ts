import { jensenShannonDistance } from '../../../src/monitoring/drift/jensenShannonDistance';
import { expectClose, fixtures } from '../stats/mathFixtures';

describe('jensenShannonDistance', () => {
  it.each(fixtures.drift)(
    'matches scipy.spatial.distance.jensenshannon (50-digit reference) for $name',
    ({ expected, actual, js, jsNatural }) => {
      expectClose(jensenShannonDistance(expected, actual), js, 1e-9, 1e-15);
      expectClose(jensenShannonDistance(expected, actual, { logBase: Math.E }), jsNatural, 1e-9, 1e-15);
    },
  );

  it('is bounded by 1 in base 2 and by sqrt(ln 2) in nats', () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBe(1);
    expectClose(jensenShannonDistance([1, 0], [0, 1], { logBase: Math.E }), Math.sqrt(Math.LN2), 1e-15);
    expect(() => jensenShannonDistance([1], [1], { logBase: -2 })).toThrow(RangeError);
  });
});
